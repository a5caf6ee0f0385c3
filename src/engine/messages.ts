import { z } from "zod";

/**
 * The queue's message contract, versioned: a consumer that meets a version it
 * does not know sends the message to the dead-letter queue instead of guessing.
 */
export const RunMessage = z.object({
  v: z.literal(1),
  kind: z.literal("run"),
  run_id: z.string(),
  task_id: z.string(),
  org_id: z.string(),
});
export type RunMessage = z.infer<typeof RunMessage>;

export const runMessage = (run: { id: string; task_id: string }, orgId: string): RunMessage => ({
  v: 1,
  kind: "run",
  run_id: run.id,
  task_id: run.task_id,
  org_id: orgId,
});

/** Queues allow at most 100 messages per sendBatch call. */
export async function sendRunMessages(queue: Queue<unknown>, messages: { body: RunMessage; delaySeconds?: number }[]): Promise<void> {
  for (let i = 0; i < messages.length; i += 100) {
    await queue.sendBatch(messages.slice(i, i + 100));
  }
}
