import { describe, expect, it } from "vitest";
import { call, cronTask, tenant } from "../helpers/api";

// Issue 10 items 4 (UNTIL is an instant), 5 (RRULE limits) and 7 (cron lists of steps), through
// POST /v1/schedules/preview and POST /v1/tasks. Expected instants cross-checked with python-dateutil.

const NY = "America/New_York";
const rrule = (rule: string, dtstart: string, timezone = "UTC") => ({ kind: "rrule", rule, timezone, dtstart });
const cron = (expression: string, timezone = "UTC") => ({ kind: "cron", expression, timezone });

async function preview(schedule: unknown, after: string, count = 10) {
  const { key } = await tenant();
  return call("POST", "/v1/schedules/preview", { token: key, body: { schedule, after, count } });
}
const ats = (r: { body: { occurrences: { at: string }[] } }) => r.body.occurrences.map((o) => o.at);

async function create(schedule: unknown) {
  const { key } = await tenant();
  return call("POST", "/v1/tasks", { token: key, body: cronTask({ schedule }) });
}

function expectRefused(r: { status: number; body: any }, code: string, path: string, message: RegExp) {
  expect(r.status).toBe(400);
  expect(r.body.error.code).toBe(code);
  expect(r.body.error.details[0].path).toBe(path);
  expect(r.body.error.message).toMatch(message);
}

describe("item 4: UNTIL with Z is an instant", () => {
  it("preview: HOURLY in New York stops at the first pass of 01:00 (05:00Z); the second pass (06:00Z) is after UNTIL", async () => {
    const r = await preview(rrule("FREQ=HOURLY;UNTIL=20261101T054500Z", "2026-10-31T22:00", NY), "2026-11-01T02:30:00Z");
    expect(r.status).toBe(200);
    expect(r.body.occurrences).toEqual([
      { at: "2026-11-01T03:00:00.000Z", local: "2026-10-31T23:00:00-04:00" },
      { at: "2026-11-01T04:00:00.000Z", local: "2026-11-01T00:00:00-04:00" },
      {
        at: "2026-11-01T05:00:00.000Z",
        local: "2026-11-01T01:00:00-04:00",
        note: "01:00 occurs twice on 2026-11-01 (DST fall back); first pass",
      },
    ]);
  });

  it("preview: a daily 01:50 keeps its 05:50Z run before UNTIL=06:45Z; a date-only UNTIL ends at the start of its day", async () => {
    const daily = await preview(
      rrule("FREQ=DAILY;BYHOUR=1;BYMINUTE=50;UNTIL=20261101T064500Z", "2026-10-30T00:00", NY),
      "2026-10-30T00:00:00Z",
    );
    expect(ats(daily)).toEqual(["2026-10-30T05:50:00.000Z", "2026-10-31T05:50:00.000Z", "2026-11-01T05:50:00.000Z"]);
    const dateOnly = await preview(rrule("FREQ=DAILY;UNTIL=20260503", "2026-05-01T09:00", NY), "2026-04-01T00:00:00Z");
    expect(ats(dateOnly)).toEqual(["2026-05-01T13:00:00.000Z", "2026-05-02T13:00:00.000Z"]);
  });

  it("POST /v1/tasks: the first pass before UNTIL is the next run; a date-only UNTIL before the first run leaves none (400)", async () => {
    const t = await create(rrule("FREQ=DAILY;BYHOUR=1;BYMINUTE=50;UNTIL=20271107T064500Z", "2027-11-07T01:50", NY));
    expect(t.status).toBe(201);
    expect(t.body.next_run_at).toBe("2027-11-07T05:50:00.000Z");
    const none = await create(rrule("FREQ=DAILY;UNTIL=20300101", "2030-01-01T09:00"));
    expectRefused(none, "invalid_schedule", "schedule.rule", /no occurrence after now/);
  });
});

