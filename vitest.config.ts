import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { configDefaults, defineConfig } from "vitest/config";

// The test pool gets the same bindings as wrangler.toml, declared here rather than
// read from it for one reason: the queue has a producer but no automatic consumer,
// so tests deliver messages to the real consumer themselves (createMessageBatch)
// and nothing runs behind a test's back.
export default defineConfig(async () => {
  const migrations = await readD1Migrations("./migrations");
  return {
    plugins: [
      cloudflareTest({
        main: "./src/index.ts",
        miniflare: {
          compatibilityDate: "2026-04-01",
          compatibilityFlags: ["nodejs_compat"],
          d1Databases: ["DB"],
          queueProducers: { RUNS: "tasks-runs" },
          durableObjects: {
            TASK_LOCK: { className: "TaskLock", useSQLite: true },
            RATE_LIMITER: { className: "RateLimiter", useSQLite: true },
          },
          r2Buckets: ["BACKUPS"],
          // wrangler.toml's [assets] (/docs/scalar.js, /docs/init.js). SELF is the Worker itself
          // here, with no asset router in front, so test/api/docs.test.ts reads them through a binding.
          assets: { directory: "./public", binding: "ASSETS" },
          bindings: {
            TEST_MIGRATIONS: migrations,
            ADMIN_TOKEN: "test-admin-token",
            JWT_SECRET: "test-jwt-secret-at-least-32-bytes-long!!",
            TOKEN_TTL_SECONDS: "3600",
            // Generous, so no suite is ever limited; test/security drives the 429 path with its own limits.
            RATE_LIMIT_PER_MINUTE: "100000",
            RATE_LIMIT_BURST: "100000",
            // Tick tests decide when each claim happens; claim-on-write.test.ts turns it on.
            CLAIM_ON_WRITE: "off",
          },
        },
      }),
    ],
    test: {
      setupFiles: ["./test/helpers/setup.ts"],
      // test/browser runs in Node against `npm start` (npm run test:browser), not in workerd.
      exclude: [...configDefaults.exclude, "test/browser/**"],
      // Copies the API reference's bundle into public/docs/ (wrangler's [build] does it for dev and deploy).
      globalSetup: ["./scripts/assets.mjs"],
      deps: { optimizer: { ssr: { enabled: true, include: ["cron-parser", "rrule"] } } },
      // Generous: the full suite loads both cores, and tests that hold a target wait on background work.
      testTimeout: 60_000,
      // The Worker logs a JSON line per state change; show them only for failing tests.
      silent: "passed-only" as const,
    },
  };
});
