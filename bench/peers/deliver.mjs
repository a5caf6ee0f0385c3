// What a peer's job does, made the same as our http executor's run so the comparison
// is of schedulers, not of handlers: a JSON POST to the sink with the task id, run id
// and attempt headers and an HMAC-SHA256 `X-Signature` (t=<unix>,v1=<hex>) like ours.
import { createHmac } from "node:crypto";

const SECRET = "bench-peer-signing-secret";

/** POSTs one job's call to `sinkUrl`; throws on a non-2xx answer so the queue counts a failure. */
export async function deliver(sinkUrl, key, runId, attempt) {
  const body = JSON.stringify({ task_id: key, run_id: runId, input: null });
  const t = Math.floor(Date.now() / 1000);
  const mac = createHmac("sha256", SECRET).update(`${t}.${body}`).digest("hex");
  const res = await fetch(sinkUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-task-id": key,
      "x-run-id": runId,
      "x-attempt": String(attempt),
      "x-signature": `t=${t},v1=${mac}`,
    },
    body,
  });
  await res.text();
  if (!res.ok) throw new Error(`sink answered ${res.status}`);
}

/**
 * The worker side of the harness: `start(config, countRun)` starts consuming and
 * resolves to an async close(). Reports "ready" to the parent, and on "stop" closes and
 * sends back how many times each job's handler ran.
 */
export function workerMain(start) {
  const config = JSON.parse(process.env.PEER_CONFIG ?? "{}");
  const runs = {};
  const countRun = (key) => {
    runs[key] = (runs[key] ?? 0) + 1;
  };
  // The bench gone (killed, crashed) means nobody will ever send "stop": leave with it.
  process.on("disconnect", () => process.exit(0));
  start(config, countRun).then(
    (close) => {
      process.on("message", async (m) => {
        if (m !== "stop") return;
        await close();
        process.send({ runs }, () => process.exit(0));
      });
      process.send("ready");
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
