// The burst on pg-boss + Postgres: N jobs with start_after = D inserted in bulk, one
// worker process polling every 0.5 s (pg-boss's minimum) for batches of 100, each
// batch's calls made together: at most 100 in flight, as BullMQ's concurrency.
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import PgBoss from "pg-boss";
import { PEER_CONCURRENCY, PGBOSS_POLL_S } from "../burst/options.mjs";
import { runPeer } from "./harness.mjs";
import { startPostgres } from "./postgres.mjs";

const CHUNK = 500;

/** Runs the burst on pg-boss; `dir` holds the throwaway cluster. */
export async function burstPgboss(n, dir) {
  const pg = await startPostgres(dir);
  const boss = new PgBoss({ connectionString: pg.url });
  boss.on("error", (e) => console.error(`pg-boss: ${e.message}`));
  try {
    await boss.start();
    await boss.createQueue("burst", { retryLimit: 0 });
    return await runPeer({
      system: "pg-boss",
      settings: `pg-boss work(): pollingIntervalSeconds ${PGBOSS_POLL_S}, batchSize ${PEER_CONCURRENCY} (the batch's calls run together), one worker process; Postgres ${pg.settings}, loopback; jobs inserted with insert() in chunks of ${CHUNK}, start_after = D, no retries`,
      workerFile: fileURLToPath(new URL("./pgboss-worker.mjs", import.meta.url)),
      workerConfig: { url: pg.url, queue: "burst", batchSize: PEER_CONCURRENCY, pollS: PGBOSS_POLL_S },
      n,
      leadMs: 10_000 + n * 3,
      produce: async (due, keys) => {
        for (let i = 0; i < keys.length; i += CHUNK) {
          const jobs = keys
            .slice(i, i + CHUNK)
            .map((key) => ({ id: randomUUID(), name: "burst", data: { key }, startAfter: new Date(due), retryLimit: 0 }));
          await boss.insert(jobs);
        }
      },
    });
  } finally {
    await boss.stop({ graceful: false, wait: true }).catch(() => {});
    await pg.stop();
  }
}
