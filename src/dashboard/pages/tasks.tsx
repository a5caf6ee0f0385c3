import type { components } from "../../client";
import { TASK_STATUSES, TASK_TYPES } from "../../domain/task";
import type { Viewer } from "../env";
import { scheduleWords, zoneOf } from "../format/schedule-words";
import { Layout } from "../layout";
import { OutcomeStrip, Status, When } from "./parts";

type Task = components["schemas"]["Task"];
export const PAGE_SIZE = 50;

export type TaskQuery = { status?: string; type?: string; q?: string; page: number };

/** The query string of a Tasks page with `over` changed (filters kept across pages). */
export function tasksHref(q: TaskQuery, over: Partial<TaskQuery>): string {
  const next = { ...q, ...over };
  const params = new URLSearchParams();
  if (next.status) params.set("status", next.status);
  if (next.type) params.set("type", next.type);
  if (next.q) params.set("q", next.q);
  if (next.page > 1) params.set("page", String(next.page));
  const s = params.toString();
  return s ? `/dashboard?${s}` : "/dashboard";
}

function Select(props: { id: string; label: string; value?: string; options: readonly string[] }) {
  return (
    <span class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} name={props.id}>
        <option value="">any</option>
        {props.options.map((o) => (
          <option value={o} selected={o === props.value}>
            {o}
          </option>
        ))}
      </select>
    </span>
  );
}

/** /dashboard: one row per task, filters, search and pages of PAGE_SIZE. */
export function TasksPage(props: { viewer: Viewer; query: TaskQuery; tasks: Task[]; total: number; now: number; done?: string }) {
  const { viewer, query, tasks, total, now } = props;
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  return (
    <Layout title="Tasks" viewer={viewer} section="tasks">
      {props.done === "deleted" && (
        <p class="notice" role="status">
          Task deleted.
        </p>
      )}
      <p>
        <a href="/dashboard/tasks/new" class="button">
          New task
        </a>
      </p>
      <form method="get" action="/dashboard" class="filters" aria-label="Filter tasks">
        <Select id="status" label="Status" value={query.status} options={TASK_STATUSES} />
        <Select id="type" label="Type" value={query.type} options={TASK_TYPES} />
        <span class="field">
          <label for="q">Search</label>
          <input id="q" name="q" type="search" value={query.q ?? ""} />
        </span>
        <button type="submit">Filter</button>
      </form>
      <p class="count" aria-live="polite">
        {total === 1 ? "1 task" : `${total} tasks`}
        {pages > 1 && ` · page ${query.page} of ${pages}`}
      </p>
      {tasks.length === 0 ? (
        <p class="empty">No tasks match.</p>
      ) : (
        <table class="tasks">
          <caption class="visually-hidden">Tasks</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">Schedule</th>
              <th scope="col">Status</th>
              <th scope="col">Next run</th>
              <th scope="col">Last status</th>
            </tr>
          </thead>
          <tbody>
            {tasks.map((t) => (
              <tr>
                <th scope="row">
                  <a href={`/dashboard/tasks/${encodeURIComponent(t.id)}`}>{t.name}</a>
                </th>
                <td>{t.type}</td>
                <td>{scheduleWords(t.schedule)}</td>
                <td>
                  <Status status={t.status} />
                </td>
                <td>
                  <When iso={t.next_run_at} zone={zoneOf(t.schedule)} viewerZone={viewer.zone} now={now} />
                </td>
                <td>
                  <Status status={t.last_status} /> <OutcomeStrip statuses={t.recent_statuses ?? []} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pages > 1 && (
        <nav class="pages" aria-label="Pages">
          {query.page > 1 && (
            <a href={tasksHref(query, { page: query.page - 1 })} rel="prev">
              Previous page
            </a>
          )}
          {query.page < pages && (
            <a href={tasksHref(query, { page: query.page + 1 })} rel="next">
              Next page
            </a>
          )}
        </nav>
      )}
    </Layout>
  );
}
