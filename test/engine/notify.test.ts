import { afterEach, describe, expect, it, vi } from "vitest";
import type { Run } from "../../src/domain/run";
import type { Task } from "../../src/domain/task";
import { DEFAULT_RETRY } from "../../src/domain/task";
import { notifyOutcome } from "../../src/engine/notify";

const SECRETS = ["whsec_current_secret", "whsec_next_secret"];
const opts = { signingSecrets: SECRETS, allowPrivateTargets: false };

function task(over: Partial<Task> = {}): Task {
  return {
    id: "6f1c2a9e-1111-4222-8333-944455556666",
    org_id: "org-notify",
    name: "nightly backup",
    description: null,
    project_id: null,
    agent_id: null,
    type: "http",
    parameters: { url: "https://target.example.com/hook", headers: { authorization: "Bearer very-secret" } },
    schedule: { kind: "cron", expression: "0 2 * * *", timezone: "UTC" },
    retry: DEFAULT_RETRY,
    timeout_seconds: 300,
    priority: 5,
    dedupe_key: null,
    dedupe_window_seconds: null,
    concurrency_key: null,
    concurrency_limit: 1,
    overlap_policy: "skip",
    catchup: "latest",
    catchup_window_seconds: 3600,
    on_success_url: "https://hooks.example.com/ok",
    on_failure_url: "https://hooks.example.com/fail",
    status: "active",
    enabled: true,
    snoozed_until: null,
    snooze_reason: null,
    skip_next: 0,
    next_run_at: null,
    last_run_at: null,
    last_status: null,
    schedule_anchor_at: 0,
    created_by: "tester",
    created_at: 0,
    updated_at: 0,
    version: 1,
    claim_seq: 0,
    skip_due_at: null,
    ...over,
  };
}

function run(over: Partial<Run> = {}): Run {
  return {
    id: "0a0b0c0d-2222-4333-8444-955566667777",
    task_id: task().id,
    trigger: "schedule",
    attempt: 1,
    status: "succeeded",
    reason: null,
    scheduled_for: Date.UTC(2026, 0, 1, 2),
    retry_of: null,
    input: { token: "input-secret" },
    result: { status_code: 200, body: "result-secret" },
    error: null,
    targets: null,
    final: true,
    created_at: Date.UTC(2026, 0, 1, 2),
    dispatched_at: null,
    not_before: null,
    runner_ready_at: null,
    runner_id: null,
    lease_expires_at: null,
    started_at: Date.UTC(2026, 0, 1, 2, 0, 1),
    finished_at: Date.UTC(2026, 0, 1, 2, 0, 3),
    duration_ms: 2000,
    ...over,
  };
}

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message));
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

const sink = (status = 204) => vi.spyOn(globalThis, "fetch").mockImplementation(async () => new Response(null, { status }));
const callOf = (spy: ReturnType<typeof sink>, i = 0) => {
  const [url, init] = spy.mock.calls[i] ?? [];
  return { url: String(url), init: init as RequestInit, headers: new Headers((init as RequestInit).headers) };
};

afterEach(() => vi.restoreAllMocks());

