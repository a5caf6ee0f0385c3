import type { TaskLock } from "./engine/lock";
import type { RateLimiter } from "./engine/rate-limiter";

/** Bindings and secrets of the Worker (wrangler.toml + `.dev.vars` / `wrangler secret put`). */
export interface Env {
  DB: D1Database;
  RUNS: Queue<unknown>;
  TASK_LOCK: DurableObjectNamespace<TaskLock>;
  /** One token bucket per credential (API key, JWT org+subject, admin token). */
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
  BACKUPS: R2Bucket;
  /** Bootstrap credential for /v1/api-keys, /v1/projects and other admin routes. */
  ADMIN_TOKEN?: string;
  /** HS256 secret for JWTs (ours from /v1/auth/token, or an identity provider's). */
  JWT_SECRET?: string;
  /** When set, RS256/ES256 tokens are verified against this JWKS. */
  JWKS_URL?: string;
  JWT_ISSUER?: string;
  JWT_AUDIENCE?: string;
  TOKEN_TTL_SECONDS?: string;
  /** Organization workflow endpoint: workflow callbacks POST to `${WORKFLOW_ENDPOINT_URL}/${callback_id}`. */
  WORKFLOW_ENDPOINT_URL?: string;
  /** OpenAI-compatible endpoint (base URL; `/chat/completions` is appended) and key for agent tasks. */
  AGENT_ENDPOINT_URL?: string;
  AGENT_API_KEY?: string;
  /** Workers AI, used for agent tasks when no AGENT_ENDPOINT_URL is set. */
  AI?: Ai;
  /** Secret for encrypting backups at rest (AES-GCM; any length, hashed into a 256-bit key). */
  BACKUP_KEY?: string;
  /** "true" lets tasks call private/loopback addresses (local development and tests). */
  ALLOW_PRIVATE_TARGETS?: string;
  /**
   * "off" stops a write from claiming a task it made due before the next tick (see
   * `claimIfDueSoon`); on by default. The test pool turns it off so a tick test decides when
   * each claim happens; test/engine/claim-on-write.test.ts turns it back on.
   */
  CLAIM_ON_WRITE?: string;
  /**
   * Which runs get a `run.finished` log line: "each" (the default) or "failures" (every run
   * that did not succeed; a batch's `runs.batch` line still counts them all and carries the
   * batch's cost). Log lines are billed on Cloudflare, and under `wrangler dev` every line
   * costs the dev server a connection: 10,000 lines in seconds run it out of file descriptors.
   */
  RUN_LOG?: string;
  /** Sustained requests per minute per credential on /v1 (default 600). */
  RATE_LIMIT_PER_MINUTE?: string;
  /** Bucket size: requests a credential may send at once (default 100). */
  RATE_LIMIT_BURST?: string;
}

export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    identity: import("./domain/identity").Identity;
  };
};
