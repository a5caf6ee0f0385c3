import { describe, expect, it } from "vitest";
import { call, createTask, tenant } from "../helpers/api";
import { page, post, signIn } from "../helpers/dashboard";

const form = (over: Record<string, string> = {}) => ({
  name: `made in the form ${crypto.randomUUID().slice(0, 6)}`,
  description: "",
  type: "http",
  parameters: '{"url": "https://example.com/hook"}',
  "schedule.kind": "cron",
  "schedule.expression": "0 2 * * *",
  "schedule.timezone": "America/New_York",
  "schedule.dst.gap": "shift",
  timeout_seconds: "",
  "retry.max_retries": "",
  overlap_policy: "skip",
  intent: "save",
  ...over,
});

/** The inline error shown next to a field, by the field's API path. */
const fieldError = (html: string, field: string) =>
  new RegExp(`<p id="e-${field.replace(/\./g, "-")}" class="error field-error">([^<]*)</p>`)
    .exec(html)?.[1]
    ?.replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&");

describe("the New task form", () => {
  it("has a labelled field for every schedule kind and task type", async () => {
    const { key } = await tenant();
    const html = (await page("/dashboard/tasks/new", await signIn(key))).body;
    for (const label of [
      "Name",
      "Type",
      "Parameters (JSON)",
      "Schedule kind",
      "Time zone",
      "Cron expression",
      "RRULE",
      "At (ISO-8601 instant)",
      "Delay (seconds)",
      "Event name",
    ]) {
      expect(html).toContain(`${label}</label>`);
    }
    for (const kind of ["cron", "rrule", "once", "delayed", "event"]) expect(html).toContain(`<option value="${kind}"`);
    for (const type of ["http", "health_check", "backup", "agent_task", "workflow", "custom_script", "container_update"]) {
      expect(html).toContain(`<option value="${type}"`);
    }
  });

  it("shows the service's own message next to a bad cron, keeps what was typed, and creates nothing", async () => {
    const { key } = await tenant();
    const cookie = await signIn(key);
    const r = await post("/dashboard/tasks/new", form({ name: "bad cron", "schedule.expression": "0 25 * * *" }), { cookie });
    expect(r.status).toBe(400);
    const api = await call("POST", "/v1/tasks", {
      token: key,
      body: { name: "x", type: "http", parameters: { url: "https://example.com/" }, schedule: { kind: "cron", expression: "0 25 * * *" } },
    });
    expect(fieldError(r.body, "schedule.expression")).toBe(api.body.error.details[0].message);
    expect(r.body).toMatch(
      /id="f-schedule-expression" name="schedule.expression" aria-invalid="true" aria-describedby="[^"]*e-schedule-expression"/,
    );
    expect(r.body).toContain('value="0 25 * * *"');
    expect(r.body).toContain('role="alert"');
    expect((await call("GET", "/v1/tasks", { token: key })).body.total).toBe(0);
  });

  it("puts each API detail next to its field (parameters, name taken) and refuses JSON that is not an object", async () => {
    const { key } = await tenant();
    const cookie = await signIn(key);
    const bad = await post("/dashboard/tasks/new", form({ parameters: '{"url": 5}' }), { cookie });
    expect(bad.status).toBe(400);
    expect(fieldError(bad.body, "parameters")).toBeTruthy();
    const notJson = await post("/dashboard/tasks/new", form({ parameters: "[1, 2]" }), { cookie });
    expect(fieldError(notJson.body, "parameters")).toContain("must be a JSON object");
    await createTask(key, { name: "taken" });
    const taken = await post("/dashboard/tasks/new", form({ name: "taken" }), { cookie });
    expect(taken.status).toBe(409);
    expect(fieldError(taken.body, "name")).toBeTruthy();
  });

  it("creates the task and goes to its page", async () => {
    const { key } = await tenant();
    const cookie = await signIn(key);
    const r = await post("/dashboard/tasks/new", form({ name: "nightly from the form" }), { cookie });
    expect(r.status).toBe(303);
    const list = (await call("GET", "/v1/tasks", { token: key })).body;
    expect(list.tasks[0]).toMatchObject({
      name: "nightly from the form",
      schedule: { kind: "cron", expression: "0 2 * * *", timezone: "America/New_York" },
      parameters: { url: "https://example.com/hook" },
    });
    expect(r.headers.get("location")).toBe(`/dashboard/tasks/${list.tasks[0].id}?done=created`);
  });

  it("previews the schedule without saving, and answers the live preview as a fragment", async () => {
    const { key } = await tenant();
    const cookie = await signIn(key);
    const r = await post("/dashboard/tasks/new", form({ intent: "preview", "schedule.expression": "30 2 14 3 *" }), { cookie });
    expect(r.status).toBe(200);
    expect(r.body).toContain("2027-03-14 03:00 EDT");
    expect(r.body).toContain("m-dst");
    expect((await call("GET", "/v1/tasks", { token: key })).body.total).toBe(0);

    const live = await post("/dashboard/preview", form({ "schedule.expression": "*/15 * * * *", "schedule.timezone": "UTC" }), { cookie });
    expect(live.body).toMatch(/^<div id="schedule-preview"/);
    expect(live.body.match(/<li/g)).toHaveLength(10);
    const wrong = await post("/dashboard/preview", form({ "schedule.expression": "61 * * * *" }), { cookie });
    expect(wrong.body).toContain('class="error"');
    expect(wrong.body).toContain("61");
    expect((await post("/dashboard/preview", form(), { cookie, origin: "https://evil.example" })).status).toBe(403);
  });
});

