/** Time zone validation and UTC-offset lookups through Intl (one cached formatter per zone). */
import { ScheduleError } from "./types";

const AREAS = "Africa|America|Antarctica|Arctic|Asia|Atlantic|Australia|Europe|Indian|Pacific";
/** Area/Location[/Sub]; each location part starts with a letter and holds a lowercase letter. */
const REGION_NAME = new RegExp(`^(?:${AREAS})(?:/(?=[A-Za-z0-9_+-]*[a-z])[A-Za-z][A-Za-z0-9_+-]*){1,2}$`);
const UTC_NAMES = new Set(["UTC", "Etc/UTC"]);

/** Region names suggested for common abbreviations and legacy zone names. */
const SUGGESTIONS: Record<string, string> = {
  EST: "America/New_York",
  EDT: "America/New_York",
  EST5EDT: "America/New_York",
  "US/Eastern": "America/New_York",
  CST: "America/Chicago",
  CDT: "America/Chicago",
  CST6CDT: "America/Chicago",
  "US/Central": "America/Chicago",
  MST: "America/Denver",
  MDT: "America/Denver",
  MST7MDT: "America/Denver",
  "US/Mountain": "America/Denver",
  PST: "America/Los_Angeles",
  PDT: "America/Los_Angeles",
  PST8PDT: "America/Los_Angeles",
  "US/Pacific": "America/Los_Angeles",
  GMT: "UTC or Europe/London",
  BST: "Europe/London",
  CET: "Europe/Paris",
  CEST: "Europe/Paris",
  MET: "Europe/Paris",
  EET: "Europe/Athens",
  WET: "Europe/Lisbon",
  AEST: "Australia/Sydney",
  AEDT: "Australia/Sydney",
  JST: "Asia/Tokyo",
  IST: "Asia/Kolkata",
};

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (f === undefined) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(tz, f);
  }
  return f;
}

function invalidTz(message: string): ScheduleError {
  return new ScheduleError("invalid_timezone", "schedule.timezone", message);
}

/** The properly cased name when `tz` differs from a valid region name only by case. */
function caseFix(tz: string): string | undefined {
  if (!new RegExp(`^(?:${AREAS})/`, "i").test(tz)) return undefined;
  try {
    const resolved = new Intl.DateTimeFormat("en-US", { timeZone: tz }).resolvedOptions().timeZone;
    return resolved.toLowerCase() === tz.toLowerCase() && REGION_NAME.test(resolved) ? resolved : undefined;
  } catch {
    return undefined;
  }
}

/** Returns `tz` when it is "UTC", "Etc/UTC" or a full IANA region name (Area/Location) known to Intl; throws otherwise. */
export function validateTimezone(tz: string): string {
  if (typeof tz !== "string" || tz.trim() === "") {
    throw invalidTz("timezone is empty; use an IANA region name such as America/New_York, or UTC");
  }
  if (UTC_NAMES.has(tz)) return tz;
  if (!REGION_NAME.test(tz)) {
    const hint = SUGGESTIONS[tz] ?? SUGGESTIONS[tz.toUpperCase()] ?? caseFix(tz);
    const example = hint ?? "America/New_York";
    throw invalidTz(
      `"${tz}" is not a full IANA time zone name; use a region name such as ${example}` +
        (hint === undefined ? " (Area/Location), or UTC" : ""),
    );
  }
  let resolved: string;
  try {
    resolved = formatter(tz).resolvedOptions().timeZone;
  } catch {
    throw invalidTz(`"${tz}" is not a known IANA time zone; check the spelling (e.g. America/New_York, Europe/London)`);
  }
  if (resolved !== tz && resolved.toLowerCase() === tz.toLowerCase()) {
    formatters.delete(tz);
    throw invalidTz(`"${tz}" is not spelled as in the IANA database; use "${resolved}" (names are case-sensitive)`);
  }
  return tz;
}

/** True for zones whose offset is always zero (no Intl lookup needed). */
function isUtc(tz: string): boolean {
  return UTC_NAMES.has(tz);
}

/**
 * The UTC offset (ms, east positive) in force in `tz` at `instant`: the wall-clock fields
 * read through Intl, taken as UTC, minus the instant (both at whole seconds).
 */
export function offsetAt(tz: string, instant: number): number {
  if (isUtc(tz)) return 0;
  const base = Math.floor(instant / 1000) * 1000;
  const fields: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(new Date(base))) {
    if (part.type !== "literal") fields[part.type] = Number(part.value);
  }
  const hour = fields.hour === 24 ? 0 : (fields.hour ?? 0);
  const wall = Date.UTC(fields.year ?? 1970, (fields.month ?? 1) - 1, fields.day ?? 1, hour, fields.minute ?? 0, fields.second ?? 0);
  return wall - base;
}

/** The wall ms (local clock encoded as UTC fields) of `instant` in `tz`. */
export function wallAt(tz: string, instant: number): number {
  return instant + offsetAt(tz, instant);
}
