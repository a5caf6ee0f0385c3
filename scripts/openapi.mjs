// The OpenAPI document, generated offline: no wrangler, no workerd, no network.
// esbuild bundles src/app.ts for Node and the app answers GET /openapi.json in-process,
// so the document linted is exactly the one the Worker serves.
//
//   node scripts/openapi.mjs [out.json]   writes the document (default: stdout)
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";

// Only the Durable Object classes import `cloudflare:workers`; building the document
// never instantiates them, so an empty base class is enough in Node.
const workersStub = {
  name: "cloudflare-workers-stub",
  setup(b) {
    b.onResolve({ filter: /^cloudflare:workers$/ }, () => ({ path: "cloudflare:workers", namespace: "stub" }));
    b.onLoad({ filter: /.*/, namespace: "stub" }, () => ({ contents: "export class DurableObject {}", loader: "js" }));
  },
};

/** Builds the app in Node and returns the document it serves at /openapi.json. */
export async function openapiDocument() {
  const dir = mkdtempSync(join(tmpdir(), "tasks-openapi-"));
  try {
    const out = join(dir, "app.mjs");
    await build({
      entryPoints: ["src/app.ts"],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: out,
      logLevel: "error",
      plugins: [workersStub],
    });
    const { createApp } = await import(pathToFileURL(out).href);
    const res = await createApp().request("/openapi.json");
    if (!res.ok) throw new Error(`GET /openapi.json answered ${res.status}`);
    return await res.json();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const text = `${JSON.stringify(await openapiDocument(), null, 2)}\n`;
  if (process.argv[2]) writeFileSync(process.argv[2], text);
  else process.stdout.write(text);
}
