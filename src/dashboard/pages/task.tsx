import type { Child } from "hono/jsx";
import type { components } from "../../client";
import { RunsChart } from "../charts/runs-chart";
import type { Viewer } from "../env";
import { duration, lateness } from "../format/duration";
import { scheduleWords, zoneOf } from "../format/schedule-words";
import { inZone } from "../format/time";
import { Layout } from "../layout";
import { Status, When } from "./parts";

type Task = components["schemas"]["Task"];
type Run = components["schemas"]["Run"];
type Occurrence = components["schemas"]["Occurrence"];

export const RUNS_PER_PAGE = 25;

/** What an action's redirect says it did (?done=…), shown once at the top of the page. */
export const DONE: Record<string, string> = {
  created: "Task created.",
  saved: "Task saved.",
  paused: "Paused: no scheduled runs until you resume it.",
  resumed: "Resumed.",
  snoozed: "Snoozed.",
  skipped: "The next run will be skipped.",
};

/** How a preview occurrence was changed by the schedule's rules, if it was. */
export function occurrenceMark(o: Occurrence): { kind: "dst" | "excluded" | "skipped"; text: string } | null {
  if (o.note === "excluded") return { kind: "excluded", text: "excluded date" };
  if (o.note?.includes("DST")) return { kind: "dst", text: o.note };
  if (o.skipped) return { kind: "skipped", text: o.note ?? "skipped" };
  return null;
}

function Action(props: { id: string; action: string; label: string; children?: Child; variant?: string }) {
  return (
    <form method="post" action={`/dashboard/tasks/${encodeURIComponent(props.id)}/${props.action}`} class="inline">
      {props.children}
      <button type="submit" class={props.variant}>
        {props.label}
      </button>
    </form>
  );
}

function Actions(props: { task: Task }) {
  const t = props.task;
  const live = t.status === "active" || t.status === "paused";
  const id = encodeURIComponent(t.id);
  return (
    <div class="actions">
      {t.status !== "canceled" && <Action id={t.id} action="run" label="Run now" />}
      {t.status === "active" && <Action id={t.id} action="pause" label="Pause" variant="secondary" />}
      {(t.status === "paused" || t.snoozed_until) && <Action id={t.id} action="resume" label="Resume" variant="secondary" />}
      {live && (
        <Action id={t.id} action="snooze" label="Snooze" variant="secondary">
          <label for="snooze_for">Snooze for</label>{" "}
          <select id="snooze_for" name="delay_seconds">
            <option value="3600">1 hour</option>
            <option value="86400">1 day</option>
            <option value="604800">1 week</option>
          </select>
        </Action>
      )}
      {live && <Action id={t.id} action="skip" label="Skip next" variant="secondary" />}
      {t.status !== "canceled" && (
        <form method="get" action={`/dashboard/tasks/${id}/edit`} class="inline">
          <button type="submit" class="secondary">
            Edit
          </button>
        </form>
      )}
      <form method="get" action={`/dashboard/tasks/${id}/delete`} class="inline">
        <button type="submit" class="danger">
          Delete
        </button>
      </form>
    </div>
  );
}

/** Occurrences as a list, in the task's zone (and the viewer's, when given and different), DST-moved or excluded ones marked. */
export function OccurrenceList(props: { occurrences: Occurrence[]; zone: string; viewerZone?: string }) {
  return (
    <ol class="preview">
      {props.occurrences.map((o) => {
        const mark = occurrenceMark(o);
        return (
          <li class={mark ? `marked m-${mark.kind}` : undefined}>
            <time datetime={o.at}>{inZone(o.at, props.zone)}</time>
            {props.viewerZone && props.viewerZone !== props.zone && (
              <span class="muted">{` · ${inZone(o.at, props.viewerZone)} (yours)`}</span>
            )}
            {mark && <span class={`flag f-${mark.kind}`}>{` ${mark.kind === "dst" ? "DST" : mark.kind}: ${mark.text}`}</span>}
          </li>
        );
      })}
    </ol>
  );
}

function Preview(props: { occurrences: Occurrence[]; zone: string; viewerZone: string }) {
  if (props.occurrences.length === 0) return <p class="muted">No upcoming runs.</p>;
  return <OccurrenceList {...props} />;
}

