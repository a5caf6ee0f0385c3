import { HEARTBEAT_SECONDS, completeRun, heartbeat, waitForClaim } from "../../../services/runners";
import { listRunners } from "../../../services/runners-seen";
import { serviceContext } from "../../context";
import type { AppRouteHandler } from "../../router";
import { runJson, taskJson } from "../serialize";
import type * as routes from "./routes";
import { iso } from "../../../domain/time";

export const claimRunHandler: AppRouteHandler<typeof routes.claimRunRoute> = async (c) => {
  const b = c.req.valid("json");
  const claim = await waitForClaim(await serviceContext(c), c.env, b, b.wait_seconds * 1000, c.req.raw.signal);
  if (!claim) return c.body(null, 204);
  return c.json(
    {
      run: runJson(claim.run),
      task: taskJson(claim.task),
      lease_expires_at: iso(claim.run.lease_expires_at ?? Date.now()),
      heartbeat_interval_seconds: HEARTBEAT_SECONDS,
    },
    200,
  );
};

export const heartbeatRunHandler: AppRouteHandler<typeof routes.heartbeatRunRoute> = async (c) => {
  const { runner_id, ...progress } = c.req.valid("json");
  const r = await heartbeat(await serviceContext(c), c.env, c.req.valid("param").id, runner_id, progress);
  return c.json({ lease_expires_at: iso(r.lease_expires_at), cancel: r.cancel }, 200);
};

export const completeRunHandler: AppRouteHandler<typeof routes.completeRunRoute> = async (c) =>
  c.json(runJson(await completeRun(await serviceContext(c), c.env, c.req.valid("param").id, c.req.valid("json"))), 200);

export const listRunnersHandler: AppRouteHandler<typeof routes.listRunnersRoute> = async (c) => {
  const seen = await listRunners(await serviceContext(c));
  return c.json({ runners: seen.map((r) => ({ ...r, first_seen_at: iso(r.first_seen_at), last_seen_at: iso(r.last_seen_at) })) }, 200);
};
