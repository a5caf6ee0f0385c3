import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Run } from "../../src/domain/run";
import type { Task } from "../../src/domain/task";
import { healthCheckExecutor } from "../../src/executors/health-check";
import type { ExecContext } from "../../src/executors/types";
import { type Call, target } from "../helpers/engine";

afterEach(() => vi.restoreAllMocks());

const SECRET = "whsec_health_test_secret";
const ALERT = "https://alerts.example.com/hook";
const task = (parameters: Record<string, unknown>, over: Partial<Task> = {}): Task =>
  ({
    id: "task_hc",
    org_id: "org_1",
    name: "prod health",
    type: "health_check",
    parameters,
    timeout_seconds: 30,
    agent_id: null,
    ...over,
  }) as Task;
const run = (over: Partial<Run> = {}): Run =>
  ({ id: "run_hc", task_id: "task_hc", attempt: 1, scheduled_for: Date.UTC(2026, 0, 1), input: null, ...over }) as Run;
const ctx = (over: Partial<ExecContext> = {}): ExecContext => ({
  signal: new AbortController().signal,
  signingSecrets: [SECRET],
  allowPrivateTargets: false,
  env,
  ...over,
});

const hex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");
async function verifies(c: Call, secret: string): Promise<boolean> {
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(c.headers.get("x-signature") ?? "");
  if (!m) return false;
  const k = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return m[2] === hex(await crypto.subtle.sign("HMAC", k, new TextEncoder().encode(`${m[1]}.${c.body}`)));
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Never answers; rejects when the request's signal aborts, like a real hanging connection. */
const hang = (c: Call) =>
  new Promise<Response>((_, reject) => c.init.signal?.addEventListener("abort", () => reject(c.init.signal?.reason)));

describe("health_check executor", () => {
  it("all targets healthy: succeeded, one exact entry per target, no alert", async () => {
    const sink = target((c) =>
      c.url.includes("api.") ? new Response("status: OK", { status: 200 }) : new Response(null, { status: 204 }),
    );
    const t = task({
      targets: [
        { url: "https://www.example.com/health" },
        { name: "api", url: "https://api.example.com/status", expected_status: 200, body_contains: "OK", max_latency_ms: 10_000 },
      ],
      alert: { url: ALERT },
    });
    const out = await healthCheckExecutor.execute(t, run(), ctx());
    expect(out).toEqual({
      status: "succeeded",
      result: { ok: 2, failed: 0, total: 2, connectivity_checked_by: "edge" },
      targets: [
        {
          name: "www.example.com",
          url: "https://www.example.com/health",
          ok: true,
          status: 204,
          latency_ms: expect.any(Number),
          error: null,
        },
        { name: "api", url: "https://api.example.com/status", ok: true, status: 200, latency_ms: expect.any(Number), error: null },
      ],
    });
    expect(sink.calls.map((c) => c.url).sort()).toEqual(["https://api.example.com/status", "https://www.example.com/health"]);
    expect(
      sink.calls.every((c) => c.init.method === "GET" && c.init.redirect === "manual" && c.headers.get("x-task-id") === "task_hc"),
    ).toBe(true);
  });

  it("partly failing: status mismatch, missing body text and slow answers are each explained; one signed alert lists only the failures", async () => {
    const sink = target(async (c) => {
      if (c.url === ALERT) return new Response("thanks", { status: 202 });
      if (c.url.includes("down.")) return new Response("maintenance", { status: 503 });
      if (c.url.includes("wrong.")) return new Response("<h1>Error</h1>", { status: 200 });
      if (c.url.includes("slow.")) await sleep(250);
      return new Response("OK");
    });
    const t = task({
      targets: [
        { name: "up", url: "https://up.example.com/" },
        { name: "down", url: "https://down.example.com/", expected_status: 200 },
        { name: "wrong", url: "https://wrong.example.com/", body_contains: "OK" },
        { name: "slow", url: "https://slow.example.com/", max_latency_ms: 100 },
      ],
      alert: { url: ALERT },
    });
    const before = Math.floor(Date.now() / 1000);
    const out = await healthCheckExecutor.execute(t, run(), ctx());
    expect(out.status).toBe("failed");
    expect(out.error).toBe("3 of 4 targets failed: down, wrong, slow");
    const entries = out.targets as { name: string; ok: boolean; status: number | null; latency_ms: number; error: string | null }[];
    expect(entries.map((e) => [e.name, e.ok, e.status])).toEqual([
      ["up", true, 200],
      ["down", false, 503],
      ["wrong", false, 200],
      ["slow", false, 200],
    ]);
    expect(entries[1]?.error).toBe("expected status 200, got 503");
    expect(entries[2]?.error).toBe('body does not contain "OK"');
    expect(entries[3]?.latency_ms).toBeGreaterThanOrEqual(200);
    expect(entries[3]?.error).toBe(`latency ${entries[3]?.latency_ms} ms over max 100 ms`);
    expect(out.result).toEqual({ ok: 1, failed: 3, total: 4, connectivity_checked_by: "edge", alert: { url: ALERT, status: 202 } });

    const alerts = sink.calls.filter((c) => c.url === ALERT);
    expect(alerts).toHaveLength(1);
    const alert = alerts[0] as Call;
    expect(alert.init.method).toBe("POST");
    expect(alert.headers.get("content-type")).toBe("application/json");
    expect(alert.headers.get("x-task-id")).toBe("task_hc");
    expect(alert.headers.get("x-run-id")).toBe("run_hc");
    expect(await verifies(alert, SECRET)).toBe(true);
    expect(await verifies(alert, "whsec_some_other_secret")).toBe(false);
    const payload = JSON.parse(alert.body);
    expect(payload).toEqual({
      event: "health_check.failed",
      task_id: "task_hc",
      task_name: "prod health",
      run_id: "run_hc",
      failing: entries.slice(1),
      checked_at: expect.any(String),
    });
    expect(Date.parse(payload.checked_at) / 1000).toBeGreaterThanOrEqual(before - 1);
  });

  it("a hanging target times out on its own timeout while the others are still reported", async () => {
    target((c) => (c.url.includes("hang.") ? hang(c) : new Response("OK")));
    const t = task({
      targets: [
        { name: "hang", url: "https://hang.example.com/" },
        { name: "fine", url: "https://fine.example.com/" },
      ],
      timeout_seconds: 1,
    });
    const out = await healthCheckExecutor.execute(t, run(), ctx());
    expect(out.status).toBe("failed");
    expect(out.error).toBe("1 of 2 targets failed: hang");
    expect(out.targets).toEqual([
      {
        name: "hang",
        url: "https://hang.example.com/",
        ok: false,
        status: null,
        latency_ms: expect.any(Number),
        error: "timed out after 1 s",
      },
      { name: "fine", url: "https://fine.example.com/", ok: true, status: 200, latency_ms: expect.any(Number), error: null },
    ]);
    expect(out.result).toEqual({ ok: 1, failed: 1, total: 2, connectivity_checked_by: "edge" });
  });

  it("alert_on_failure: false silences the alert", async () => {
    const sink = target((c) => (c.url === ALERT ? new Response("ok") : new Response("down", { status: 503 })));
    const out = await healthCheckExecutor.execute(
      task({ targets: [{ url: "https://down.example.com/" }], alert: { url: ALERT }, alert_on_failure: false }),
      run(),
      ctx(),
    );
    expect(out.status).toBe("failed");
    expect(sink.calls.map((c) => c.url)).toEqual(["https://down.example.com/"]);
  });

  it("without its own timeout a probe gives up before the run does, so the run still reports every target", async () => {
    target((c) => (c.url.includes("hang.") ? hang(c) : new Response("OK")));
    const t = task(
      {
        targets: [
          { name: "hang", url: "https://hang.example.com/" },
          { name: "fine", url: "https://fine.example.com/" },
        ],
      },
      { timeout_seconds: 6 },
    );
    const out = await healthCheckExecutor.execute(t, run(), ctx());
    expect(out.status).toBe("failed");
    expect((out.targets as { error: string | null }[])[0]?.error).toBe("timed out after 1 s");
  });

  it("private and loopback targets (and alert URLs) are refused without being called, unless allowed", async () => {
    const sink = target();
    const t = task({
      targets: [
        { url: "http://127.0.0.1:8080/health" },
        { name: "meta", url: "http://169.254.169.254/latest" },
        { url: "https://ok.example.com/" },
      ],
      alert: { url: "http://localhost:9000/alert" },
    });
    const out = await healthCheckExecutor.execute(t, run(), ctx());
    expect(out.status).toBe("failed");
    expect(out.error).toBe("2 of 3 targets failed: 127.0.0.1:8080, meta");
    // A refused target fails every attempt alike: the run is final, not retried.
    expect(out.permanent).toBe(true);
    const entries = out.targets as { error: string | null; status: number | null }[];
    expect(entries.slice(0, 2)).toEqual([
      {
        name: "127.0.0.1:8080",
        url: "http://127.0.0.1:8080/health",
        ok: false,
        status: null,
        latency_ms: 0,
        error: "private or loopback address refused",
      },
      {
        name: "meta",
        url: "http://169.254.169.254/latest",
        ok: false,
        status: null,
        latency_ms: 0,
        error: "private or loopback address refused",
      },
    ]);
    expect(out.result).toMatchObject({
      alert: { url: "http://localhost:9000/alert", status: null, error: "private or loopback address refused" },
    });
    expect(sink.calls.map((c) => c.url)).toEqual(["https://ok.example.com/"]);

    sink.calls.length = 0;
    const allowed = await healthCheckExecutor.execute(
      task({ targets: [{ url: "http://127.0.0.1:8080/health" }] }),
      run(),
      ctx({ allowPrivateTargets: true }),
    );
    expect(allowed.status).toBe("succeeded");
    expect(sink.calls.map((c) => c.url)).toEqual(["http://127.0.0.1:8080/health"]);
  });

  it("an alert that cannot be delivered is recorded but does not change the run's outcome", async () => {
    target((c) => (c.url === ALERT ? new Response("nope", { status: 500 }) : Promise.reject(new TypeError("Network connection lost."))));
    const out = await healthCheckExecutor.execute(
      task({ targets: [{ name: "db", url: "https://db.example.com/" }], alert: { url: ALERT } }),
      run(),
      ctx(),
    );
    expect(out.status).toBe("failed");
    expect(out.targets).toEqual([
      {
        name: "db",
        url: "https://db.example.com/",
        ok: false,
        status: null,
        latency_ms: expect.any(Number),
        error: "connection failed: Network connection lost.",
      },
    ]);
    expect(out.result).toEqual({
      ok: 0,
      failed: 1,
      total: 1,
      connectivity_checked_by: "edge",
      alert: { url: ALERT, status: 500, error: "alert receiver answered 500" },
    });
  });

  it("the run's own abort (timeout) reports timed_out with the entries so far and sends no alert", async () => {
    const sink = target((c) => (c.url.includes("hang.") ? hang(c) : new Response("OK")));
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error("timeout")), 50);
    const t = task({
      targets: [
        { name: "hang", url: "https://hang.example.com/" },
        { name: "fine", url: "https://fine.example.com/" },
      ],
      alert: { url: ALERT },
    });
    const out = await healthCheckExecutor.execute(t, run(), ctx({ signal: ac.signal }));
    expect(out.status).toBe("timed_out");
    expect(out.result).toEqual({ ok: 1, failed: 1, total: 2, connectivity_checked_by: "edge" });
    expect((out.targets as { name: string; ok: boolean }[]).map((e) => [e.name, e.ok])).toEqual([
      ["hang", false],
      ["fine", true],
    ]);
    expect(sink.calls.some((c) => c.url === ALERT)).toBe(false);
  });

  it("the secret never appears in the outcome", async () => {
    target(() => new Response("down", { status: 500 }));
    const out = await healthCheckExecutor.execute(
      task({ targets: [{ url: "https://x.example.com/" }], alert: { url: ALERT } }),
      run(),
      ctx(),
    );
    expect(JSON.stringify(out)).not.toContain(SECRET);
  });
});