describe("item 5: RRULE limits lifted, the rest named", () => {
  it("preview: YEARLY;INTERVAL=100;COUNT=3 lists all three; MINUTELY+BYHOUR takes INTERVAL=7; HOURLY takes BYSETPOS", async () => {
    expect(ats(await preview(rrule("FREQ=YEARLY;INTERVAL=100;COUNT=3", "2027-01-01T09:00"), "2026-11-23T00:00:00Z"))).toEqual([
      "2027-01-01T09:00:00.000Z",
      "2127-01-01T09:00:00.000Z",
      "2227-01-01T09:00:00.000Z",
    ]);
    expect(ats(await preview(rrule("FREQ=MINUTELY;INTERVAL=7;BYHOUR=9", "2026-01-01T00:00"), "2025-12-31T00:00:00Z", 3))).toEqual([
      "2026-01-01T09:06:00.000Z",
      "2026-01-01T09:13:00.000Z",
      "2026-01-01T09:20:00.000Z",
    ]);
    expect(ats(await preview(rrule("FREQ=HOURLY;BYMINUTE=0,30;BYSETPOS=-1", "2026-01-01T00:00"), "2025-12-31T00:00:00Z", 2))).toEqual([
      "2026-01-01T00:30:00.000Z",
      "2026-01-01T01:30:00.000Z",
    ]);
    expect(ats(await preview(rrule("FREQ=MONTHLY;INTERVAL=5", "1900-01-31T09:00"), "2026-11-23T00:00:00Z", 2))).toEqual([
      "2027-07-31T09:00:00.000Z",
      "2027-12-31T09:00:00.000Z",
    ]);
  });

  it("preview: the limits that remain are 400s naming them", async () => {
    expectRefused(
      await preview(rrule("FREQ=YEARLY;INTERVAL=10001", "2027-01-01T09:00"), "2026-11-23T00:00:00Z"),
      "invalid_rrule",
      "schedule.rule",
      /^INTERVAL=10001 is out of range 1-10000 for FREQ=YEARLY$/,
    );
    expectRefused(
      await preview(rrule("FREQ=HOURLY;BYMINUTE=0,30;BYSETPOS=3", "2026-01-01T00:00"), "2025-12-31T00:00:00Z"),
      "invalid_rrule",
      "schedule.rule",
      /BYSETPOS=3 picks no time/,
    );
    expectRefused(
      await preview(rrule("FREQ=MINUTELY;BYDAY=MO;BYSETPOS=2", "2026-01-01T00:00"), "2025-12-31T00:00:00Z"),
      "invalid_rrule",
      "schedule.rule",
      /FREQ=MINUTELY holds one time/,
    );
    expectRefused(
      await preview(rrule("FREQ=DAILY;COUNT=10001", "2026-01-01T00:00"), "2025-12-31T00:00:00Z"),
      "invalid_rrule",
      "schedule.rule",
      /COUNT=10001 is out of range 1-10000/,
    );
    expectRefused(
      await preview(rrule("FREQ=YEARLY;INTERVAL=7;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO", "2026-01-01T00:00"), "2026-01-01T00:00:00Z"),
      "invalid_schedule",
      "schedule.rule",
      /within the next 11 years \(or 10 periods of FREQ x INTERVAL, if longer\)/,
    );
  });

  it("POST /v1/tasks: the next run of sparse and large-INTERVAL rules", async () => {
    const cases: [string, string, string][] = [
      ["FREQ=YEARLY;INTERVAL=100;COUNT=3", "2020-01-01T09:00", "2120-01-01T09:00:00.000Z"],
      ["FREQ=DAILY;INTERVAL=5000", "2020-01-01T09:00", "2033-09-09T09:00:00.000Z"],
      ["FREQ=MINUTELY;INTERVAL=7;BYHOUR=9", "2030-01-01T00:00", "2030-01-01T09:06:00.000Z"],
      ["FREQ=HOURLY;BYMINUTE=0,30;BYSETPOS=-1", "2030-01-01T00:00", "2030-01-01T00:30:00.000Z"],
    ];
    for (const [rule, dtstart, next] of cases) {
      const r = await create(rrule(rule, dtstart));
      expect(r.status, rule).toBe(201);
      expect(r.body.next_run_at, rule).toBe(next);
    }
    expectRefused(
      await create(rrule("FREQ=MONTHLY;INTERVAL=120001", "2030-01-01T00:00")),
      "invalid_rrule",
      "schedule.rule",
      /INTERVAL=120001 is out of range 1-120000 for FREQ=MONTHLY/,
    );
  });
});

describe("item 7: cron list items may be steps or ranges with steps", () => {
  it("preview fires at the united values of each list", async () => {
    expect(ats(await preview(cron("*/15,30-59/10 0 * * *"), "2026-01-01T00:00:00Z", 6))).toEqual([
      "2026-01-01T00:15:00.000Z",
      "2026-01-01T00:30:00.000Z",
      "2026-01-01T00:40:00.000Z",
      "2026-01-01T00:45:00.000Z",
      "2026-01-01T00:50:00.000Z",
      "2026-01-02T00:00:00.000Z",
    ]);
    expect(ats(await preview(cron("0 1-5/2,20 * * *"), "2026-01-01T00:00:00Z", 4))).toEqual([
      "2026-01-01T01:00:00.000Z",
      "2026-01-01T03:00:00.000Z",
      "2026-01-01T05:00:00.000Z",
      "2026-01-01T20:00:00.000Z",
    ]);
    expect(ats(await preview(cron("0 0 1-7/3,15 * *"), "2026-01-01T00:00:00Z", 4))).toEqual([
      "2026-01-04T00:00:00.000Z",
      "2026-01-07T00:00:00.000Z",
      "2026-01-15T00:00:00.000Z",
      "2026-02-01T00:00:00.000Z",
    ]);
  });

  it("POST /v1/tasks accepts them and schedules the next run on a listed value; a bad item is still named", async () => {
    const before = Date.now();
    const cases: [string, (d: Date) => boolean][] = [
      ["*/15,30-59/10 0 * * *", (d) => d.getUTCHours() === 0 && [0, 15, 30, 40, 45, 50].includes(d.getUTCMinutes())],
      ["0 1-5/2,20 * * *", (d) => d.getUTCMinutes() === 0 && [1, 3, 5, 20].includes(d.getUTCHours())],
      ["0 0 1-7/3,15 * *", (d) => d.getUTCHours() === 0 && d.getUTCMinutes() === 0 && [1, 4, 7, 15].includes(d.getUTCDate())],
    ];
    for (const [expression, onListedValue] of cases) {
      const r = await create(cron(expression));
      expect(r.status, expression).toBe(201);
      expect(r.body.schedule.expression).toBe(expression);
      const next = new Date(r.body.next_run_at);
      expect(next.getTime()).toBeGreaterThan(before);
      expect(onListedValue(next), `${expression}: ${r.body.next_run_at}`).toBe(true);
    }
    expectRefused(
      await create(cron("*/15,30-59/0 0 * * *")),
      "invalid_cron",
      "schedule.expression",
      /minute field "\*\/15,30-59\/0": step "0"/,
    );
  });
});
