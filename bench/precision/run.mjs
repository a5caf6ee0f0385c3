// Runs the precision workload against the started server: creates the one-off tasks
// and the minutely crons, waits for the window to pass, pauses the crons, watches past
// the next tick for doubles, then matches every sink call to the occurrence it served.
import { apiKey, call, createTask, listAll } from "../load/client.mjs";
import { stamp } from "../load/scenarios/shared.mjs";
import { log, now, pool, sleep } from "../load/util.mjs";
import { CRONS, MINUTES, PER_MINUTE } from "../burst/options.mjs";
import { planOneOffs, taskBody } from "./plan.mjs";

/** Creates, waits, collects; returns { start, end, tasks, slots, calls } for precision/summary.mjs. */
export async function runPrecision(sink) {
  const key = await apiKey(`bench-precision-${stamp}`);
  // 45 s of lead: the creates take a second or two; the rest lets whichever tick
  // (or write-time claim) the engine uses see every task before its due time.
  const start = Math.ceil((now() + 45_000) / 60_000) * 60_000;
  const end = start + MINUTES * 60_000;
  const planned = [
    ...planOneOffs(start, MINUTES, PER_MINUTE),
    ...Array.from({ length: CRONS }, (_, i) => ({ name: `precision-cron-${i}`, kind: "cron" })),
  ];
  log(`precision: ${planned.length} tasks (${CRONS} minutely crons) for ${new Date(start).toISOString()} → ${new Date(end).toISOString()}`);
  const tasks = await pool(planned.length, 8, async (i) => {
    const t = planned[i];
    const r = await createTask(key, taskBody(t, sink.port, now()));
    if (r.status !== 201) throw new Error(`create ${t.name} answered ${r.status}: ${r.text ?? r.error}`);
    // A delayed task's due is what the API computed from its own creation time.
    const due = t.kind === "cron" ? null : t.kind === "once" ? t.target : Date.parse(r.json.next_run_at);
    return { ...t, id: r.id, due };
  });

  const lastDue = Math.max(end - 60_000, ...tasks.filter((t) => t.due).map((t) => t.due));
  while (now() < end) {
    log(`precision: window ends in ${Math.round((end - now()) / 1000)} s; sink calls ${sink.total}`);
    await sleep(Math.min(30_000, Math.max(100, end - now())));
  }
  // The window's last cron occurrence is end − 60 s; pausing at `end` stops the next one.
  for (const t of tasks.filter((x) => x.kind === "cron")) await call("POST", `/v1/tasks/${t.id}/pause`, { token: key });
  const settle = Math.max(lastDue + 60_000, Math.ceil((now() + 1) / 60_000) * 60_000 + 10_000);
  log(`precision: crons paused; watching for late or doubled calls for ${Math.round((settle - now()) / 1000)} s`);
  while (now() < settle) await sleep(1000);

  const runs = (await listAll("/v1/runs", key, "runs")).items;
  return { start, end, tasks, runs, calls: sink.calls };
}
