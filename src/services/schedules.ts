import type { Occurrence, Schedule } from "../domain/schedule";
import { instantField, nextOccurrences } from "../domain/schedule";
import { checkSchedule } from "./tasks/spec";

/** At most this many entries that do not run are listed (a minutely schedule excluding a whole day has 1440). */
const MAX_SKIPPED_LISTED = 100;

/**
 * The next `count` fire times of a schedule after `after` (an ISO instant; default
 * `now`), with the entries that do not run (excluded, DST-skipped) listed among them.
 * The schedule is validated as of `after`, so a past window can be previewed too.
 */
export function previewSchedule(p: { schedule: Schedule; count: number; after?: string }, now: number): Occurrence[] {
  const from = p.after === undefined ? now : instantField(p.after, "after");
  const valid = checkSchedule(p.schedule, Math.min(now, from));
  let listedSkips = 0;
  return nextOccurrences(valid, from, p.count, now).filter((o) => !o.skipped || ++listedSkips <= MAX_SKIPPED_LISTED);
}
