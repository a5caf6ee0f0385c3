/**
 * GET /docs: the API reference, served entirely from our own origin. The page is ours;
 * the renderer (Scalar's standalone bundle, copied from node_modules by scripts/assets.mjs)
 * and the script that starts it are Workers Static Assets under /docs/ (public/docs/).
 * No CDN, no inline script: it renders offline and under a CSP that allows only 'self'.
 */
import type { Context } from "hono";
import type { AppEnv } from "../env";

export const DOCS_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // Scalar injects its theme and component styles as <style> elements at run time;
  // styles cannot run code, and scripts stay 'self' only.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  // The reference reads /openapi.json, and its "try it" client calls this same API.
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join("; ");

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Tasks API reference</title>
  </head>
  <body>
    <div id="api-reference"></div>
    <script src="/docs/scalar.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`;

/** The reference page, with the CSP that keeps it on our origin. */
export function docsPage(c: Context<AppEnv>): Response {
  c.header("Content-Security-Policy", DOCS_CSP);
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Referrer-Policy", "no-referrer");
  return c.html(PAGE);
}
