/**
 * One JSON object per line, so Cloudflare's log views can filter by any field
 * (request_id, task_id, run_id, event). Callers pass ids and outcomes, never secrets.
 */
export type Level = "info" | "warn" | "error";
/** A log function; a bound one adds its fields (e.g. request_id) to every line. */
export type Logger = (level: Level, event: string, fields?: Record<string, unknown>) => void;

/** A logger whose every line carries `base` (a request's lines carry its request_id, wherever they are written). */
export function boundLog(base: Record<string, unknown>): Logger {
  return (level, event, fields = {}) => log(level, event, { ...base, ...fields });
}

export function log(level: Level, event: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, event, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
