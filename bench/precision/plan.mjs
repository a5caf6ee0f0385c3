// What the precision bench creates: light load, spread so that both kinds of due time
// are well represented — second 0 of a minute (the tick's own boundary, where a claim
// made at that tick is already late) and mid-minute (due between ticks, so it must be
// claimed ahead and started by a delayed message). Times are whole seconds.

/** Seconds within each minute; the first two are on the boundary. Cycled if --per-minute is larger. */
const SECONDS = [0, 0, 3, 11, 19, 27, 30, 41, 50, 58];
/** Which entries of SECONDS become `delayed` tasks (due = creation + delay, so mid-minute and sub-second). */
const DELAYED = new Set([3, 7]);

/**
 * The once/delayed tasks for a window starting at whole minute `start` (epoch ms),
 * `minutes` long, `perMinute` each minute: [{ name, kind, target }], `target` the due
 * instant aimed at (a delayed task's real due is read back from the API).
 */
export function planOneOffs(start, minutes, perMinute) {
  const out = [];
  for (let m = 0; m < minutes; m++) {
    for (let i = 0; i < perMinute; i++) {
      const s = SECONDS[i % SECONDS.length];
      const target = start + m * 60_000 + s * 1000;
      out.push({
        name: `precision-${m}-${String(i).padStart(2, "0")}`,
        kind: DELAYED.has(i % SECONDS.length) ? "delayed" : "once",
        target,
      });
    }
  }
  return out;
}

/** The request body for one planned task; delayed tasks get their delay from `createdAt`. */
export function taskBody(t, sinkPort, createdAt) {
  const schedule =
    t.kind === "once"
      ? { kind: "once", at: new Date(t.target).toISOString() }
      : t.kind === "delayed"
        ? { kind: "delayed", delay_seconds: Math.max(1, Math.round((t.target - createdAt) / 1000)) }
        : { kind: "cron", expression: "* * * * *", timezone: "UTC" };
  return {
    name: t.name,
    type: "http",
    parameters: { url: `http://127.0.0.1:${sinkPort}/precision/${t.name}` },
    schedule,
    retry: { max_retries: 0 },
  };
}

/** Whether `due` (epoch ms) is second 0 of a minute. */
export const onBoundary = (due) => due % 60_000 === 0;
