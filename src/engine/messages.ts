import { z } from "zod";

/**
 * The queue's message contract, versioned: a consumer that meets a version or kind
 * it does not know retries it until it lands in the dead-letter queue, never guessing.
 * `run` executes one run; `tick` continues a tick that ran out of budget.
 */
export const RunMessage = z.object({
  v: z.literal(1),
  kind: z.literal("run"),
  run_id: z.string(),
  task_id: z.string(),
  org_id: z.string(),
});
export type RunMessage = z.infer<typeof RunMessage>;
export const TickMessage = z.object({ v: z.literal(1), kind: z.literal("tick"), now: z.number().int() });
export type TickMessage = z.infer<typeof TickMessage>;
export const QueueMessage = z.discriminatedUnion("kind", [RunMessage, TickMessage]);

export const runMessage = (run: { id: string; task_id: string }, orgId: string): RunMessage => ({
  v: 1,
  kind: "run",
  run_id: run.id,
  task_id: run.task_id,
  org_id: orgId,
});
export const tickMessage = (now: number): TickMessage => ({ v: 1, kind: "tick", now });

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
