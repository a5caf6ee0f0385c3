import { afterEach, describe, expect, it, vi } from "vitest";
import { call, createTask, tenant } from "../helpers/api";
import { captureQueue, deliver, runsOf, target } from "../helpers/engine";

afterEach(() => vi.restoreAllMocks());

/** Creates a task through the API, runs it now and delivers the run to the real consumer. */
async function runThrough(over: Record<string, unknown>) {
  const { key } = await tenant();
  const q = captureQueue();
  const t = await createTask(key, over);
  await call("POST", `/v1/tasks/${t.id}/run`, { token: key });
  await deliver(...q.take(t.id).map((m) => m.body));
  const [run] = await runsOf(t.id);
  return { run, t };
}

describe("each Worker-side type runs through the engine", () => {
  it("health_check records one entry per target", async () => {
    target((c) => (c.url.includes("down") ? new Response("no", { status: 503 }) : new Response("OK")));
    const { run } = await runThrough({
      type: "health_check",
      parameters: {
        targets: [
          { name: "up", url: "https://up.example.com/" },
          { name: "down", url: "https://down.example.com/" },
        ],
        timeout_seconds: 5,
      },
      retry: { max_retries: 0 },
    });
    expect(run?.status).toBe("failed");
    const targets = JSON.parse(String(run?.targets));
    expect(targets.map((x: { name: string; ok: boolean }) => [x.name, x.ok])).toEqual([
      ["up", true],
      ["down", false],
    ]);
  });

  it("workflow delivers a signed callback to the url", async () => {
    const sink = target(() => Response.json({ accepted: true }));
    const { run } = await runThrough({
      type: "workflow",
      parameters: { callback_type: "webhook", callback_id: "cb-1", url: "https://wf.example.com/cb" },
    });
    expect(run?.status).toBe("succeeded");
    expect(sink.calls[0]?.headers.get("x-signature")).toMatch(/^t=\d+,v1=/);
    expect(JSON.parse(sink.calls[0]?.body ?? "{}")).toMatchObject({ callback_type: "webhook", callback_id: "cb-1" });
  });

  it("backup stores each source in R2 and records it", async () => {
    target(() => new Response("config v1", { headers: { "content-type": "text/plain" } }));
    const { run } = await runThrough({
      type: "backup",
      parameters: { sources: [{ name: "router-1", url: "https://cfg.example.com/r1" }] },
    });
    expect(run?.status).toBe("succeeded");
    const [entry] = JSON.parse(String(run?.targets));
    expect(entry).toMatchObject({ name: "router-1", ok: true, size: 9 });
    expect(JSON.parse(String(run?.result))).toMatchObject({ backup_id: run?.id, size: 9 });
  });

  it("agent_task without an endpoint fails clearly instead of crashing", async () => {
    const { run } = await runThrough({ type: "agent_task", parameters: { prompt: "hello" }, retry: { max_retries: 0 } });
    expect(run).toMatchObject({ status: "failed", final: 1 });
    expect(String(run?.error)).toMatch(/no agent endpoint configured/);
  });
});
