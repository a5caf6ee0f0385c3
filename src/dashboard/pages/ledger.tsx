import type { components } from "../../client";
import type { DayCounts } from "../charts/ledger-chart";
import { LedgerChart } from "../charts/ledger-chart";
import type { Viewer } from "../env";
import { duration, lateness } from "../format/duration";
import { inZone } from "../format/time";
import { Layout } from "../layout";

type Run = components["schemas"]["Run"];

/** What a skipped run's reason means, in words. */
export const REASONS: Record<string, string> = {
  overlap: "overlap: the previous run was still going",
  dedupe: "dedupe: the same dedupe key ran within its window",
  catchup_window: "catchup_window: missed longer ago than the catch-up window",
  skip_next: "skip_next: skipped on request",
  dst: "dst: the time did not exist (DST gap, gap: skip)",
  excluded: "excluded: an except date",
};

function TaskLink(props: { run: Run; names: Map<string, string> }) {
  const name = props.names.get(props.run.task_id);
  return <a href={`/dashboard/tasks/${encodeURIComponent(props.run.task_id)}`}>{name ?? `task ${props.run.task_id.slice(0, 8)}`}</a>;
}

function RunLink(props: { run: Run; zone: string }) {
  return <a href={`/dashboard/runs/${encodeURIComponent(props.run.id)}`}>{inZone(props.run.scheduled_for, props.zone)}</a>;
}

/** /dashboard/ledger: every occurrence that did not run and why, final failures with Retry, late starts, counts per day. */
export function LedgerPage(props: {
  viewer: Viewer;
  skipped: Run[];
  failures: Run[];
  late: Run[];
  names: Map<string, string>;
  days: DayCounts[];
}) {
  const { names, viewer } = props;
  const zone = viewer.zone;
  return (
    <Layout title="Missed & failed" viewer={viewer} section="ledger">
      <LedgerChart days={props.days} />
      <h2 id="skipped">Did not run ({props.skipped.length})</h2>
      {props.skipped.length === 0 ? (
        <p class="muted">Every occurrence ran.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col">Occurrence</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {props.skipped.map((r) => (
              <tr>
                <td>
                  <TaskLink run={r} names={names} />
                </td>
                <td>
                  <RunLink run={r} zone={zone} />
                </td>
                <td>{REASONS[r.reason ?? ""] ?? r.reason ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2 id="failures">Final failures ({props.failures.length})</h2>
      {props.failures.length === 0 ? (
        <p class="muted">No final failures.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col">Occurrence</th>
              <th scope="col">Status</th>
              <th scope="col">Error</th>
              <th scope="col">Retry</th>
            </tr>
          </thead>
          <tbody>
            {props.failures.map((r) => (
              <tr>
                <td>
                  <TaskLink run={r} names={names} />
                </td>
                <td>
                  <RunLink run={r} zone={zone} />
                </td>
                <td>{`${r.status}, attempt ${r.attempt}`}</td>
                <td>{(r.error ?? "").slice(0, 200)}</td>
                <td>
                  <form method="post" action={`/dashboard/runs/${encodeURIComponent(r.id)}/retry`} class="inline">
                    <button type="submit" aria-label={`Retry ${names.get(r.task_id) ?? "task"} run of ${r.scheduled_for}`}>
                      Retry
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2 id="late">Started more than 5 s late ({props.late.length})</h2>
      {props.late.length === 0 ? (
        <p class="muted">No late starts among the latest 200 runs.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Task</th>
              <th scope="col">Occurrence</th>
              <th scope="col">Lateness</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {props.late.map((r) => (
              <tr>
                <td>
                  <TaskLink run={r} names={names} />
                </td>
                <td>
                  <RunLink run={r} zone={zone} />
                </td>
                <td>{duration(lateness(r))}</td>
                <td>{r.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p class="hint">
        Lists show the latest 100 of each kind (late starts: among the latest 200 runs); the chart counts what the lists hold.
      </p>
    </Layout>
  );
}
