import type { components } from "../../client";
import { inZone, relative } from "../format/time";

type RunStatus = components["schemas"]["Run"]["status"];

/** A status as a labelled badge (its class colours it; the word is always there too). */
export function Status(props: { status: string | null | undefined }) {
  const s = props.status ?? "none";
  return <span class={`badge s-${s}`}>{props.status ?? "—"}</span>;
}

/** The last outcomes as a strip of marks, oldest to newest, with one text label for assistive technology. */
export function OutcomeStrip(props: { statuses: readonly RunStatus[] }) {
  const oldestFirst = [...props.statuses].reverse();
  if (oldestFirst.length === 0) return <span class="muted">no runs</span>;
  const counts = new Map<string, number>();
  for (const s of oldestFirst) counts.set(s, (counts.get(s) ?? 0) + 1);
  const label = `Last ${oldestFirst.length} outcomes: ${[...counts].map(([s, n]) => `${n} ${s}`).join(", ")}`;
  return (
    <span class="strip" role="img" aria-label={label} title={label}>
      {oldestFirst.map((s) => (
        <i class={`o s-${s}`} />
      ))}
    </span>
  );
}

/** An instant: relative, then absolute in the task's zone, then in the viewer's (when different). */
export function When(props: { iso: string | null | undefined; zone: string; viewerZone: string; now: number }) {
  if (!props.iso) return <span class="muted">—</span>;
  return (
    <span class="when">
      <time datetime={props.iso}>{relative(props.iso, props.now)}</time>
      <small>{inZone(props.iso, props.zone)}</small>
      {props.viewerZone !== props.zone && <small class="viewer">{`${inZone(props.iso, props.viewerZone)} (yours)`}</small>}
    </span>
  );
}
