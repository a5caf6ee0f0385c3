import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { call, tenant } from "../helpers/api";

// Issue 11: a face's PUT that runs while a /v1 PATCH of another field lands in between
// its read and its write loses neither change (faces build their patch from the task as it
// is, through patchTaskWith, and redo it on fresh data).

afterEach(() => vi.restoreAllMocks());

/**
 * Runs `put`; when its first write reaches D1, `meanwhile` (another request) runs to the
 * end first. That is the interleaving in which a patch built from a stale read loses a change.
 */
async function interleaved(put: () => Promise<{ status: number }>, meanwhile: () => Promise<{ status: number }>) {
  const batch = env.DB.batch.bind(env.DB);
  let armed = true;
  vi.spyOn(env.DB, "batch").mockImplementation(async (statements) => {
    if (armed) {
      armed = false;
      expect((await meanwhile()).status).toBe(200);
    }
    return batch(statements);
  });
  const r = await put();
  expect(armed).toBe(false);
  return r;
}

describe("a face's PUT and a concurrent /v1 PATCH", () => {
  it("Kubiya: the new prompt and the /v1 parameter both land", async () => {
    const { key } = await tenant();
    const created = await call("POST", "/api/v1/scheduled_tasks", {
      headers: { authorization: `UserKey ${key}` },
      body: {
        task_description: "Post the on-call summary",
        selected_agent: "devops-agent",
        channel_id: "C08041WFAKT",
        cron_string: "0 9 * * MON-FRI",
      },
    });
    expect(created.status).toBe(200);
    const id = created.body.task_id as string;
    const before = (await call("GET", `/v1/tasks/${id}`, { token: key })).body;
    const put = await interleaved(
      () =>
        call("PUT", `/api/v1/scheduled_tasks/${id}`, {
          headers: { authorization: `UserKey ${key}` },
          body: { task_description: "Post the weekly summary" },
        }),
      () =>
        call("PATCH", `/v1/tasks/${id}`, { token: key, body: { parameters: { ...before.parameters, model: "gpt-4o-mini" }, priority: 2 } }),
    );
    expect(put.status).toBe(200);
    const after = (await call("GET", `/v1/tasks/${id}`, { token: key })).body;
    expect(after.parameters).toMatchObject({ prompt: "Post the weekly summary", model: "gpt-4o-mini" });
    expect(after.priority).toBe(2);
  });

  it("NetStacks agent schedule: the new prompt and the /v1 parameter both land", async () => {
    const { key } = await tenant();
    const A = "/api/tasks/agent-schedules";
    const created = await call("POST", A, {
      token: key,
      body: {
        name: "Weekly Config Audit",
        prompt: "Review config changes.",
        cron_expression: "0 9 * * 1",
        timezone: "America/Chicago",
        enabled: true,
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const put = await interleaved(
      () => call("PUT", `${A}/${id}`, { token: key, body: { prompt: "Only BGP leaks." } }),
      () =>
        call("PATCH", `/v1/tasks/${id}`, {
          token: key,
          body: { parameters: { prompt: "Review config changes.", model: "gpt-4o-mini" }, description: "by /v1" },
        }),
    );
    expect(put.status).toBe(200);
    const after = (await call("GET", `/v1/tasks/${id}`, { token: key })).body;
    expect(after.parameters).toEqual({ prompt: "Only BGP leaks.", model: "gpt-4o-mini" });
    expect(after.description).toBe("by /v1");
  });
});
