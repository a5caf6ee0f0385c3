// Copies the API reference's renderer (Scalar's standalone browser bundle) from
// node_modules into public/docs/, the Workers Static Assets directory, so /docs needs no
// CDN. The copy is not in git (.gitignore): wrangler's [build] runs this before
// `wrangler dev` (npm start) and `wrangler deploy` (also --dry-run: npm run build,
// .ci/run), and vitest's globalSetup runs it before the tests.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const SCALAR_TARGET = join(root, "public", "docs", "scalar.js");

/** Writes public/docs/scalar.js when it is missing or differs from the installed bundle. */
export function copyAssets() {
  // The package's exports map hides dist/browser; its main entry is dist/index.js, next to it.
  const main = createRequire(join(root, "package.json")).resolve("@scalar/api-reference");
  const source = readFileSync(join(dirname(main), "browser", "standalone.js"), "utf8");
  // The source map (20 MB) is not shipped: drop the comment that would make a browser's
  // developer tools ask for it.
  const bundle = source.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n");
  if (existsSync(SCALAR_TARGET) && readFileSync(SCALAR_TARGET, "utf8") === bundle) return false;
  mkdirSync(dirname(SCALAR_TARGET), { recursive: true });
  writeFileSync(SCALAR_TARGET, bundle);
  return true;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  if (copyAssets()) console.log(`[assets] copied Scalar's standalone bundle to ${SCALAR_TARGET}`);
}

/** vitest's globalSetup (vitest.config.ts): the test pool serves public/ as it is. */
export function setup() {
  copyAssets();
}
