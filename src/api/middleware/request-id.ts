import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../env";

/**
 * Accepts a caller's X-Request-Id (if sane) or makes one; echoes it on the response.
 * Every response also says `X-Content-Type-Options: nosniff`: answers carry text that
 * targets and users wrote (run results, names), and a browser must never sniff a
 * JSON answer into HTML.
 */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const given = c.req.header("x-request-id");
  const id = given && /^[A-Za-z0-9._-]{1,100}$/.test(given) ? given : crypto.randomUUID();
  c.set("requestId", id);
  c.header("X-Request-Id", id);
  c.header("X-Content-Type-Options", "nosniff");
  await next();
});