describe("notifyOutcome", () => {
  it("posts a signed summary of a success to on_success_url, with nothing secret in it", async () => {
    const spy = sink(200);
    const res = await notifyOutcome(task(), run(), opts);
    expect(res).toEqual({ url: "https://hooks.example.com/ok", status: 200 });
    expect(spy).toHaveBeenCalledTimes(1);
    const { url, init, headers } = callOf(spy);
    expect(url).toBe("https://hooks.example.com/ok");
    expect(init).toMatchObject({ method: "POST", redirect: "manual" });
    expect(init.signal).toBeInstanceOf(AbortSignal);
    expect(headers.get("content-type")).toBe("application/json");
    expect(headers.get("x-task-id")).toBe(task().id);
    expect(headers.get("x-run-id")).toBe(run().id);
    const body = String(init.body);
    expect(JSON.parse(body)).toEqual({
      event: "run.succeeded",
      task_id: task().id,
      task_name: "nightly backup",
      run_id: run().id,
      status: "succeeded",
      attempt: 1,
      final: true,
      trigger: "schedule",
      scheduled_for: "2026-01-01T02:00:00.000Z",
      started_at: "2026-01-01T02:00:01.000Z",
      finished_at: "2026-01-01T02:00:03.000Z",
      duration_ms: 2000,
      error: null,
    });
    for (const secret of ["very-secret", "input-secret", "result-secret", "target.example.com"]) expect(body).not.toContain(secret);

    // A receiver verifies with either secret, exactly as for the http executor.
    const sig = headers.get("x-signature") ?? "";
    const m = /^t=(\d+),v1=([0-9a-f]{64}),v1=([0-9a-f]{64})$/.exec(sig);
    expect(m).not.toBeNull();
    const [, t, v1, v2] = m ?? [];
    expect(Math.abs(Number(t) - Date.now() / 1000)).toBeLessThan(60);
    expect(v1).toBe(await hmacHex("whsec_current_secret", `${t}.${body}`));
    expect(v2).toBe(await hmacHex("whsec_next_secret", `${t}.${body}`));
  });

  it("sends a final failure or timeout to on_failure_url", async () => {
    const spy = sink();
    const failed = await notifyOutcome(task(), run({ status: "failed", attempt: 4, error: "target answered 500" }), opts);
    expect(failed).toEqual({ url: "https://hooks.example.com/fail", status: 204 });
    expect(callOf(spy).url).toBe("https://hooks.example.com/fail");
    expect(JSON.parse(String(callOf(spy).init.body))).toMatchObject({
      event: "run.failed",
      status: "failed",
      attempt: 4,
      final: true,
      error: "target answered 500",
    });
    await notifyOutcome(task(), run({ status: "timed_out", error: "no answer within 300 s" }), opts);
    expect(JSON.parse(String(callOf(spy, 1).init.body))).toMatchObject({ event: "run.failed", status: "timed_out" });
  });

  it("sends nothing for a failure a retry follows, a canceled run, or a task without the URL", async () => {
    const spy = sink();
    expect(await notifyOutcome(task(), run({ status: "failed", final: false }), opts)).toBeNull();
    expect(await notifyOutcome(task(), run({ status: "canceled", final: true }), opts)).toBeNull();
    expect(await notifyOutcome(task(), run({ status: "skipped", final: true }), opts)).toBeNull();
    expect(await notifyOutcome(task({ on_success_url: null }), run(), opts)).toBeNull();
    expect(await notifyOutcome(task({ on_failure_url: null }), run({ status: "failed" }), opts)).toBeNull();
    expect(spy).not.toHaveBeenCalled();
  });

  it("refuses private and loopback receivers unless allowed", async () => {
    const spy = sink();
    for (const url of ["http://127.0.0.1:8080/hook", "http://localhost/hook", "http://169.254.169.254/latest", "http://[::1]/x"]) {
      const res = await notifyOutcome(task({ on_success_url: url }), run(), opts);
      expect(res, url).toMatchObject({ url, status: null, error: expect.stringContaining("private or loopback") });
    }
    expect(spy).not.toHaveBeenCalled();
    const allowed = await notifyOutcome(task({ on_success_url: "http://127.0.0.1:8080/hook" }), run(), {
      ...opts,
      allowPrivateTargets: true,
    });
    expect(allowed).toEqual({ url: "http://127.0.0.1:8080/hook", status: 204 });
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it("never throws: a receiver that fails, answers an error or redirects is reported", async () => {
    vi.spyOn(globalThis, "fetch").mockRejectedValue(new Error("connection refused"));
    const thrown = await notifyOutcome(task(), run(), opts);
    expect(thrown).toEqual({ url: "https://hooks.example.com/ok", status: null, error: "request failed: connection refused" });
    vi.restoreAllMocks();
    sink(500);
    expect(await notifyOutcome(task(), run(), opts)).toEqual({
      url: "https://hooks.example.com/ok",
      status: 500,
      error: "receiver answered 500",
    });
    vi.restoreAllMocks();
    sink(302);
    expect((await notifyOutcome(task(), run(), opts))?.error).toContain("redirects are not followed");
  });

  it("stops waiting when the caller's signal aborts", async () => {
    vi.spyOn(globalThis, "fetch").mockImplementation(
      (_url, init) =>
        new Promise((_resolve, reject) => {
          init?.signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
        }),
    );
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 10);
    const res = await notifyOutcome(task(), run(), { ...opts, signal: controller.signal });
    expect(res).toMatchObject({ status: null, error: expect.stringContaining("aborted") });
  });

  it("sends unsigned when the organization has no secret", async () => {
    const spy = sink();
    await notifyOutcome(task(), run(), { signingSecrets: [], allowPrivateTargets: false });
    expect(callOf(spy).headers.has("x-signature")).toBe(false);
  });
});
