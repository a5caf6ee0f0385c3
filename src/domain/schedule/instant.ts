/** ISO-8601 instants with an explicit zone ("Z" or "+HH:MM"), as used by `once.at`. */
import { invalid } from "../errors";
import { parseWallDateTime } from "./civil";

export type ParsedInstant = { at: number; offset: number } | { error: string };

const INSTANT = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$/i;

/** Parses an instant such as "2026-12-01T09:00:00Z" or "...+02:00"; returns the epoch ms and offset, or why it is refused. */
export function parseInstant(text: string): ParsedInstant {
  const m = typeof text === "string" ? INSTANT.exec(text) : null;
  const example = "e.g. 2026-12-01T09:00:00Z or 2026-12-01T09:00:00+02:00";
  if (!m || m[1] === undefined) return { error: `"${String(text)}" is not an ISO-8601 date-time; ${example}` };
  const wall = parseWallDateTime(m[1]);
  if (wall === null) return { error: `"${text}" names a date or time that does not exist; ${example}` };
  const zone = m[3];
  if (zone === undefined) return { error: `"${text}" has no offset; add Z (UTC) or an offset such as +02:00` };
  let offset = 0;
  if (zone.toUpperCase() !== "Z") {
    const hours = Number(zone.slice(1, 3));
    const minutes = Number(zone.slice(4, 6));
    if (hours > 18 || minutes > 59) return { error: `"${text}" has an impossible offset ${zone}` };
    offset = (zone.startsWith("-") ? -1 : 1) * (hours * 60 + minutes) * 60_000;
  }
  const fraction = m[2] === undefined ? 0 : Math.floor(Number(`0${m[2]}`) * 1000);
  return { at: wall + fraction - offset, offset };
}

/** An instant from a request field (e.g. `until`, `start`, `after`), or a 400 naming that field. */
export function instantField(text: string, path: string): number {
  const r = parseInstant(text);
  if ("error" in r) throw invalid("validation_failed", `${path}: ${r.error}`, [{ path, message: r.error }]);
  return r.at;
}
