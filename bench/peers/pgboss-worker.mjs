// pg-boss's worker, in its own process: polls every `pollS` seconds for up to
// `batchSize` jobs whose start_after has passed and runs the batch's calls together.
import PgBoss from "pg-boss";
import { deliver, workerMain } from "./deliver.mjs";

workerMain(async ({ url, queue, sinkUrl, batchSize, pollS }, countRun) => {
  // Maintenance and cron scheduling are the producer's business; this process only works.
  const boss = new PgBoss({ connectionString: url, supervise: false, schedule: false, migrate: false });
  boss.on("error", (e) => console.error(`pg-boss: ${e.message}`));
  await boss.start();
  await boss.work(queue, { batchSize, pollingIntervalSeconds: pollS }, async (jobs) => {
    await Promise.all(
      jobs.map((job) => {
        countRun(job.data.key);
        return deliver(sinkUrl, job.data.key, job.id, 1);
      }),
    );
  });
  return () => boss.stop({ graceful: true, wait: true });
});
