/** One-time schedules given in the forms other APIs use: a local wall time, or an instant already past. */
import { parseWallDateTime } from "./civil";
import { WallResolver } from "./resolve";
import { validateTimezone } from "./timezone";

/**
 * A `once` time without an offset is a wall-clock time in `timezone`: the instant it names,
 * under the default DST policy (a time in a spring-forward gap runs at the first instant
 * after it; a repeated time runs at its first pass). With Z or an offset it is kept as sent;
 * text that is neither is returned as is, for validation to name what is wrong.
 */
export function onceAtLocal(text: string, timezone: string): string {
  const t = text.trim();
  if (/(Z|[+-]\d{2}:\d{2})$/i.test(t)) return t;
  const wall = parseWallDateTime(t.replace(/\.\d+$/, ""));
  if (wall === null) return text;
  const res = new WallResolver(validateTimezone(timezone)).resolve(wall);
  const at = res.kind === "repeat" ? res.first : res.at;
  return new Date(at).toISOString();
}

/**
 * An instant that has already passed at `now` is due: it runs as soon as possible, stored
 * at the next whole second after `now` (what clients of APIs that accept past one-time
 * times expect); a future one is kept.
 */
export function dueOnce(at: string, now: number): string {
  const given = Date.parse(at);
  if (!Number.isNaN(given) && given <= now) return new Date(Math.ceil(now / 1000) * 1000 + 1000).toISOString();
  return at;
}
