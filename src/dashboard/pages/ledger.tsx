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

type Section = { runs: Run[]; total: number; page: number };
type Pages = { skipped: number; failures: number; late: number };

/** Newer/Older links for one list of the ledger, keeping the other lists' pages. */
function Pager(props: { name: keyof Pages; section: Section; pageSize: number; query: Pages }) {
  const { name, section, pageSize, query } = props;
  const href = (page: number) => {
    const q = new URLSearchParams(Object.entries({ ...query, [name]: page }).map(([k, v]) => [k, String(v)]));
    return `/dashboard/ledger?${q}#${name}`;
  };
  const newer = section.page > 1;
  const older = section.page * pageSize < section.total;
  if (!newer && !older) return null;
  return (
    <nav class="pager" aria-label={`Pages of ${name}`}>
      {newer && <a href={href(section.page - 1)}>Newer</a>}
      <span class="muted">{` page ${section.page} of ${Math.ceil(section.total / pageSize)} `}</span>
      {older && <a href={href(section.page + 1)}>Older</a>}
    </nav>
  );
}

/** /dashboard/ledger: every occurrence that did not run and why, final failures with Retry, late starts, counts per day. */
export function LedgerPage(props: {
  viewer: Viewer;
  skipped: Section;
  failures: Section;
  late: Section;
  pageSize: number;
  query: Pages;
  names: Map<string, string>;
  days: DayCounts[];
}) {
  const { names, viewer, pageSize, query } = props;
  const zone = viewer.zone;
  const skipped = props.skipped.runs;
  const failures = props.failures.runs;
  const late = props.late.runs;
  return (
    <Layout title="Missed & failed" viewer={viewer} section="ledger">
      <LedgerChart days={props.days} />
      <h2 id="skipped">Did not run ({props.skipped.total})</h2>
      {skipped.length === 0 ? (
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
            {skipped.map((r) => (
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
      <Pager name="skipped" section={props.skipped} pageSize={pageSize} query={query} />
      <h2 id="failures">Final failures ({props.failures.total})</h2>
      {failures.length === 0 ? (
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
            {failures.map((r) => (
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
      <Pager name="failures" section={props.failures} pageSize={pageSize} query={query} />
      <h2 id="late">Started more than 5 s late ({props.late.total})</h2>
      {late.length === 0 ? (
        <p class="muted">No late starts.</p>
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
            {late.map((r) => (
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
      <Pager name="late" section={props.late} pageSize={pageSize} query={query} />
      <p class="hint">Each list shows {pageSize} at a time, newest first; the chart counts the entries on the pages shown.</p>
    </Layout>
  );
}
