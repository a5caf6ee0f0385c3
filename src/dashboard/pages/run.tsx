import type { components } from "../../client";
import type { Viewer } from "../env";
import { duration, lateness } from "../format/duration";
import { inZone } from "../format/time";
import { Layout } from "../layout";
import { Status } from "./parts";

type Run = components["schemas"]["Run"];
type Task = components["schemas"]["Task"];

const RETRYABLE = new Set(["failed", "timed_out", "canceled"]);
const FINISHED = new Set(["succeeded", "failed", "timed_out", "canceled", "skipped"]);

const json = (v: unknown) => JSON.stringify(v, null, 2);
const record = (v: unknown): Record<string, unknown> =>
  v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};

/** A runner's output tails, wherever the result keeps them (a runner run, or a host part under containers/connectivity). */
function tails(result: unknown): { stdout?: string; stderr?: string } {
  const r = record(result);
  for (const part of [r, record(r.containers), record(r.connectivity)]) {
    if (typeof part.stdout_tail === "string" || typeof part.stderr_tail === "string") {
      return { stdout: part.stdout_tail as string | undefined, stderr: part.stderr_tail as string | undefined };
    }
  }
  return {};
}

function Targets(props: { targets: unknown }) {
  const list = Array.isArray(props.targets) ? (props.targets as Record<string, unknown>[]) : [];
  if (list.length === 0) return null;
  const cols = [...new Set(list.flatMap((t) => Object.keys(record(t))))].slice(0, 8);
  return (
    <>
      <h2>Targets</h2>
      <table class="targets">
        <thead>
          <tr>
            {cols.map((c) => (
              <th scope="col">{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {list.map((t) => (
            <tr>
              {cols.map((c) => {
                const v = record(t)[c];
                return <td>{v === undefined || v === null ? "—" : typeof v === "object" ? JSON.stringify(v) : String(v)}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** /dashboard/runs/{id}: one run's status, timings, outcome, targets, output and its chain of attempts. */
export function RunPage(props: { viewer: Viewer; run: Run; task: Task | null; chain: Run[]; retried?: boolean }) {
  const { run: r, viewer, task } = props;
  const zone = task && "timezone" in task.schedule && task.schedule.timezone ? task.schedule.timezone : "UTC";
  const out = tails(r.result);
  const live = !FINISHED.has(r.status);
  return (
    <Layout title={`Run of ${task?.name ?? "a deleted task"}`} viewer={viewer} section="tasks" refresh={live}>
      {props.retried && (
        <p class="notice" role="status">
          Retry queued: this is the new attempt.
        </p>
      )}
      {live && <p class="muted">This page refreshes every 2 seconds until the run finishes.</p>}
      <dl class="facts">
        <dt>Status</dt>
        <dd>
          <Status status={r.status} />
          {r.reason && ` (${r.reason})`}
          {r.final && r.status !== "succeeded" && " · final"}
        </dd>
        <dt>Task</dt>
        <dd>{task ? <a href={`/dashboard/tasks/${encodeURIComponent(task.id)}`}>{task.name}</a> : "deleted"}</dd>
        <dt>Trigger</dt>
        <dd>{`${r.trigger}, attempt ${r.attempt}`}</dd>
        <dt>Scheduled for</dt>
        <dd>{inZone(r.scheduled_for, zone)}</dd>
        <dt>Started</dt>
        <dd>{inZone(r.started_at, zone)}</dd>
        <dt>Finished</dt>
        <dd>{inZone(r.finished_at, zone)}</dd>
        <dt>Lateness</dt>
        <dd>{duration(lateness(r))}</dd>
        <dt>Duration</dt>
        <dd>{duration(r.duration_ms)}</dd>
        {r.runner_id && (
          <>
            <dt>Runner</dt>
            <dd>{r.runner_id}</dd>
          </>
        )}
      </dl>
      {r.final && RETRYABLE.has(r.status) && task && task.status !== "canceled" && (
        <form method="post" action={`/dashboard/runs/${encodeURIComponent(r.id)}/retry`} class="inline">
          <button type="submit">Retry</button>
        </form>
      )}
      {r.error && (
        <>
          <h2>Error</h2>
          <pre class="output">{r.error}</pre>
        </>
      )}
      {r.result !== null && r.result !== undefined && (
        <>
          <h2>Result</h2>
          <pre class="output">{json(r.result)}</pre>
        </>
      )}
      <Targets targets={r.targets} />
      {out.stdout !== undefined && (
        <>
          <h2>stdout (tail)</h2>
          <pre class="output">{out.stdout || "(empty)"}</pre>
        </>
      )}
      {out.stderr !== undefined && (
        <>
          <h2>stderr (tail)</h2>
          <pre class="output">{out.stderr || "(empty)"}</pre>
        </>
      )}
      {props.chain.length > 1 && (
        <>
          <h2>Attempts</h2>
          <ol class="chain">
            {props.chain.map((a) => (
              <li>
                {a.id === r.id ? (
                  <strong>{`attempt ${a.attempt}: ${a.status} (this run)`}</strong>
                ) : (
                  <a href={`/dashboard/runs/${encodeURIComponent(a.id)}`}>{`attempt ${a.attempt}: ${a.status}`}</a>
                )}
              </li>
            ))}
          </ol>
        </>
      )}
    </Layout>
  );
}
