import { z } from "zod";

/**
 * The queue's message contract, versioned: a consumer that meets a version or kind
 * it does not know retries it until it lands in the dead-letter queue, never guessing.
 * `run` executes one run; `runs` starts several runs due in the same second (what a tick
 * sends: one message, and one delivery, for many runs); `tick` continues a tick that ran
 * out of budget.
 */
export const RunMessage = z.object({
  v: z.literal(1),
  kind: z.literal("run"),
  run_id: z.string(),
  task_id: z.string(),
  org_id: z.string(),
});
export type RunMessage = z.infer<typeof RunMessage>;
/** One run of a `runs` message; `at` is when it is due (epoch ms), so the consumer can order a task's runs before reading them. */
export const RunRef = z.object({ run_id: z.string(), task_id: z.string(), org_id: z.string(), at: z.number().int().optional() });
export type RunRef = z.infer<typeof RunRef>;
export const RunsMessage = z.object({ v: z.literal(1), kind: z.literal("runs"), runs: z.array(RunRef).min(1).max(100) });
export type RunsMessage = z.infer<typeof RunsMessage>;
/** `anchor`: the wall clock when the first invocation of this tick began (absent from older senders). */
export const TickMessage = z.object({
  v: z.literal(1),
  kind: z.literal("tick"),
  now: z.number().int(),
  anchor: z.number().int().optional(),
});
export type TickMessage = z.infer<typeof TickMessage>;
export const QueueMessage = z.discriminatedUnion("kind", [RunMessage, RunsMessage, TickMessage]);

export const runMessage = (run: { id: string; task_id: string }, orgId: string): RunMessage => ({
  v: 1,
  kind: "run",
  run_id: run.id,
  task_id: run.task_id,
  org_id: orgId,
});
export const tickMessage = (now: number, anchor: number): TickMessage => ({ v: 1, kind: "tick", now, anchor });

/** Longest delay a queue message can carry (12 hours). */
export const MAX_QUEUE_DELAY_SECONDS = 43_200;

/** Queues allow at most 100 messages per sendBatch call. */
export async function sendRunMessages(queue: Queue<unknown>, messages: { body: RunMessage; delaySeconds?: number }[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 100) {
    await queue.sendBatch(
      messages.slice(i, i + 100).map((m) => ({ body: m.body, delaySeconds: Math.min(m.delaySeconds ?? 0, MAX_QUEUE_DELAY_SECONDS) })),
    );
  }
}

/** Runs one message carries: a consumer invocation starts up to max_batch_size × this many runs at once. */
export const RUNS_PER_MESSAGE = 10;
/**
 * Seconds ahead of its due second a tick's run is delivered. The queue's delay has whole
 * seconds, a batch waits up to max_batch_timeout (1 s) to fill, and a batch of 1,000 runs
 * takes a few seconds to read and lease (about 3 s under `wrangler dev`, see the
 * `runs.batch` log line), so a message made visible 4–5 s early is ready before its
 * second; the consumer waits out the rest (EARLY_WAIT_MS). Never early, rarely late.
 */
export const DELIVERY_LEAD_SECONDS = 5;

/** The queue delay that delivers a run due at `at` slightly ahead of it, as of `sentAt`. */
export const leadDelaySeconds = (at: number, sentAt: number): number =>
  Math.max(0, Math.ceil((at - sentAt) / 1000) - DELIVERY_LEAD_SECONDS);

/**
 * Sends runs as `runs` messages: runs that share a delay go together, RUNS_PER_MESSAGE to a
 * message, so a burst due at one instant is a few messages and a few deliveries. `delayOf`
 * is evaluated as the messages are sent (a long claim must not make late pages late).
 * Returns how many messages went out.
 */
export async function sendRuns(
  queue: Queue<unknown>,
  runs: { id: string; task_id: string; org_id: string; at: number }[],
  delayOf: (at: number) => number,
): Promise<number> {
  const byDelay = new Map<number, RunRef[]>();
  for (const r of [...runs].sort((a, b) => a.at - b.at)) {
    const delay = Math.min(delayOf(r.at), MAX_QUEUE_DELAY_SECONDS);
    const refs = byDelay.get(delay) ?? [];
    refs.push({ run_id: r.id, task_id: r.task_id, org_id: r.org_id, at: r.at });
    byDelay.set(delay, refs);
  }
  const messages: { body: RunsMessage; delaySeconds: number }[] = [];
  for (const [delaySeconds, refs] of byDelay) {
    for (let i = 0; i < refs.length; i += RUNS_PER_MESSAGE) {
      messages.push({ body: { v: 1, kind: "runs", runs: refs.slice(i, i + RUNS_PER_MESSAGE) }, delaySeconds });
    }
  }
  for (let i = 0; i < messages.length; i += 100) await queue.sendBatch(messages.slice(i, i + 100));
  return messages.length;
}
