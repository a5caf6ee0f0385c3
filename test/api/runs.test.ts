import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { apiKey, call, createTask, tenant } from "../helpers/api";

const post = (key: string, path: string, body?: unknown) => call("POST", path, { token: key, body });

/** Queues a manual run through the API, as a client would. */
async function runOf(key: string, taskId: string, input?: unknown) {
  const r = await post(key, `/v1/tasks/${taskId}/run`, input === undefined ? undefined : { input });
  if (r.status !== 202) throw new Error(`run: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Writes an outcome where the engine's consumer would have written it. */
async function finish(runId: string, status: string, final: boolean, error: string | null = "target answered 500") {
  const now = Date.now();
  await env.DB.prepare("UPDATE runs SET status = ?, final = ?, error = ?, started_at = ?, finished_at = ?, duration_ms = 5 WHERE id = ?")
    .bind(status, final ? 1 : 0, error, now - 5, now, runId)
    .run();
}

describe("GET /v1/runs", () => {
  it("lists final failures across tasks, and not the others", async () => {
    const { key } = await tenant();
    const t1 = await createTask(key);
    const t2 = await createTask(key);
    const finalFail = await runOf(key, t1.id);
    const retried = await runOf(key, t1.id);
    const ok = await runOf(key, t2.id);
    const queued = await runOf(key, t2.id);
    await finish(finalFail.id, "failed", true);
    await finish(retried.id, "failed", false);
    await finish(ok.id, "succeeded", true, null);

    const r = await call("GET", "/v1/runs?status=failed&final=true", { token: key });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ total: 1, limit: 50, offset: 0 });
    expect(r.body.runs.map((x: { id: string }) => x.id)).toEqual([finalFail.id]);
    expect(r.body.runs[0]).toMatchObject({ status: "failed", final: true, error: "target answered 500" });

    const notFinal = await call("GET", "/v1/runs?status=failed&final=false", { token: key });
    expect(notFinal.body.runs.map((x: { id: string }) => x.id)).toEqual([retried.id]);
    const all = await call("GET", "/v1/runs", { token: key });
    expect(all.body.total).toBe(4);
    const ofT2 = await call("GET", `/v1/runs?task_id=${t2.id}&status=queued`, { token: key });
    expect(ofT2.body.runs.map((x: { id: string }) => x.id)).toEqual([queued.id]);
    expect((await call("GET", "/v1/runs?trigger=retry", { token: key })).body.total).toBe(0);
  });

  it("late_over_ms lists only runs that started more than that long after their scheduled time", async () => {
    const { key } = await tenant();
    const t = await createTask(key);
    const onTime = await runOf(key, t.id);
    const late = await runOf(key, t.id);
    const notStarted = await runOf(key, t.id);
    const startAfter = (id: string, ms: number) =>
      env.DB.prepare(
        "UPDATE runs SET status = 'succeeded', started_at = scheduled_for + ?, finished_at = scheduled_for + ? + 10 WHERE id = ?",
      )
        .bind(ms, ms, id)
        .run();
    await startAfter(onTime.id, 5000);
    await startAfter(late.id, 5001);
    const r = await call("GET", "/v1/runs?late_over_ms=5000", { token: key });
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(1);
    expect(r.body.runs.map((x: { id: string }) => x.id)).toEqual([late.id]);
    expect(notStarted.id).not.toBe(late.id);
    expect((await call("GET", "/v1/runs?late_over_ms=0", { token: key })).body.total).toBe(2);
    const bad = await call("GET", "/v1/runs?late_over_ms=-1", { token: key });
    expect(bad.status).toBe(400);
  });

  it("pages newest first with a total", async () => {
    const { key } = await tenant();
    const t = await createTask(key);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await runOf(key, t.id)).id);
    // Distinct creation times so "newest first" is observable.
    for (const [i, id] of ids.entries())
      await env.DB.prepare("UPDATE runs SET created_at = ? WHERE id = ?")
        .bind(1_700_000_000_000 + i * 1000, id)
        .run();
    const p1 = await call("GET", "/v1/runs?limit=2", { token: key });
    const p2 = await call("GET", "/v1/runs?limit=2&offset=2", { token: key });
    const p3 = await call("GET", "/v1/runs?limit=2&offset=4", { token: key });
    expect(p1.body).toMatchObject({ total: 5, limit: 2, offset: 0 });
    expect(p3.body).toMatchObject({ total: 5, limit: 2, offset: 4 });
    const seen = [...p1.body.runs, ...p2.body.runs, ...p3.body.runs].map((x: { id: string }) => x.id);
    expect(seen).toEqual([...ids].reverse());
  });

  it("refuses a bad query with 400", async () => {
    const { key } = await tenant();
    for (const q of ["status=nope", "limit=500", "limit=0", "final=yes", "trigger=cron", "offset=-1"]) {
      const r = await call("GET", `/v1/runs?${q}`, { token: key });
      expect(r.status, q).toBe(400);
      expect(r.body.error.code).toBe("validation_failed");
    }
  });
});

describe("POST /v1/runs/{id}/retry", () => {
  it("re-runs a final failure as the next attempt of the same occurrence", async () => {
    const { key } = await tenant();
    const t = await createTask(key);
    const run = await runOf(key, t.id, { n: 1 });
    await finish(run.id, "failed", true);
    const r = await post(key, `/v1/runs/${run.id}/retry`);
    expect(r.status).toBe(202);
    expect(r.body).toMatchObject({
      task_id: t.id,
      trigger: "retry",
      attempt: 2,
      retry_of: run.id,
      status: "queued",
      scheduled_for: run.scheduled_for,
      input: { n: 1 },
      final: false,
      error: null,
    });
    expect(r.body.id).not.toBe(run.id);
    expect(r.headers.get("location")).toBe(`/v1/runs/${r.body.id}`);
    expect((await call("GET", `/v1/runs/${r.body.id}`, { token: key })).body.status).toBe("queued");
    // The original is unchanged; re-running it again takes the attempt after the highest.
    expect((await call("GET", `/v1/runs/${run.id}`, { token: key })).body).toMatchObject({ status: "failed", attempt: 1 });
    const again = await post(key, `/v1/runs/${run.id}/retry`);
    expect(again.body).toMatchObject({ attempt: 3, retry_of: run.id });
    const listed = await call("GET", `/v1/runs?trigger=retry&task_id=${t.id}`, { token: key });
    expect(listed.body.total).toBe(2);
  });

  it("gives concurrent re-runs distinct attempts", async () => {
    const { key } = await tenant();
    const t = await createTask(key);
    const run = await runOf(key, t.id);
    await finish(run.id, "timed_out", true, "no answer within 300 s");
    const both = await Promise.all([post(key, `/v1/runs/${run.id}/retry`), post(key, `/v1/runs/${run.id}/retry`)]);
    expect(both.map((r) => r.status)).toEqual([202, 202]);
    expect(both.map((r) => r.body.attempt).sort()).toEqual([2, 3]);
  });

  it("re-runs canceled runs; refuses queued, running and succeeded ones with 409 not_retryable", async () => {
    const { key } = await tenant();
    const t = await createTask(key);
    const queued = await runOf(key, t.id);
    const q = await post(key, `/v1/runs/${queued.id}/retry`);
    expect(q.status).toBe(409);
    expect(q.body.error).toMatchObject({ code: "not_retryable", message: expect.stringContaining("still queued") });
    await finish(queued.id, "running", false, null);
    expect((await post(key, `/v1/runs/${queued.id}/retry`)).body.error.message).toContain("still running");
    await finish(queued.id, "succeeded", true, null);
    const s = await post(key, `/v1/runs/${queued.id}/retry`);
    expect(s.status).toBe(409);
    expect(s.body.error.message).toContain("succeeded");
    await finish(queued.id, "skipped", true, null);
    expect((await post(key, `/v1/runs/${queued.id}/retry`)).status).toBe(409);
    await finish(queued.id, "canceled", true, null);
    expect((await post(key, `/v1/runs/${queued.id}/retry`)).status).toBe(202);
  });

  it("answers 409 for a canceled task and 404 for a deleted one", async () => {
    const { key } = await tenant();
    const canceled = await createTask(key);
    const r1 = await runOf(key, canceled.id);
    await post(key, `/v1/tasks/${canceled.id}/cancel`);
    const c = await post(key, `/v1/runs/${r1.id}/retry`);
    expect(c.status).toBe(409);
    expect(c.body.error.code).toBe("task_canceled");

    const deleted = await createTask(key);
    const r2 = await runOf(key, deleted.id);
    await finish(r2.id, "failed", true);
    expect((await call("DELETE", `/v1/tasks/${deleted.id}`, { token: key })).status).toBe(204);
    expect((await post(key, `/v1/runs/${r2.id}/retry`)).status).toBe(404);
  });

  it("needs tasks:write", async () => {
    const { org, key } = await tenant();
    const t = await createTask(key);
    const run = await runOf(key, t.id);
    await finish(run.id, "failed", true);
    const reader = await apiKey(org, ["tasks:read"]);
    expect((await call("GET", "/v1/runs", { token: reader })).body.total).toBe(1);
    const r = await post(reader, `/v1/runs/${run.id}/retry`);
    expect(r.status).toBe(403);
    expect((await call("GET", "/v1/runs", { token: reader })).body.total).toBe(1);
  });
});

describe("tenancy", () => {
  it("another organization sees 404 and an empty list", async () => {
    const a = await tenant();
    const b = await tenant();
    const t = await createTask(a.key);
    const run = await runOf(a.key, t.id);
    await finish(run.id, "failed", true);
    expect((await call("GET", `/v1/runs/${run.id}`, { token: b.key })).status).toBe(404);
    const retry = await post(b.key, `/v1/runs/${run.id}/retry`);
    expect(retry.status).toBe(404);
    expect(retry.body.error.code).toBe("not_found");
    const list = await call("GET", "/v1/runs?status=failed&final=true", { token: b.key });
    expect(list.body).toMatchObject({ runs: [], total: 0 });
    expect((await call("GET", `/v1/runs?task_id=${t.id}`, { token: b.key })).body.total).toBe(0);
    // Nothing was created in A by B's attempt.
    expect((await call("GET", "/v1/runs", { token: a.key })).body.total).toBe(1);
  });
});

describe("OpenAPI", () => {
  it("documents the runs and signing-secret routes", async () => {
    const doc = await call("GET", "/openapi.json");
    expect(doc.status).toBe(200);
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(["/v1/runs", "/v1/runs/{id}", "/v1/runs/{id}/retry", "/v1/signing-secrets", "/v1/signing-secrets/rotate"]),
    );
    const params = doc.body.paths["/v1/runs"].get.parameters.map((p: { name: string }) => p.name);
    expect(params).toEqual(expect.arrayContaining(["status", "final", "task_id", "trigger", "late_over_ms", "limit", "offset"]));
  });
});
