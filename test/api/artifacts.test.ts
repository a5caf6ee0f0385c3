import { SELF, env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Run } from "../../src/domain/run";
import type { Task } from "../../src/domain/task";
import type { Env } from "../../src/env";
import { backupExecutor } from "../../src/executors/backup";
import { readArtifact } from "../../src/executors/backup-store";
import { BASE, call, createTask, tenant } from "../helpers/api";
import { captureQueue, target } from "../helpers/engine";

afterEach(() => vi.restoreAllMocks());

const BINARY = Uint8Array.from({ length: 1024 }, (_, i) => (i * 7) % 256);

/**
 * Creates a backup task and queues a run through the API, then executes that run with
 * the backup executor (the consumer's registry is not this change's to edit).
 */
async function backedUp(key: string, org: string, extra: Record<string, unknown> = {}, runEnv: Partial<Env> = {}) {
  captureQueue();
  target(() => new Response(BINARY, { headers: { "content-type": "application/x-tar", "content-length": String(BINARY.byteLength) } }));
  const t = await createTask(key, {
    type: "backup",
    parameters: { sources: [{ name: "etc.tar", url: "https://src.example.com/etc" }], ...extra },
  });
  const queued = await call("POST", `/v1/tasks/${t.id}/run`, { token: key });
  expect(queued.status).toBe(202);
  const task = { ...t, org_id: org } as unknown as Task;
  const run = { ...queued.body, attempt: 1 } as unknown as Run;
  const out = await backupExecutor.execute(task, run, {
    signal: new AbortController().signal,
    signingSecrets: [],
    allowPrivateTargets: false,
    env: { ...env, ...runEnv },
  });
  expect(out.status).toBe("succeeded");
  return { taskId: t.id as string, runId: run.id };
}

const download = (key: string, runId: string, name: string) =>
  SELF.fetch(`${BASE}/v1/runs/${runId}/artifacts/${name}`, { headers: { authorization: `Bearer ${key}` } });

describe("GET /v1/runs/{id}/artifacts", () => {
  it("lists what the run stored and downloads it byte-identical with its type and length", async () => {
    const { org, key } = await tenant();
    const { runId } = await backedUp(key, org);

    const list = await call("GET", `/v1/runs/${runId}/artifacts`, { token: key });
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ artifacts: [{ name: "etc.tar", size: 1024, encrypted: false, content_type: "application/x-tar" }] });

    const res = await download(key, runId, "etc.tar");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-tar");
    expect(res.headers.get("content-length")).toBe("1024");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="etc.tar"');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(BINARY);
  });

  it("another organization's run is 404, listed or downloaded", async () => {
    const a = await tenant();
    const b = await tenant();
    const { runId } = await backedUp(a.key, a.org);
    const list = await call("GET", `/v1/runs/${runId}/artifacts`, { token: b.key });
    expect(list.status).toBe(404);
    const res = await download(b.key, runId, "etc.tar");
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });

  it("an unknown artifact is 404 artifact_not_found", async () => {
    const { org, key } = await tenant();
    const { runId } = await backedUp(key, org);
    for (const name of ["nope", "..%2Fetc.tar"]) {
      const res = await download(key, runId, name);
      expect(res.status).toBe(404);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("artifact_not_found");
    }
  });

  it("an encrypted artifact is decrypted with BACKUP_KEY; without it the route answers 409, never ciphertext", async () => {
    const { org, key } = await tenant();
    const { taskId, runId } = await backedUp(key, org, { encrypt: true }, { BACKUP_KEY: "route-key" });

    const art = await readArtifact({ ...env, BACKUP_KEY: "route-key" }, org, taskId, runId, "etc.tar");
    expect(art).toMatchObject({ size: 1024, encrypted: true, contentType: "application/x-tar" });
    expect(art?.body).toEqual(BINARY);

    const list = await call("GET", `/v1/runs/${runId}/artifacts`, { token: key });
    expect(list.body).toEqual({ artifacts: [{ name: "etc.tar", size: 1024, encrypted: true, content_type: "application/x-tar" }] });
    // The test pool's Worker has no BACKUP_KEY: a clear conflict, not the stored bytes.
    const res = await download(key, runId, "etc.tar");
    expect(res.status).toBe(409);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("decryption_failed");
  });

  it("both routes are in the OpenAPI document, the download as binary", async () => {
    const doc = await call("GET", "/openapi.json");
    const paths = doc.body.paths as Record<
      string,
      { get?: { tags?: string[]; responses: Record<string, { content?: Record<string, { schema: unknown }> }> } }
    >;
    expect(paths["/v1/runs/{id}/artifacts"]?.get?.tags).toEqual(["Runs"]);
    const dl = paths["/v1/runs/{id}/artifacts/{target}"]?.get;
    expect(dl?.tags).toEqual(["Runs"]);
    expect(dl?.responses["200"]?.content?.["application/octet-stream"]?.schema).toMatchObject({ type: "string", format: "binary" });
    expect(Object.keys(dl?.responses ?? {})).toEqual(expect.arrayContaining(["404", "409"]));
  });
});
