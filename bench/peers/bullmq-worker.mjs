// BullMQ's worker, in its own process (as ours runs in workerd, apart from the bench's
// client and sink): `concurrency` jobs in flight, each one sink call.
import { Worker } from "bullmq";
import { deliver, workerMain } from "./deliver.mjs";

workerMain(async ({ redisPort, queue, sinkUrl, concurrency }, countRun) => {
  const worker = new Worker(
    queue,
    async (job) => {
      countRun(job.data.key);
      await deliver(sinkUrl, job.data.key, `${job.id}`, job.attemptsMade + 1);
    },
    // maxRetriesPerRequest: null is what BullMQ requires of a worker's connection.
    { connection: { host: "127.0.0.1", port: redisPort, maxRetriesPerRequest: null }, concurrency },
  );
  await worker.waitUntilReady();
  return () => worker.close();
});
