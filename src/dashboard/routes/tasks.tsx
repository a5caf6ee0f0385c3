/** The task page and its actions: each action is a form POST that calls one /v1 route and redirects back. */
import type { Context, Hono } from "hono";
import { ApiFailure, ok } from "../api";
import type { DashEnv } from "../env";
import { DeletePage, RUNS_PER_PAGE, TaskPage } from "../pages/task";

const CHART_RUNS = 100;
const idOf = (c: Context<DashEnv>) => c.req.param("id") ?? "";
const back = (c: Context<DashEnv>, done: string) => c.redirect(`/dashboard/tasks/${encodeURIComponent(idOf(c))}?done=${done}`, 303);

export function registerTaskRoutes(r: Hono<DashEnv>): void {
  r.get("/tasks/:id", async (c) => {
    const api = c.var.api;
    const id = idOf(c);
    const task = ok(await api.GET("/v1/tasks/{id}", { params: { path: { id } } }));
    const runsOffset = Math.max(0, Math.min(1_000_000, Number.parseInt(c.req.query("runs") ?? "0", 10) || 0));
    const [preview, chart] = await Promise.all([
      task.schedule.kind === "event" ? undefined : api.POST("/v1/schedules/preview", { body: { schedule: task.schedule, count: 10 } }),
      api.GET("/v1/tasks/{id}/runs", { params: { path: { id }, query: { limit: CHART_RUNS, offset: 0 } } }),
    ]);
    const runs = ok(chart);
    const tableRuns =
      runsOffset + RUNS_PER_PAGE <= CHART_RUNS
        ? runs.runs.slice(runsOffset, runsOffset + RUNS_PER_PAGE)
        : ok(await api.GET("/v1/tasks/{id}/runs", { params: { path: { id }, query: { limit: RUNS_PER_PAGE, offset: runsOffset } } })).runs;
    return c.html(
      <TaskPage
        viewer={c.var.viewer}
        task={task}
        // A schedule with no future occurrence (a once task in the past) previews as none.
        occurrences={preview?.data?.occurrences ?? []}
        chartRuns={runs.runs}
        tableRuns={tableRuns}
        runsTotal={runs.total}
        runsOffset={runsOffset}
        done={c.req.query("done")}
        now={Date.now()}
      />,
    );
  });

  r.post("/tasks/:id/run", async (c) => {
    const run = ok(await c.var.api.POST("/v1/tasks/{id}/run", { params: { path: { id: idOf(c) } } }));
    return c.redirect(`/dashboard/runs/${encodeURIComponent(run.id)}`, 303);
  });
  r.post("/tasks/:id/pause", async (c) => {
    ok(await c.var.api.POST("/v1/tasks/{id}/pause", { params: { path: { id: idOf(c) } } }));
    return back(c, "paused");
  });
  r.post("/tasks/:id/resume", async (c) => {
    ok(await c.var.api.POST("/v1/tasks/{id}/resume", { params: { path: { id: idOf(c) } } }));
    return back(c, "resumed");
  });
  r.post("/tasks/:id/snooze", async (c) => {
    const seconds = Number((await c.req.parseBody()).delay_seconds);
    if (!Number.isInteger(seconds)) throw new ApiFailure(400, "validation_failed", "choose how long to snooze for");
    ok(await c.var.api.POST("/v1/tasks/{id}/snooze", { params: { path: { id: idOf(c) } }, body: { delay_seconds: seconds } }));
    return back(c, "snoozed");
  });
  r.post("/tasks/:id/skip", async (c) => {
    const id = idOf(c);
    // /v1's skip sets how many occurrences are still to skip: one more than now.
    const task = ok(await c.var.api.GET("/v1/tasks/{id}", { params: { path: { id } } }));
    ok(await c.var.api.POST("/v1/tasks/{id}/skip", { params: { path: { id } }, body: { count: task.skip_next + 1 } }));
    return back(c, "skipped");
  });
  r.get("/tasks/:id/delete", async (c) => {
    const task = ok(await c.var.api.GET("/v1/tasks/{id}", { params: { path: { id: idOf(c) } } }));
    return c.html(<DeletePage viewer={c.var.viewer} task={task} />);
  });
  r.post("/tasks/:id/delete", async (c) => {
    const res = await c.var.api.DELETE("/v1/tasks/{id}", { params: { path: { id: idOf(c) } } });
    if (res.response.status !== 204) ok(res);
    return c.redirect("/dashboard?done=deleted", 303);
  });
}
