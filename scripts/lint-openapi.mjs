// `npm run lint:openapi`: lints the document the Worker serves at /openapi.json with
// Redocly's recommended rules (redocly.yaml). Offline: the document is generated in
// Node (scripts/openapi.mjs) and written to a temporary file for `redocly lint`.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openapiDocument } from "./openapi.mjs";

const dir = mkdtempSync(join(tmpdir(), "tasks-openapi-lint-"));
try {
  const file = join(dir, "openapi.json");
  writeFileSync(file, JSON.stringify(await openapiDocument(), null, 2));
  console.log("[lint:openapi] linting the document GET /openapi.json serves (generated from src/app.ts)");
  const lint = spawnSync("npx", ["redocly", "lint", "--config", "redocly.yaml", file], {
    stdio: "inherit",
    env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_NOTIFICATIONS: "true" },
  });
  process.exitCode = lint.status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
