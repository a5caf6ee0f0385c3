// The burst on BullMQ + Redis: N delayed jobs (delay = D - enqueue time, with the job's
// timestamp pinned so every job is due at exactly D), one Worker with concurrency 100.
import { fileURLToPath } from "node:url";
import { Queue } from "bullmq";
import { PEER_CONCURRENCY } from "../burst/options.mjs";
import { runPeer } from "./harness.mjs";
import { startRedis } from "./redis.mjs";

const CHUNK = 1_000;

/** Runs the burst on BullMQ; `dir` holds Redis's log. */
export async function burstBullmq(n, dir) {
  const redis = await startRedis(dir);
  const connection = { host: "127.0.0.1", port: redis.port };
  let queue;
  try {
    queue = new Queue("burst", { connection });
    return await runPeer({
      system: "bullmq",
      settings: `BullMQ Worker concurrency ${PEER_CONCURRENCY}, one worker process; redis-server (no RDB/AOF persistence) on loopback; jobs added with addBulk in chunks of ${CHUNK}, delay to D, no retries`,
      workerFile: fileURLToPath(new URL("./bullmq-worker.mjs", import.meta.url)),
      workerConfig: { redisPort: redis.port, queue: "burst", concurrency: PEER_CONCURRENCY },
      n,
      leadMs: 10_000 + n * 2,
      produce: async (due, keys) => {
        for (let i = 0; i < keys.length; i += CHUNK) {
          const t = Date.now();
          const jobs = keys
            .slice(i, i + CHUNK)
            .map((key) => ({ name: "call", data: { key }, opts: { jobId: key, timestamp: t, delay: due - t, attempts: 1 } }));
          await queue.addBulk(jobs);
        }
      },
    });
  } finally {
    await queue?.close();
    await redis.stop();
  }
}
