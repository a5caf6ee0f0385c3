import { describe, expect, it } from "vitest";
import { call, cronTask, tenant } from "../helpers/api";

/** Every rejected create must leave the organization's task list empty. */
async function rejects(
  body: unknown,
  expectStatus: number,
  expectCode: string,
  init: { raw?: string; headers?: Record<string, string> } = {},
) {
  const { key } = await tenant();
  const r = await call("POST", "/v1/tasks", {
    token: key,
    ...(init.raw !== undefined ? { raw: init.raw } : { body }),
    headers: init.headers,
  });
  expect(r.status).toBe(expectStatus);
  expect(r.body.error.code).toBe(expectCode);
  expect(typeof r.body.error.message).toBe("string");
  expect(r.body.error.message.length).toBeGreaterThan(10);
  expect(r.body.error.request_id).toBeTruthy();
  expect(JSON.stringify(r.body)).not.toMatch(/at .*\.ts:\d+/); // never a stack trace
  expect((await call("GET", "/v1/tasks", { token: key })).body.total).toBe(0);
  return r.body.error;
}

describe("bad input is a 4xx that says what to fix, and nothing is written", () => {
  it("malformed JSON", async () => {
    await rejects(undefined, 400, "invalid_json", { raw: '{"name": ', headers: { "content-type": "application/json" } });
  });
  it("wrong content type", async () => {
    await rejects(undefined, 415, "unsupported_media_type", {
      raw: "name=x",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
  });
  it("missing body", async () => {
    const e = await rejects(undefined, 415, "unsupported_media_type", { raw: "" });
    expect(e.message).toMatch(/application\/json/);
  });
  it("empty object: every missing field is named", async () => {
    const e = await rejects({}, 400, "validation_failed");
    expect(e.details.map((d: { path: string }) => d.path)).toEqual(expect.arrayContaining(["name", "type", "schedule"]));
  });
  it("unknown field", async () => {
    const e = await rejects(cronTask({ colour: "red" }), 400, "validation_failed");
    expect(e.message).toMatch(/colour/);
  });
  it("wrong type of a field", async () => {
    const e = await rejects(cronTask({ priority: "high" }), 400, "validation_failed");
    expect(e.details[0].path).toBe("priority");
  });
  it("out-of-range number", async () => {
    const e = await rejects(cronTask({ priority: 10 }), 400, "validation_failed");
    expect(e.details[0].path).toBe("priority");
  });
  it("too-long name and description", async () => {
    expect((await rejects(cronTask({ name: "n".repeat(201) }), 400, "validation_failed")).details[0].path).toBe("name");
    expect((await rejects(cronTask({ description: "d".repeat(2001) }), 400, "validation_failed")).details[0].path).toBe("description");
  });
  it("body over 256 KiB", async () => {
    await rejects(cronTask({ parameters: { url: "https://example.com", body: "x".repeat(300 * 1024) } }), 413, "payload_too_large");
  });
  it("unknown task type", async () => {
    const e = await rejects(cronTask({ type: "teleport" }), 400, "validation_failed");
    expect(e.details[0].path).toBe("type");
  });
  it("parameters that do not fit the type", async () => {
    const e = await rejects(cronTask({ type: "http", parameters: { url: "ftp://example.com" } }), 400, "invalid_parameters");
    expect(e.details[0].path).toBe("parameters.url");
    const h = await rejects(cronTask({ type: "health_check", parameters: { targets: [] } }), 400, "invalid_parameters");
    expect(h.details[0].path).toBe("parameters.targets");
    await rejects(cronTask({ type: "agent_task", parameters: {} }), 400, "invalid_parameters");
    await rejects(cronTask({ type: "workflow", parameters: { callback_type: "webhook", callback_id: "x" } }), 400, "invalid_parameters");
    await rejects(
      cronTask({ type: "http", parameters: { url: "https://e.com", headers: { "X-A": "b\r\nX-Injected: 1" } } }),
      400,
      "invalid_parameters",
    );
  });
  it("unknown schedule kind", async () => {
    const e = await rejects(cronTask({ schedule: { kind: "weekly" } }), 400, "validation_failed");
    expect(e.details[0].path).toMatch(/^schedule/);
  });
  it("invalid cron", async () => {
    const e = await rejects(cronTask({ schedule: { kind: "cron", expression: "61 * * * *", timezone: "UTC" } }), 400, "invalid_cron");
    expect(e.message).toMatch(/minute/);
  });
  it("six-field (seconds) cron", async () => {
    const e = await rejects(cronTask({ schedule: { kind: "cron", expression: "0 0 2 * * *", timezone: "UTC" } }), 400, "invalid_cron");
    expect(e.message).toMatch(/seconds/i);
  });
  it("a cron that never fires", async () => {
    const e = await rejects(cronTask({ schedule: { kind: "cron", expression: "0 0 30 2 *", timezone: "UTC" } }), 400, "invalid_cron");
    expect(e.message).toMatch(/never/);
  });
  it("non-IANA time zones", async () => {
    for (const tz of ["EST", "GMT", "PST8PDT", "Mars/Olympus"]) {
      const e = await rejects(cronTask({ schedule: { kind: "cron", expression: "0 2 * * *", timezone: tz } }), 400, "invalid_timezone");
      expect(e.message).toMatch(/America\/New_York|region/);
    }
  });
  it("invalid RRULE", async () => {
    await rejects(cronTask({ schedule: { kind: "rrule", rule: "FREQ=SOMETIMES", timezone: "UTC" } }), 400, "invalid_rrule");
  });
  it("a once schedule in the past", async () => {
    const e = await rejects(cronTask({ schedule: { kind: "once", at: "2020-01-01T00:00:00Z" } }), 400, "invalid_schedule");
    expect(e.message).toMatch(/future/);
  });
  it("an unknown project", async () => {
    const e = await rejects(cronTask({ project_id: "nope" }), 400, "project_not_found");
    expect(e.message).toBe("Project not found");
  });
  it("bad query parameters and path ids", async () => {
    const { key } = await tenant();
    expect((await call("GET", "/v1/tasks?status=sleeping", { token: key })).status).toBe(400);
    expect((await call("GET", "/v1/tasks?offset=-1", { token: key })).status).toBe(400);
    expect((await call("GET", `/v1/tasks/${"x".repeat(101)}`, { token: key })).status).toBe(400);
    expect((await call("GET", "/v1/tasks/not-a-task", { token: key })).status).toBe(404);
  });
});
