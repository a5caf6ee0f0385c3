/**
 * Calendar helpers on "wall" milliseconds: a wall-clock date-time encoded as the epoch ms
 * whose UTC fields equal it (so plain Date.UTC arithmetic walks the local calendar).
 */
const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
] as const;

/** Days in `month` (1-12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The English name of a month (1-12). */
export function monthName(month: number): string {
  return MONTH_NAMES[month - 1] ?? String(month);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** "YYYY-MM-DDTHH:MM:SS" for a wall ms. */
export function wallIso(wall: number): string {
  const d = new Date(wall);
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  );
}

/** "YYYY-MM-DD" for a wall ms. */
export function wallDate(wall: number): string {
  return wallIso(wall).slice(0, 10);
}

/** "HH:MM", or "HH:MM:SS" when the seconds are not zero, for a wall ms. */
export function wallTime(wall: number): string {
  const t = wallIso(wall).slice(11);
  return t.endsWith(":00") ? t.slice(0, 5) : t;
}

/** "+HH:MM" / "-HH:MM" for an offset in ms (rounded to the minute). */
export function offsetText(offset: number): string {
  const minutes = Math.round(offset / 60_000);
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** ISO local time with offset, e.g. "2026-03-08T03:00:00-04:00", for an instant and its offset. */
export function localText(at: number, offset: number): string {
  return wallIso(at + offset) + offsetText(offset);
}

/**
 * Parses "YYYY-MM-DDTHH:MM[:SS]" (no offset) into wall ms, or returns null when the text
 * is not of that shape or names a date or time that does not exist on the calendar.
 */
export function parseWallDateTime(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((v) => Number(v ?? "0"));
  if (year === undefined || month === undefined || day === undefined) return null;
  if (hour === undefined || minute === undefined || second === undefined) return null;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  return Date.UTC(year, month - 1, day, hour, minute, second);
}
