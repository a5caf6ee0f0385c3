import { and, eq } from "drizzle-orm";
import { runs } from "../db/schema";
import { placementOf } from "../domain/placement";
import type { Run } from "../domain/run";
import type { Task } from "../domain/task";
import { log } from "../log";
import { execute } from "./execute";
import { notify } from "./held";
import { lockOf } from "./lock";
import { recordOutcomes, sendRetries } from "./outcome";
import type { OutcomeItem, Recorded } from "./outcome";
import type { Batch } from "./batch";
import { perLockObject, timed } from "./batch";

export type Started = { run: Run; task: Task };

/**
 * How long the consumer waits for a run's due instant. The tick has its runs delivered a
 * few seconds ahead (DELIVERY_LEAD_SECONDS), so the wait is what starts them on their
 * second. A run further ahead than this — only with clocks far apart, or a test driving its
 * own clock — starts when it arrives, as a queue delivery would without the wait.
 */
export const EARLY_WAIT_MS = 8_000;

/**
 * Runs a group of leased runs due at the same instant: waits for it, marks them all
 * running in one statement, executes them concurrently, records every outcome in one D1
 * batch, sends the retries, notifies, and releases each lease. If D1 refuses the outcomes
 * after the executors ran, each outcome is left with its run's lock (`TaskLock.hold`) and
 * the lease is kept; the runs' messages fail and are redelivered, and the redelivery only
 * writes the held outcome: no target is called twice. (If no redelivery comes, the lock's
 * alarm writes it.) Returns the runs it recorded.
 */
export async function runGroup(batch: Batch, due: number, group: Started[]): Promise<Recorded[]> {
  const { env, d1, cost } = batch;
  const wait = due - Date.now();
  if (wait > 0 && wait <= EARLY_WAIT_MS) await timed(batch, "wait", () => new Promise((r) => setTimeout(r, wait)));
  const startedAt = Date.now();
  const ids = group.map((g) => g.run.id);
  let marked: D1Result<{ id: string }>;
  try {
    marked = await d1
      .prepare(
        "UPDATE runs SET status = 'running', started_at = ?2 WHERE id IN (SELECT value FROM json_each(?1)) AND status = 'queued' RETURNING id",
      )
      .bind(JSON.stringify(ids), startedAt)
      .all<{ id: string }>();
  } catch (e) {
    for (const id of ids) batch.failed.add(id);
    log("error", "message.failed", { run_ids: ids, error: e instanceof Error ? e.message : String(e) });
    await release(batch, group);
    return [];
  }
  const started = new Set(marked.results.map((r) => r.id));
  // A run changed since it was read (canceled by its user, or started by a duplicate): not this call's to run.
  await release(
    batch,
    group.filter((g) => !started.has(g.run.id)),
  );
  const running = group
    .filter((g) => started.has(g.run.id))
    .map((g) => ({ ...g, run: { ...g.run, status: "running" as const, started_at: startedAt } }));
  const outcomes: OutcomeItem[] = await timed(batch, "execute", () =>
    Promise.all(
      running.map(async ({ task, run }) => {
        const { stub, key } = lockOf(env, task);
        const canceled = () => {
          cost.do_requests++;
          return stub.isCanceled(key, run.id);
        };
        const outcome = await execute(env, task, run, await batch.secrets(task.org_id), canceled);
        return { task, run, outcome, now: Date.now() };
      }),
    ),
  );
  let recorded: Recorded[];
  try {
    recorded = await timed(batch, "record", () => recordOutcomes(d1, outcomes));
  } catch (e) {
    // The targets ran; only the write failed. Keep each lease (its alarm is the backstop) and
    // the outcome with the lock, and fail the messages: their redelivery writes the outcomes.
    const error = e instanceof Error ? e.message : String(e);
    await Promise.all(
      outcomes.map(async (o) => {
        batch.failed.add(o.run.id);
        log("error", "run.outcome_write_failed", { task_id: o.task.id, run_id: o.run.id, status: o.outcome.status, error });
        cost.do_requests++;
        const { stub, key } = lockOf(env, o.task);
        await stub.hold(key, o.run.id, { outcome: o.outcome, finishedAt: o.now }).catch(() => undefined);
      }),
    );
    return [];
  }
  try {
    cost.queue_messages += await sendRetries(env.RUNS, batch.db, recorded, Date.now());
  } catch (e) {
    // The retries are recorded as queued: the tick's sweep sends them (see sweep.ts).
    log("warn", "run.retry_send_failed", { run_ids: recorded.map((r) => r.retry?.id).filter(Boolean), error: String(e) });
  }
  await Promise.all(recorded.map((r) => notify(env, batch.db, r.item.task, r.run, log, () => batch.secrets(r.item.task.org_id))));
  await timed(batch, "release", () => release(batch, running));
  return recorded;
}

/** Gives back the leases of runs this call holds: one Durable Object request per lock object. */
async function release(batch: Batch, group: Started[]): Promise<void> {
  await perLockObject(batch, group, async (stub, entries) => {
    batch.cost.do_rows_written += await stub.releaseMany(entries.map(({ item, key }) => ({ key, runId: item.run.id })));
  });
}

/**
 * Runners on the user's hosts pull this run; the lease stays held until they complete it
 * (or it lapses and the lock's alarm times the run out). A part the edge does (a health
 * check's probes) runs first, and its outcome waits in the run's result for the runner's.
 */
export async function handToRunner(batch: Batch, task: Task, run: Run): Promise<void> {
  const { stub, key } = lockOf(batch.env, task);
  const edge = placementOf(task).edge
    ? await execute(batch.env, task, run, await batch.secrets(task.org_id), () => stub.isCanceled(key, run.id))
    : undefined;
  const handed = await batch.db
    .update(runs)
    .set({ runnerReadyAt: Date.now(), ...(edge && { result: { edge } }) })
    .where(and(eq(runs.id, run.id), eq(runs.status, "queued")))
    .returning()
    .get();
  if (!handed) await release(batch, [{ task, run }]);
  else log("info", "run.awaiting_runner", { task_id: task.id, run_id: run.id, type: task.type });
}
