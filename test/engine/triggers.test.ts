import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { httpExecutor } from "../../src/executors/http";
import { ADMIN, call, createTask, tenant } from "../helpers/api";
import { DELIVERY_LEAD_SECONDS } from "../../src/engine/messages";
import { captureQueue, deliver, runsOf, target, tickAt } from "../helpers/engine";

afterEach(() => vi.restoreAllMocks());
const MIN = 60_000;
const hex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");

describe("triggers and their effects on pending runs", () => {
  it("an event runs every waiting task with the event's payload as input", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const sink = target();
    const t = await createTask(key, {
      schedule: { kind: "event", event: "build.done" },
      parameters: { url: "https://sink.example.com/e" },
    });
    const ev = await call("POST", "/v1/events", { token: key, body: { name: "build.done", payload: { sha: "abc" } } });
    await deliver(...q.take(t.id).map((m) => m.body));
    const [run] = await runsOf(t.id);
    expect(run).toMatchObject({ id: ev.body.run_ids[0], trigger: "event", status: "succeeded" });
    expect(JSON.parse(sink.calls[0]?.body ?? "{}")).toMatchObject({
      task_id: t.id,
      input: { event: "build.done", payload: { sha: "abc" } },
    });
  });

  it("snooze holds the tick off until it ends, then the schedule continues by itself", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const t = await createTask(key, { schedule: { kind: "cron", expression: "* * * * *", timezone: "UTC" } });
    const first = Date.parse(t.next_run_at);
    const s = await call("POST", `/v1/tasks/${t.id}/snooze`, { token: key, body: { delay_seconds: 600 } });
    const resumeAt = Date.parse(s.body.next_run_at);
    for (let m = first; m < resumeAt; m += MIN) await tickAt(m - 10_000);
    expect(q.forTask(t.id)).toHaveLength(0);
    await tickAt(resumeAt - 10_000);
    expect(q.forTask(t.id)).toHaveLength(1);
    expect((await runsOf(t.id)).map((r) => r.scheduled_for)).toEqual([resumeAt]);
  });

  it("resume after a pause restarts from now, without running what the pause skipped", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    const t = await createTask(key, { schedule: { kind: "cron", expression: "* * * * *", timezone: "UTC" } });
    await call("POST", `/v1/tasks/${t.id}/pause`, { token: key });
    await tickAt(Date.parse(t.next_run_at) + 5 * MIN);
    expect(q.forTask(t.id)).toHaveLength(0);
    const r = await call("POST", `/v1/tasks/${t.id}/resume`, { token: key });
    expect(Date.parse(r.body.next_run_at)).toBeGreaterThan(Date.now() - MIN);
  });

  it("a run's X-Signature verifies with the organization's signing secret (t=<unix>,v1=HMAC-SHA256 of \"t.body\")", async () => {
    const { key, org } = await tenant();
    const q = captureQueue();
    const sink = target();
    const t = await createTask(key, { parameters: { url: "https://sink.example.com/s", body: { a: 1 } } });
    await call("POST", `/v1/tasks/${t.id}/run`, { token: key });
    await deliver(...q.take(t.id).map((m) => m.body));
    const secrets = await call("GET", "/v1/signing-secrets", { token: ADMIN, headers: { "x-org-id": org } });
    const c = sink.calls[0];
    const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(c?.headers.get("x-signature") ?? "");
    expect(m).not.toBeNull();
    const k = await crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(secrets.body.current.secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign"],
    );
    const expected = hex(await crypto.subtle.sign("HMAC", k, new TextEncoder().encode(`${m?.[1]}.${c?.body}`)));
    expect(m?.[2]).toBe(expected);
    expect(c?.headers.get("x-run-id")).toBeTruthy();
    expect(c?.headers.get("x-attempt")).toBe("1");
  });

  it("a private target is called when ALLOW_PRIVATE_TARGETS allows it", async () => {
    const sink = target();
    const task = { id: "t", timeout_seconds: 5, parameters: { url: "http://127.0.0.1:9999/hook", method: "GET" } } as unknown as Parameters<
      typeof httpExecutor.execute
    >[0];
    const run = { id: "r", attempt: 1, input: null } as unknown as Parameters<typeof httpExecutor.execute>[1];
    const out = await httpExecutor.execute(task, run, {
      signal: new AbortController().signal,
      signingSecrets: [],
      allowPrivateTargets: true,
      env,
    });
    expect(out.status).toBe("succeeded");
    expect(sink.calls.map((c) => c.url)).toEqual(["http://127.0.0.1:9999/hook"]);
  });

  it("a retry longer than the queue's 12 h limit waits for the tick, which sends it when due", async () => {
    const { key } = await tenant();
    const q = captureQueue();
    target(() => new Response("busy", { status: 503, headers: { "retry-after": "86400" } }));
    const t = await createTask(key, { enabled: false, retry: { max_retries: 1 } });
    await call("POST", `/v1/tasks/${t.id}/resume`, { token: key });
    await call("POST", `/v1/tasks/${t.id}/run`, { token: key });
    await deliver(...q.take(t.id).map((m) => m.body));
    const retry = (await runsOf(t.id)).find((r) => r.attempt === 2);
    expect(retry).toMatchObject({ status: "queued", dispatched_at: null });
    const notBefore = Number(retry?.not_before);
    expect(notBefore - Date.now()).toBeGreaterThan(86_000_000);
    expect(q.forTask(t.id)).toHaveLength(0);
    await env.DB.prepare("UPDATE runs SET created_at = created_at - 60000 WHERE id = ?").bind(retry?.id).run();
    await tickAt(notBefore - 3 * MIN);
    expect(q.forTask(t.id).filter((m) => m.body.run_id === retry?.id)).toHaveLength(0);
    await tickAt(notBefore - 20_000);
    const sent = q.forTask(t.id).filter((m) => m.body.run_id === retry?.id);
    expect(sent.map((m) => m.delaySeconds)).toEqual([20 - DELIVERY_LEAD_SECONDS]); // to arrive just before it is due
  });
});
