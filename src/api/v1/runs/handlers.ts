import { listRunArtifacts, readRunArtifact } from "../../../services/runs/artifacts";
import { getRun, listRuns } from "../../../services/runs/read";
import { retryRun } from "../../../services/runs/retry";
import { serviceContext } from "../../context";
import type { AppRouteHandler } from "../../router";
import { runJson } from "../serialize";
import type * as routes from "./routes";

export const listRunsHandler: AppRouteHandler<typeof routes.listRunsRoute> = async (c) => {
  const q = c.req.valid("query");
  const { runs, total } = await listRuns(await serviceContext(c), q);
  return c.json({ runs: runs.map(runJson), total, limit: q.limit, offset: q.offset }, 200);
};

export const getRunHandler: AppRouteHandler<typeof routes.getRunRoute> = async (c) =>
  c.json(runJson(await getRun(await serviceContext(c), c.req.valid("param").id)), 200);

export const retryRunHandler: AppRouteHandler<typeof routes.retryRunRoute> = async (c) => {
  const run = await retryRun(await serviceContext(c), c.req.valid("param").id);
  c.header("Location", `/v1/runs/${run.id}`);
  return c.json(runJson(run), 202);
};

export const listRunArtifactsHandler: AppRouteHandler<typeof routes.listRunArtifactsRoute> = async (c) =>
  c.json({ artifacts: await listRunArtifacts(await serviceContext(c), c.env.BACKUPS, c.req.valid("param").id) }, 200);

export const getRunArtifactHandler: AppRouteHandler<typeof routes.getRunArtifactRoute> = async (c) => {
  const { id, target } = c.req.valid("param");
  const artifact = await readRunArtifact(await serviceContext(c), c.env, id, target);
  return c.body(artifact.body, 200, {
    "content-type": artifact.contentType,
    "content-length": String(artifact.size),
    // Stored bytes come from arbitrary sources: a download, never a page rendered on this origin.
    "content-disposition": `attachment; filename="${target}"`,
    "x-content-type-options": "nosniff",
  });
};