describe("the Edit form keeps what the form shows", () => {
  it("an RRULE task's extra dates and DST policy survive an edit of its name", async () => {
    const { key } = await tenant();
    const cookie = await signIn(key);
    const t = await createTask(key, {
      name: "rrule with extras",
      schedule: {
        kind: "rrule",
        rule: "FREQ=WEEKLY;BYDAY=MO;BYHOUR=1;BYMINUTE=30",
        timezone: "America/New_York",
        dtstart: "2026-01-05T01:30",
        dst: { gap: "skip", repeat: "both" },
        except: ["2027-01-04"],
        also: ["2027-01-06T01:30"],
      },
    });
    const html = (await page(`/dashboard/tasks/${t.id}/edit`, cookie)).body;
    /** The text of a field's textarea, or the chosen option of its select. */
    const region = (field: string, close: string) => {
      const start = html.indexOf(`name="${field}"`);
      return html.slice(start, html.indexOf(close, start) + close.length);
    };
    const value = (field: string) => />([^<]*)<\/textarea>/.exec(region(field, "</textarea>"))?.[1];
    const chosen = (field: string) => /<option value="([^"]+)" selected/.exec(region(field, "</select>"))?.[1];
    const submitted = {
      ...form({ name: "renamed rrule" }),
      "schedule.kind": "rrule",
      "schedule.rule": "FREQ=WEEKLY;BYDAY=MO;BYHOUR=1;BYMINUTE=30",
      "schedule.timezone": "America/New_York",
      "schedule.dtstart": "2026-01-05T01:30",
      "schedule.except": value("schedule.except") ?? "",
      "schedule.also": value("schedule.also") ?? "",
      "schedule.dst.gap": chosen("schedule.dst.gap") ?? "",
      "schedule.dst.repeat": chosen("schedule.dst.repeat") ?? "",
    };
    expect(submitted["schedule.also"]).toBe("2027-01-06T01:30");
    expect(submitted["schedule.dst.repeat"]).toBe("both");
    const r = await post(`/dashboard/tasks/${t.id}/edit`, submitted, { cookie });
    expect(r.status).toBe(303);
    const after = (await call("GET", `/v1/tasks/${t.id}`, { token: key })).body;
    expect(after.name).toBe("renamed rrule");
    expect(after.schedule).toMatchObject({ dst: { gap: "skip", repeat: "both" }, except: ["2027-01-04"], also: ["2027-01-06T01:30"] });
  });
});

describe("the Edit form", () => {
  it("starts from the task and saves changes with PATCH", async () => {
    const { key } = await tenant();
    const cookie = await signIn(key);
    const t = await createTask(key, { name: "to edit", schedule: { kind: "cron", expression: "*/5 * * * *", timezone: "UTC" } });
    const html = (await page(`/dashboard/tasks/${t.id}/edit`, cookie)).body;
    expect(html).toContain('value="to edit"');
    expect(html).toContain('value="*/5 * * * *"');
    const r = await post(
      `/dashboard/tasks/${t.id}/edit`,
      form({ name: "edited", "schedule.expression": "0 9 * * 1-5", "schedule.timezone": "Europe/London" }),
      {
        cookie,
      },
    );
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe(`/dashboard/tasks/${t.id}?done=saved`);
    const after = (await call("GET", `/v1/tasks/${t.id}`, { token: key })).body;
    expect(after).toMatchObject({ name: "edited", schedule: { expression: "0 9 * * 1-5", timezone: "Europe/London" } });
  });
});