export function RunsTable(props: { runs: readonly Run[]; zone: string }) {
  if (props.runs.length === 0) return <p class="muted">No runs yet.</p>;
  return (
    <table class="runs">
      <caption class="visually-hidden">Run history</caption>
      <thead>
        <tr>
          <th scope="col">Status</th>
          <th scope="col">Trigger</th>
          <th scope="col">Scheduled for</th>
          <th scope="col">Started</th>
          <th scope="col">Lateness</th>
          <th scope="col">Duration</th>
          <th scope="col">Attempt</th>
        </tr>
      </thead>
      <tbody>
        {props.runs.map((r) => (
          <tr>
            <th scope="row">
              <a href={`/dashboard/runs/${encodeURIComponent(r.id)}`}>{r.status}</a>
              {r.reason && <small class="muted">{` (${r.reason})`}</small>}
            </th>
            <td>{r.trigger}</td>
            <td>{inZone(r.scheduled_for, props.zone)}</td>
            <td>{inZone(r.started_at, props.zone)}</td>
            <td>{duration(lateness(r))}</td>
            <td>{duration(r.duration_ms)}</td>
            <td>{r.attempt}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** /dashboard/tasks/{id}: the schedule and its next 10 runs, the actions, the run history and its chart. */
export function TaskPage(props: {
  viewer: Viewer;
  task: Task;
  occurrences: Occurrence[];
  chartRuns: Run[];
  tableRuns: Run[];
  runsTotal: number;
  runsOffset: number;
  done?: string;
  now: number;
}) {
  const { task: t, viewer } = props;
  const zone = zoneOf(t.schedule);
  const id = encodeURIComponent(t.id);
  const more = props.runsOffset + RUNS_PER_PAGE < props.runsTotal;
  return (
    <Layout title={t.name} viewer={viewer} section="tasks">
      {props.done && DONE[props.done] && (
        <p class="notice" role="status">
          {DONE[props.done]}
        </p>
      )}
      <dl class="facts">
        <dt>Schedule</dt>
        <dd>{scheduleWords(t.schedule)}</dd>
        <dt>Type</dt>
        <dd>{t.type}</dd>
        <dt>Status</dt>
        <dd>
          <Status status={t.status} />
          {t.snoozed_until && ` snoozed until ${inZone(t.snoozed_until, zone)}`}
          {t.skip_next > 0 && ` · skipping the next ${t.skip_next === 1 ? "run" : `${t.skip_next} runs`}`}
        </dd>
        <dt>Next run</dt>
        <dd>
          <When iso={t.next_run_at} zone={zone} viewerZone={viewer.zone} now={props.now} />
        </dd>
      </dl>
      <Actions task={t} />
      <h2>Next 10 runs</h2>
      <Preview occurrences={props.occurrences} zone={zone} viewerZone={viewer.zone} />
      <h2>Last {props.chartRuns.length} runs</h2>
      <RunsChart runs={props.chartRuns} />
      <h2>Run history</h2>
      <RunsTable runs={props.tableRuns} zone={zone} />
      {(props.runsOffset > 0 || more) && (
        <nav class="pages" aria-label="Run pages">
          {props.runsOffset > 0 && <a href={`/dashboard/tasks/${id}?runs=${Math.max(0, props.runsOffset - RUNS_PER_PAGE)}`}>Newer runs</a>}
          {more && <a href={`/dashboard/tasks/${id}?runs=${props.runsOffset + RUNS_PER_PAGE}`}>Older runs</a>}
        </nav>
      )}
    </Layout>
  );
}

/** Delete's confirmation (a page, so it works without JavaScript and by keyboard). */
export function DeletePage(props: { viewer: Viewer; task: Task }) {
  const id = encodeURIComponent(props.task.id);
  return (
    <Layout title={`Delete ${props.task.name}?`} viewer={props.viewer} section="tasks">
      <p>The task stops running and disappears from every list; its runs stay readable by id.</p>
      <div class="actions">
        <form method="post" action={`/dashboard/tasks/${id}/delete`} class="inline">
          <button type="submit" class="danger">
            Delete task
          </button>
        </form>
        <a href={`/dashboard/tasks/${id}`}>Keep it</a>
      </div>
    </Layout>
  );
}
