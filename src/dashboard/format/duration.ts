/** Durations as people read them: "12 ms", "3.4 s", "2 min 5 s", "1 h 3 min". */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  const sign = ms < 0 ? "−" : "";
  const a = Math.abs(ms);
  if (a < 1000) return `${sign}${Math.round(a)} ms`;
  if (a < 60_000) return `${sign}${(a / 1000).toFixed(a < 10_000 ? 1 : 0)} s`;
  if (a < 3_600_000) return `${sign}${Math.floor(a / 60_000)} min ${Math.round((a % 60_000) / 1000)} s`;
  return `${sign}${Math.floor(a / 3_600_000)} h ${Math.round((a % 3_600_000) / 60_000)} min`;
}

/** How late a run started: started_at − scheduled_for, in ms (null until it starts). */
export function lateness(run: { started_at: string | null; scheduled_for: string }): number | null {
  return run.started_at ? Date.parse(run.started_at) - Date.parse(run.scheduled_for) : null;
}
