/** New task and Edit task: the form, its save (POST or PATCH /v1/tasks), and the live schedule preview. */
import type { Context, Hono } from "hono";
import { ApiFailure, ok } from "../api";
import type { DashEnv } from "../env";
import type { FieldErrors, Values } from "../form/task-form";
import { apiErrors, blank, fromForm, fromTask, toInput, toSchedule } from "../form/task-form";
import { PreviewList, TaskFormPage } from "../pages/task-form";

type Preview = { occurrences?: { at: string; local: string; note?: string; skipped?: boolean }[]; error?: string };

/** The schedule's next 10 runs through POST /v1/schedules/preview, or the service's own message for why there are none. */
async function preview(c: Context<DashEnv>, v: Values): Promise<Preview> {
  const { schedule, errors } = toSchedule(v);
  if (!schedule) return { error: Object.values(errors)[0] };
  const res = await c.var.api.POST("/v1/schedules/preview", { body: { schedule, count: 10 } });
  if (res.data) return { occurrences: res.data.occurrences };
  const e = (res.error as { error?: { message?: string } } | undefined)?.error;
  if (res.response.status === 401) throw new ApiFailure(401, "unauthorized", "sign in again");
  return { error: e?.message ?? `the preview answered ${res.response.status}` };
}

const zoneOf = (v: Values) => v["schedule.timezone"].trim() || "UTC";

export function registerFormRoutes(r: Hono<DashEnv>): void {
  const render = (c: Context<DashEnv>, o: { values: Values; errors?: FieldErrors; taskId?: string; preview?: Preview }, status = 200) =>
    c.html(
      <TaskFormPage
        viewer={c.var.viewer}
        values={o.values}
        errors={o.errors ?? {}}
        taskId={o.taskId}
        title={o.taskId ? `Edit ${o.values.name}` : "New task"}
        preview={o.preview}
      />,
      status as 200,
    );

  /** Preview (no save) or save; an API refusal puts each error next to its field. */
  async function submit(c: Context<DashEnv>, taskId?: string) {
    const body = await c.req.parseBody();
    const values = fromForm(body);
    if (body.intent === "preview") return render(c, { values, taskId, preview: await preview(c, values) });
    const { input, errors } = toInput(values);
    if (!input) return render(c, { values, errors, taskId, preview: await preview(c, values) }, 400);
    const api = c.var.api;
    const res = taskId
      ? await api.PATCH("/v1/tasks/{id}", { params: { path: { id: taskId }, header: {} }, body: input })
      : await api.POST("/v1/tasks", { body: input });
    if (res.data) return c.redirect(`/dashboard/tasks/${encodeURIComponent(res.data.id)}?done=${taskId ? "saved" : "created"}`, 303);
    const status = res.response.status;
    if (status === 401 || status === 404) ok(res);
    const e = (res.error as { error?: { code?: string; message?: string; details?: { path: string; message: string }[] } } | undefined)
      ?.error;
    const fieldErrors = apiErrors(
      { code: e?.code ?? "error", message: e?.message ?? `the API answered ${status}`, details: e?.details ?? [] },
      values["schedule.kind"],
    );
    return render(
      c,
      { values, errors: fieldErrors, taskId, preview: await preview(c, values) },
      status >= 400 && status < 500 ? status : 400,
    );
  }

  r.get("/tasks/new", (c) => render(c, { values: blank() }));
  r.post("/tasks/new", (c) => submit(c));
  r.get("/tasks/:id/edit", async (c) => {
    const task = ok(await c.var.api.GET("/v1/tasks/{id}", { params: { path: { id: c.req.param("id") } } }));
    const values = fromTask(task);
    return render(c, { values, taskId: task.id, preview: await preview(c, values) });
  });
  r.post("/tasks/:id/edit", (c) => submit(c, c.req.param("id")));

  // The live preview app.js asks for as the schedule fields change: an HTML fragment.
  r.post("/preview", async (c) => {
    const values = fromForm(await c.req.parseBody());
    const p = await preview(c, values);
    return c.html(<PreviewList occurrences={p.occurrences} error={p.error} zone={zoneOf(values)} />);
  });
}
