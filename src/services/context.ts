import type { Db } from "../db/client";

/**
 * What every service call needs: the database, the caller's organization (every
 * query is scoped to it), who acts (for `created_by`), the clock, and the queue.
 * `allowPrivateTargets` (ALLOW_PRIVATE_TARGETS=true, development only) lets tasks and
 * projects name private addresses; otherwise they are refused when written.
 */
export type ServiceContext = {
  db: Db;
  orgId: string;
  actor: string;
  now: number;
  queue: Queue<unknown>;
  allowPrivateTargets: boolean;
};
