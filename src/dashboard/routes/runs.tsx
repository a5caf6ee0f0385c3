/** The run page and Retry. */
import type { Hono } from "hono";
import { ApiFailure, ok } from "../api";
import type { DashEnv } from "../env";
import { RunPage } from "../pages/run";

export function registerRunRoutes(r: Hono<DashEnv>): void {
  r.get("/runs/:id", async (c) => {
    const api = c.var.api;
    const run = ok(await api.GET("/v1/runs/{id}", { params: { path: { id: c.req.param("id") } } }));
    const [task, siblings] = await Promise.all([
      api.GET("/v1/tasks/{id}", { params: { path: { id: run.task_id } } }),
      api.GET("/v1/runs", { params: { query: { task_id: run.task_id, limit: 200 } } }),
    ]);
    // A deleted task is "not found" on /v1/tasks, but its runs stay readable.
    if (task.error && task.response.status !== 404) ok(task);
    // The attempts of one occurrence share its scheduled_for; retries add one to attempt.
    const chain = (siblings.data?.runs ?? []).filter((s) => s.scheduled_for === run.scheduled_for).sort((a, b) => a.attempt - b.attempt);
    return c.html(
      <RunPage viewer={c.var.viewer} run={run} task={task.data ?? null} chain={chain} retried={c.req.query("retried") === "1"} />,
    );
  });

  r.post("/runs/:id/retry", async (c) => {
    const res = await c.var.api.POST("/v1/runs/{id}/retry", { params: { path: { id: c.req.param("id") } } });
    if (!res.data) ok(res);
    const next = res.data;
    if (!next) throw new ApiFailure(500, "error", "the retry answered no run");
    return c.redirect(`/dashboard/runs/${encodeURIComponent(next.id)}?retried=1`, 303);
  });
}
