import { applyD1Migrations, env } from "cloudflare:test";

// Applied once per test file's isolate; idempotent (tracked in d1_migrations).
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
