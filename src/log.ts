/**
 * One JSON object per line, so Cloudflare's log views can filter by any field
 * (request_id, task_id, run_id, event). Callers pass ids and outcomes, never secrets.
 */
export function log(level: "info" | "warn" | "error", event: string, fields: Record<string, unknown> = {}): void {
  const line = JSON.stringify({ level, event, ...fields });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}
