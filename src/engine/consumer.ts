import type { Env } from "../env";
import { log } from "../log";
import { QueueMessage } from "./messages";
import type { RunRef } from "./messages";
import { startRuns } from "./start";
import { tick } from "./tick";

type Item = { ref: RunRef; msg: Message<unknown> };

/**
 * The queue handler. A batch's runs are started together (see `startRuns`: one D1 read,
 * one running mark and one outcome write for all of them), runs of different tasks
 * concurrently; runs of one task one after another (one round each), earliest due first:
 * a run that may start now (a manual run, a `run` message, which carries no due time) is
 * never held behind a run of its task that waits for its second. Each message is acked or retried on its own: an unreadable one is
 * retried until the queue moves it to the dead-letter queue; a message any of whose runs
 * failed to be handled is retried with a delay, and its redelivery skips the runs that
 * were handled (handling is idempotent: delivery is at least once).
 */
export async function consume(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const lanes = new Map<string, Item[]>();
  const ticks: Promise<void>[] = [];
  const withRuns: Message<unknown>[] = [];
  for (const msg of batch.messages) {
    const parsed = QueueMessage.safeParse(msg.body);
    if (!parsed.success) {
      log("error", "message.unreadable", { message_id: msg.id, attempts: msg.attempts });
      msg.retry();
      continue;
    }
    const body = parsed.data;
    if (body.kind === "tick") {
      ticks.push(continueTick(env, msg, body.now, body.anchor));
      continue;
    }
    withRuns.push(msg);
    const refs: RunRef[] = body.kind === "run" ? [{ run_id: body.run_id, task_id: body.task_id, org_id: body.org_id }] : body.runs;
    for (const ref of refs) {
      const lane = lanes.get(ref.task_id) ?? [];
      lane.push({ ref, msg });
      lanes.set(ref.task_id, lane);
    }
  }
  for (const lane of lanes.values()) lane.sort((x, y) => (x.ref.at ?? 0) - (y.ref.at ?? 0));
  const failed = new Set<Message<unknown>>();
  const runs = (async () => {
    for (let round = 0; ; round++) {
      const items = [...lanes.values()].flatMap((lane) => lane.slice(round, round + 1));
      if (items.length === 0) break;
      let bad: Set<string>;
      try {
        bad = await startRuns(
          env,
          items.map((i) => i.ref),
        );
      } catch (e) {
        log("error", "message.failed", { run_ids: items.map((i) => i.ref.run_id), error: e instanceof Error ? e.message : String(e) });
        bad = new Set(items.map((i) => i.ref.run_id));
      }
      for (const i of items) if (bad.has(i.ref.run_id)) failed.add(i.msg);
    }
  })();
  await Promise.all([runs, ...ticks]);
  for (const msg of withRuns) {
    if (failed.has(msg)) msg.retry({ delaySeconds: Math.min(60, 5 * msg.attempts) });
    else msg.ack();
  }
}

async function continueTick(env: Env, msg: Message<unknown>, now: number, anchor: number | undefined): Promise<void> {
  try {
    await tick(env, now, { anchor });
    msg.ack();
  } catch (e) {
    log("error", "message.failed", { attempts: msg.attempts, error: e instanceof Error ? e.message : String(e) });
    msg.retry({ delaySeconds: Math.min(60, 5 * msg.attempts) });
  }
}
