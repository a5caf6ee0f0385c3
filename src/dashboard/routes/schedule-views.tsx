/** Upcoming (the week ahead on a timeline) and Missed & failed (the ledger). */
import type { Hono } from "hono";
import { ok } from "../api";
import { countByDay } from "../charts/ledger-chart";
import type { DashEnv } from "../env";
import { lateness } from "../format/duration";
import type { Row } from "../format/timeline";
import { rowFor, windowStart } from "../format/timeline";
import { LedgerPage } from "../pages/ledger";
import { UpcomingPage } from "../pages/upcoming";

const ROWS = 50;
const LATE_MS = 5000;

export function registerScheduleViews(r: Hono<DashEnv>): void {
  r.get("/upcoming", async (c) => {
    const from = windowStart(c.req.query("from"), Date.now());
    const page = Math.max(1, Number.parseInt(c.req.query("page") ?? "1", 10) || 1);
    const list = ok(await c.var.api.GET("/v1/tasks", { params: { query: { status: "active", limit: ROWS, offset: (page - 1) * ROWS } } }));
    // The same schedule maths as POST /v1/schedules/preview (domain/schedule), run here for
    // each row rather than as one /v1 request per task.
    const rows: Row[] = list.tasks.map((t) => {
      try {
        return rowFor(t, from);
      } catch {
        return { task: t, zone: "UTC", marks: [], dense: false, transitions: [] };
      }
    });
    const pages = Math.max(1, Math.ceil(list.total / ROWS));
    return c.html(<UpcomingPage viewer={c.var.viewer} from={from} rows={rows} total={list.total} page={page} pages={pages} />);
  });

  r.get("/ledger", async (c) => {
    const api = c.var.api;
    const [skipped, failed, timedOut, recent, tasks] = await Promise.all([
      api.GET("/v1/runs", { params: { query: { status: "skipped", limit: 100 } } }),
      api.GET("/v1/runs", { params: { query: { status: "failed", final: "true", limit: 100 } } }),
      api.GET("/v1/runs", { params: { query: { status: "timed_out", final: "true", limit: 100 } } }),
      api.GET("/v1/runs", { params: { query: { limit: 200 } } }),
      api.GET("/v1/tasks", { params: { query: { limit: 200 } } }),
    ]);
    const failures = [...ok(failed).runs, ...ok(timedOut).runs].sort((a, b) => b.scheduled_for.localeCompare(a.scheduled_for));
    const late = ok(recent).runs.filter((run) => (lateness(run) ?? 0) > LATE_MS);
    const names = new Map(ok(tasks).tasks.map((t) => [t.id, t.name]));
    const skippedRuns = ok(skipped).runs;
    const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    const days = countByDay(
      [
        ...skippedRuns.map((x) => ({ at: x.scheduled_for, kind: "skipped" as const })),
        ...failures.map((x) => ({ at: x.scheduled_for, kind: "failed" as const })),
        ...late.map((x) => ({ at: x.scheduled_for, kind: "late" as const })),
      ],
      today,
      14,
    );
    return c.html(<LedgerPage viewer={c.var.viewer} skipped={skippedRuns} failures={failures} late={late} names={names} days={days} />);
  });
}
