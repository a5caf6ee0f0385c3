/** Instants as the dashboard shows them: relative ("in 3 h") and absolute in a given IANA zone. */

/** "in 3 h", "5 min ago", "now": the largest unit, rounded, from `now`. */
export function relative(iso: string | null | undefined, now: number): string {
  if (!iso) return "—";
  const ms = Date.parse(iso) - now;
  const abs = Math.abs(ms);
  const units: [number, string][] = [
    [86_400_000, "d"],
    [3_600_000, "h"],
    [60_000, "min"],
    [1000, "s"],
  ];
  const [size, unit] = units.find(([u]) => abs >= u) ?? [1000, "s"];
  const n = Math.round(abs / size);
  if (n === 0) return "now";
  return ms >= 0 ? `in ${n} ${unit}` : `${n} ${unit} ago`;
}

const formats = new Map<string, Intl.DateTimeFormat>();

/** "2027-03-14 03:00 EDT": the instant's wall time in `zone`, with the zone's abbreviation. */
export function inZone(iso: string | null | undefined, zone: string): string {
  if (!iso) return "—";
  let f = formats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZoneName: "short",
    });
    formats.set(zone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute} ${p.timeZoneName}`;
}

/** A zone name the runtime knows, or UTC. */
export function validZone(zone: string | undefined): string {
  if (!zone || zone.length > 64) return "UTC";
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return zone;
  } catch {
    return "UTC";
  }
}
