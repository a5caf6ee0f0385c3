/** Upcoming (the week ahead on a timeline) and Missed & failed (the ledger). */
import type { Hono } from "hono";
import { ok } from "../api";
import { countByDay } from "../charts/ledger-chart";
import type { DashEnv } from "../env";
import type { Row } from "../format/timeline";
import { rowFor, windowStart } from "../format/timeline";
import { LedgerPage } from "../pages/ledger";
import { UpcomingPage } from "../pages/upcoming";

const ROWS = 50;
/** A run that started more than this after it was scheduled is listed as late. */
const LATE_MS = 5000;
const LEDGER_PAGE = 100;

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
    // Each list pages on its own (`?skipped=2`, `?failures=3`, `?late=2`), LEDGER_PAGE at a time.
    const pageOf = (name: string) => Math.max(1, Math.min(10_000, Number.parseInt(c.req.query(name) ?? "1", 10) || 1));
    const pages = { skipped: pageOf("skipped"), failures: pageOf("failures"), late: pageOf("late") };
    const at = (page: number) => ({ limit: LEDGER_PAGE, offset: (page - 1) * LEDGER_PAGE });
    const [skipped, failures, late, tasks] = await Promise.all([
      api.GET("/v1/runs", { params: { query: { status: "skipped", ...at(pages.skipped) } } }),
      // `final` is set only on failed and timed-out runs that no retry follows.
      api.GET("/v1/runs", { params: { query: { final: "true", ...at(pages.failures) } } }),
      api.GET("/v1/runs", { params: { query: { late_over_ms: LATE_MS, ...at(pages.late) } } }),
      api.GET("/v1/tasks", { params: { query: { limit: 200 } } }),
    ]);
    const lists = { skipped: ok(skipped), failures: ok(failures), late: ok(late) };
    const names = new Map(ok(tasks).tasks.map((t) => [t.id, t.name]));
    const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;
    const days = countByDay(
      [
        ...lists.skipped.runs.map((x) => ({ at: x.scheduled_for, kind: "skipped" as const })),
        ...lists.failures.runs.map((x) => ({ at: x.scheduled_for, kind: "failed" as const })),
        ...lists.late.runs.map((x) => ({ at: x.scheduled_for, kind: "late" as const })),
      ],
      today,
      14,
    );
    const section = (name: keyof typeof lists) => ({ runs: lists[name].runs, total: lists[name].total, page: pages[name] });
    return c.html(
      <LedgerPage
        viewer={c.var.viewer}
        skipped={section("skipped")}
        failures={section("failures")}
        late={section("late")}
        pageSize={LEDGER_PAGE}
        query={pages}
        names={names}
        days={days}
      />,
    );
  });
}
