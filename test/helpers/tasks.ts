import { call, createTask, tenant } from "./api";
import { captureQueue, target } from "./engine";

/**
 * A fresh organization with one http task aimed at a fake target: its captured queue,
 * the target, a way to queue a manual run of it (returning the run id and the message
 * the real consumer would receive), and a way to read a run back.
 */
export async function setupTask(over: Record<string, unknown> = {}, answer?: Parameters<typeof target>[0]) {
  const { key, org } = await tenant();
  const q = captureQueue();
  const sink = target(answer);
  const t = await createTask(key, { parameters: { url: "https://sink.example.com/work" }, ...over });
  const newRun = async () => {
    const r = await call("POST", `/v1/tasks/${t.id}/run`, { token: key });
    const msg = q.take(t.id)[0];
    if (!msg) throw new Error("no message");
    return { id: r.body.id as string, msg: msg.body };
  };
  const statusOf = async (id: string) => (await call("GET", `/v1/runs/${id}`, { token: key })).body;
  return { t, q, sink, newRun, statusOf, org, key };
}
