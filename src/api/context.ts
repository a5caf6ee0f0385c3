import type { Context } from "hono";
import { createDb } from "../db/client";
import type { AppEnv } from "../env";
import { boundLog } from "../log";
import type { AdminContext, ServiceContext } from "../services/context";
import { ensureOrg } from "../services/orgs";
import { orgOf } from "./middleware/auth";

/** The service context for an authenticated request (org from the credential, or X-Org-Id for the admin token). */
export async function serviceContext(c: Context<AppEnv>): Promise<ServiceContext> {
  const identity = c.get("identity");
  const db = createDb(c.env.DB);
  const now = Date.now();
  const orgId = orgOf(identity, c.req.header("x-org-id"));
  if (!identity.orgId) await ensureOrg(db, orgId, now);
  const requestId = c.get("requestId") ?? "";
  return {
    db,
    orgId,
    actor: identity.subject,
    now,
    queue: c.env.RUNS,
    allowPrivateTargets: c.env.ALLOW_PRIVATE_TARGETS === "true",
    claimOnWrite: c.env.CLAIM_ON_WRITE !== "off",
    requestId,
    log: boundLog({ request_id: requestId }),
  };
}

/** The context of an admin-token call that spans organizations (no X-Org-Id needed). */
export function adminContext(c: Context<AppEnv>): AdminContext {
  return { db: createDb(c.env.DB), now: Date.now() };
}
