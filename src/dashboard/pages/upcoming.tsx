import type { Viewer } from "../env";
import { DAYS, SLOTS, isoDay } from "../format/timeline";
import type { Mark, Row } from "../format/timeline";
import { inZone } from "../format/time";
import { Layout } from "../layout";

const KIND_TEXT: Record<Mark["kind"], string> = { run: "run", dst: "moved by DST", skipped: "skipped (DST)", excluded: "excluded date" };

function MarkLink(props: { row: Row; mark: Mark; viewerZone: string }) {
  const { row, mark } = props;
  const iso = new Date(mark.at).toISOString();
  const yours = props.viewerZone !== row.zone ? `; yours: ${inZone(iso, props.viewerZone)}` : "";
  return (
    <a class={`mark t${mark.slot} k-${mark.kind}`} href={`/dashboard/tasks/${encodeURIComponent(row.task.id)}`}>
      <span class="tip">{`${row.task.name}: ${inZone(iso, row.zone)}${yours}${mark.kind === "run" ? "" : ` · ${KIND_TEXT[mark.kind]}${mark.note && mark.note !== "excluded" ? `: ${mark.note}` : ""}`}`}</span>
    </a>
  );
}

/**
 * /dashboard/upcoming: the next DAYS days, one row per active task and one mark per run,
 * each mark a link whose tooltip (shown on hover and on focus) gives its time in the task's
 * zone and in yours; DST transitions of each task's zone drawn as lines, runs a transition
 * moved or skipped highlighted. Days are UTC days.
 */
export function UpcomingPage(props: { viewer: Viewer; from: number; rows: Row[]; total: number; page: number; pages: number }) {
  const { from, rows } = props;
  const days = Array.from({ length: DAYS }, (_, i) => from + i * 86_400_000);
  const prev = isoDay(from - DAYS * 86_400_000);
  const next = isoDay(from + DAYS * 86_400_000);
  return (
    <Layout title="Upcoming" viewer={props.viewer} section="upcoming" styles={["/dashboard/timeline.css"]}>
      <p>
        {`${isoDay(from)} to ${isoDay(from + (DAYS - 1) * 86_400_000)} (days in UTC) · ${props.total} active ${props.total === 1 ? "task" : "tasks"}`}
      </p>
      <nav class="pages" aria-label="Weeks">
        <a href={`/dashboard/upcoming?from=${prev}`}>Previous week</a>
        <a href={`/dashboard/upcoming?from=${next}`}>Next week</a>
      </nav>
      <p class="legend">
        <span class="key k-run">● run</span> <span class="key k-dst">▣ moved by DST</span>{" "}
        <span class="key k-skipped">■ skipped or excluded</span> <span class="key dst-key">│ DST change in the task's zone</span>
      </p>
      {rows.length === 0 ? (
        <p class="empty">No active tasks.</p>
      ) : (
        <table class="timeline">
          <caption class="visually-hidden">Runs in the next 7 days, one row per active task</caption>
          <thead>
            <tr class="tl-head">
              <th scope="col" class="tl-name">
                Task
              </th>
              <th scope="col" class="tl-track">
                {days.map((d, i) => (
                  <span class={`day t${(i * SLOTS) / DAYS}`}>{new Date(d).toUTCString().slice(0, 11)}</span>
                ))}
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr>
                <th scope="row" class="tl-name">
                  <a href={`/dashboard/tasks/${encodeURIComponent(row.task.id)}`}>{row.task.name}</a>
                  <small class="muted">{row.zone}</small>
                  {row.transitions.map((t) => (
                    <small class="dst-note">{`DST: clocks ${t.deltaMinutes > 0 ? "forward" : "back"} ${Math.abs(t.deltaMinutes)} min at ${inZone(new Date(t.at).toISOString(), row.zone)}`}</small>
                  ))}
                </th>
                <td class="tl-track">
                  {days.map((_, i) => (
                    <span class={`gridline t${(i * SLOTS) / DAYS}`} />
                  ))}
                  {row.transitions.map((t) => (
                    <span class={`dst-line t${t.slot}`} title={`DST change in ${row.zone}`} />
                  ))}
                  {row.dense ? (
                    <span class="band">more than 100 runs this week</span>
                  ) : row.marks.length === 0 ? (
                    <span class="muted none">no runs this week</span>
                  ) : (
                    row.marks.map((m) => <MarkLink row={row} mark={m} viewerZone={props.viewer.zone} />)
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.pages > 1 && (
        <nav class="pages" aria-label="Task pages">
          {props.page > 1 && <a href={`/dashboard/upcoming?from=${isoDay(from)}&page=${props.page - 1}`}>Previous tasks</a>}
          {props.page < props.pages && <a href={`/dashboard/upcoming?from=${isoDay(from)}&page=${props.page + 1}`}>More tasks</a>}
        </nav>
      )}
    </Layout>
  );
}
