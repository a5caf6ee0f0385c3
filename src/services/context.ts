import type { Db } from "../db/client";
import type { Logger } from "../log";

/**
 * What every service call needs: the database, the caller's organization (every
 * query is scoped to it), who acts (for `created_by`), the clock, and the queue.
 * `allowPrivateTargets` (ALLOW_PRIVATE_TARGETS=true, development only) lets tasks and
 * projects name private addresses; otherwise they are refused when written. `log` is
 * bound to the request: every line a request causes, in services and in the engine they
 * call, carries its `request_id`.
 */
export type ServiceContext = {
  db: Db;
  orgId: string;
  actor: string;
  now: number;
  queue: Queue<unknown>;
  allowPrivateTargets: boolean;
  /** Whether a write claims a task it made due before the next tick (CLAIM_ON_WRITE, on unless "off"). */
  claimOnWrite: boolean;
  requestId: string;
  log: Logger;
};

/**
 * What an admin-token call across organizations needs (an API key names its own
 * organization): the database and the clock, and no organization scope.
 */
export type AdminContext = Pick<ServiceContext, "db" | "now">;
