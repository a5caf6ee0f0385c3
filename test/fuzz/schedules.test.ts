import fc from "fast-check";
import { RRule } from "rrule";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  SEARCH_HORIZON_DAYS,
  ScheduleError,
  nextOccurrences,
  validateCron,
  validateSchedule,
  validateTimezone,
} from "../../src/domain/schedule";
import type { CronSpec, Schedule } from "../../src/domain/schedule";
import { cronOccurrences } from "../../src/domain/schedule/cron-next";
import type { Case } from "./arbitraries";
import { cases, cronExpr, planCase, rruleText, rruleValidish, schedule, timezone } from "./arbitraries";
import type { Face, Lane, Planned, Res } from "./harness";
import {
  changed,
  checkReply,
  describe as show,
  fuzzBatches,
  makeLanes,
  makeStranger,
  must,
  prepareBadTokens,
  send,
  snapshot,
} from "./harness";

// Cron, RRULE and time-zone strings (issue 6, "Bad input"):
// 1. A corpus of expressions that peer libraries reject is refused on every face that
//    takes such a string, with the face's field named and (where the message is the
//    core's) the cron field or RRULE part at fault named too; nothing is written.
// 2. Generated schedules through POST /v1/schedules/preview and POST /v1/tasks: 200, or a
//    400 whose details name a schedule field and whose message names it too.
// 3. No expression makes the schedule maths loop: each search has a cap, and these tests
//    drive it to its limit and check that it stops there with an answer (nothing, and
//    the API's "never fires" / "no occurrence" error). How long a capped search takes is
//    measured by the benchmarks, not asserted here.
//
// Seeds are fixed. On a failure fast-check prints the seed, the `path` and the
// counterexample; to replay, add `path: "…"` to that property's options.

// ---------- the corpus ----------

/** An expression peer libraries reject, where it comes from, and what the refusal must name. */
type Bad = { text: string; names: RegExp; from: string };

const CC =
  "roccivic/cron-converter test/cron.invalid.string.js (and its Python port Sonic0/cron-converter tests/integration/fixtures/invalid_crons.py)";
const CP = "cron-parser (harrisiirak/cron-parser) field-range tests";
const VIXIE = "cronie / Vixie cron field parsing (out of range, dangling dash)";
const CRONOS = "Cronos (HangfireIO/Cronos) range tests";
const README = "README 'Schedules': seconds, L, W, # and expressions that never fire are refused";
const CRON_CORPUS: Bad[] = [
  { text: "", names: /empty|5 fields/, from: CC },
  { text: "0", names: /1 field.*5 fields/, from: CC },
  { text: "0 0 0 0 0", names: /day-of-month/, from: CC },
  { text: "0 0 0 1 0", names: /day-of-month/, from: CC },
  { text: "0 0 1 0 0", names: /month/, from: CC },
  { text: "/ / / / /", names: /minute/, from: CC },
  { text: "60 5 5 5 5", names: /minute/, from: CC },
  { text: "/5 5 5 5 5", names: /minute/, from: CC },
  { text: "10-5/5 5 5 5 5", names: /minute/, from: CC },
  { text: "* * 0 * *", names: /day-of-month/, from: CC },
  { text: "* * * 0 *", names: /month/, from: CC },
  { text: "0/5/5 * * 0 *", names: /minute/, from: CC },
  { text: "* 1-12/0 * * *", names: /hour/, from: CC },
  { text: "5/a * * * *", names: /minute/, from: CC },
  { text: "5/ * * * *", names: /minute/, from: CC },
  { text: "61 * * * *", names: /minute/, from: CP },
  { text: "-1 * * * *", names: /minute/, from: CP },
  { text: "- * * * *", names: /minute/, from: CP },
  { text: "* 24 * * *", names: /hour/, from: CP },
  { text: "* * 32 * *", names: /day-of-month/, from: CP },
  { text: "* * * 13 *", names: /month/, from: CP },
  { text: "* * * * 8", names: /day-of-week/, from: CP },
  { text: "99 100 2 100 101", names: /minute/, from: VIXIE },
  { text: "1- 1- 1- 1- 1-", names: /minute/, from: VIXIE },
  { text: "55-99 2 3 4 5", names: /minute/, from: VIXIE },
  { text: "1? 3# %6 2& 0", names: /minute/, from: VIXIE },
  { text: "* * 23-4 * *", names: /day-of-month/, from: CRONOS },
  { text: "* * * 0-4 *", names: /month/, from: CRONOS },
  { text: "* * * *", names: /4 fields.*5 fields/, from: CRONOS },
  { text: "* * * * * * * *", names: /8 fields.*5 fields/, from: CRONOS },
  { text: "* * * * * *", names: /6 fields.*seconds/, from: README },
  { text: "0 0 12 * * ? 2026", names: /7 fields.*seconds/, from: README },
  { text: "0 0 L * *", names: /day-of-month.*"L"/, from: README },
  { text: "0 0 15W * *", names: /day-of-month.*"W"/, from: README },
  { text: "0 0 LW * *", names: /day-of-month.*"LW"/, from: README },
  { text: "0 0 * * 5#3", names: /day-of-week.*"#"/, from: README },
  { text: "0 0 * * 5L", names: /day-of-week.*"L"/, from: README },
  { text: "0 0 30 2 *", names: /never fires.*day-of-month.*month/, from: README },
  { text: "0 0 31 4,6,9,11 *", names: /never fires.*day-of-month.*month/, from: README },
  { text: "0 0 30,31 2 *", names: /never fires.*day-of-month.*month/, from: README },
  { text: "@reboot", names: /macro/, from: README },
  { text: "@every 5m", names: /macro/, from: README },
  { text: "0 0 * JANUARY *", names: /month/, from: README },
  { text: "0 0 * * MONDAY", names: /day-of-week/, from: README },
  { text: "*/0 * * * *", names: /minute.*step/, from: README },
  { text: "1.5 * * * *", names: /minute/, from: README },
];

const DATEUTIL = "dateutil/dateutil tests/test_rrule.py (testStrInvalidUntil, testBadBySetPos, testBadBySetPosMany, testInvalidNthWeekday)";
const RFC = "RFC 5545 §3.3.10 (rejected by ical.js, libical, python-icalendar)";
const RRULE_CORPUS: Bad[] = [
  { text: "FREQ=YEARLY;UNTIL=TheCowsComeHome;BYDAY=1TU,-1TH", names: /UNTIL/, from: DATEUTIL },
  { text: "FREQ=MONTHLY;COUNT=1;BYSETPOS=0", names: /BYSETPOS/, from: DATEUTIL },
  { text: "FREQ=MONTHLY;COUNT=1;BYDAY=MO;BYSETPOS=-1,0,1", names: /BYSETPOS/, from: DATEUTIL },
  { text: "FREQ=MONTHLY;BYDAY=0MO", names: /BYDAY/, from: DATEUTIL },
  { text: "FREQ=WEEKLY;BYDAY=-1OK", names: /BYDAY/, from: DATEUTIL },
  { text: "BYDAY=MO", names: /FREQ/, from: RFC },
  { text: "FREQ=FORTNIGHTLY", names: /FREQ/, from: RFC },
  { text: "FREQ=DAILY;COUNT=3;UNTIL=20301231T000000Z", names: /COUNT.*UNTIL/, from: RFC },
  { text: "FREQ=WEEKLY;BYMONTHDAY=1", names: /BYMONTHDAY/, from: RFC },
  { text: "FREQ=DAILY;BYWEEKNO=1", names: /BYWEEKNO/, from: RFC },
  { text: "FREQ=MONTHLY;BYYEARDAY=1", names: /BYYEARDAY/, from: RFC },
  { text: "FREQ=WEEKLY;BYDAY=1MO", names: /BYDAY/, from: RFC },
  { text: "FREQ=MONTHLY;BYMONTHDAY=32", names: /BYMONTHDAY/, from: RFC },
  { text: "FREQ=YEARLY;BYMONTH=13", names: /BYMONTH/, from: RFC },
  { text: "FREQ=DAILY;BYHOUR=24", names: /BYHOUR/, from: RFC },
  { text: "FREQ=DAILY;BYMINUTE=60", names: /BYMINUTE/, from: RFC },
  { text: "FREQ=YEARLY;BYWEEKNO=54", names: /BYWEEKNO/, from: RFC },
  { text: "FREQ=YEARLY;BYYEARDAY=367", names: /BYYEARDAY/, from: RFC },
  { text: "FREQ=DAILY;INTERVAL=0", names: /INTERVAL/, from: RFC },
  { text: "FREQ=DAILY;INTERVAL=-1", names: /INTERVAL/, from: RFC },
  { text: "FREQ=DAILY;COUNT=0", names: /COUNT/, from: RFC },
  { text: "FREQ=DAILY;WKST=XX", names: /WKST/, from: RFC },
  { text: "FREQ=DAILY;FREQ=WEEKLY", names: /FREQ.*twice/, from: RFC },
  { text: "FREQ=SECONDLY", names: /SECONDLY/, from: README },
  { text: "FREQ=DAILY;BYSECOND=5", names: /BYSECOND/, from: README },
  { text: "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", names: /BYMONTHDAY=30 never occurs in BYMONTH=2/, from: README },
];

const TZDB = "the tz database's 'backward' links and abbreviations (README: refused)";
const TZ_CORPUS: Bad[] = [
  { text: "EST", names: /EST/, from: TZDB },
  { text: "GMT", names: /GMT/, from: TZDB },
  { text: "PST8PDT", names: /PST8PDT/, from: TZDB },
  { text: "US/Eastern", names: /US\/Eastern/, from: TZDB },
  { text: "UTC+3", names: /UTC\+3/, from: TZDB },
  { text: "Mars/Olympus", names: /Mars\/Olympus/, from: TZDB },
  { text: "Europe/Lond", names: /Europe\/Lond/, from: TZDB },
  { text: "../../etc/localtime", names: /etc\/localtime/, from: TZDB },
  { text: "America/New_York ", names: /America\/New_York/, from: TZDB },
  { text: "Etc/GMT+5", names: /Etc\/GMT\+5/, from: TZDB },
];

// ---------- the faces that take a schedule string ----------

let lanes: Lane[] = [];
let stranger: { org: string; jwt: string };
let generated = 0;
const MIN_CASES = 1_200;

const NS = {
  name: "ns-corpus",
  task_type: "health_check",
  cron_expression: "*/5 * * * *",
  timezone: "UTC",
  parameters: { targets: [{ name: "a", url: "https://a.example.net/health" }] },
};
const PLATFORM = { name: "pf-corpus", type: "health-check", projectId: "production", cronExpression: "0 5 * * 0", timezone: "UTC" };
const FLOW = {
  title: "flow-corpus",
  description: "d",
  schedule_kind: "cron",
  schedule_expr: "0 2 * * *",
  timezone: "UTC",
  payload: { a: 1 },
  created_by: "5f0c7a0e-2b1d-4c3e-9f8a-1b2c3d4e5f60",
};
const KUBIYA = {
  task_description: "Post the on-call summary",
  selected_agent: "devops-agent",
  channel_id: "C1",
  cron_string: "0 9 * * MON-FRI",
};
const AGENTS = { name: "Daily Report", type: "cron", cron_expression: "0 9 * * *", callback_type: "workflow", callback_id: "workflow-456" };

/** One face's way of sending a schedule string, and how its refusal names the field. */
type Door = { face: Face; method: string; path: string; body: (text: string) => unknown; field: string; auth?: "userkey" };
const preview = (s: Record<string, unknown>) => ({ schedule: s, count: 3, after: "2026-01-01T00:00:00Z" });
const CRON_DOORS: Door[] = [
  {
    face: "v1",
    method: "POST",
    path: "/v1/schedules/preview",
    body: (x) => preview({ kind: "cron", expression: x, timezone: "UTC" }),
    field: "schedule.expression",
  },
  {
    face: "v1",
    method: "POST",
    path: "/v1/tasks",
    body: (x) => ({
      name: "corpus",
      type: "http",
      parameters: { url: "https://example.com/hook" },
      schedule: { kind: "cron", expression: x },
    }),
    field: "schedule.expression",
  },
  {
    face: "netstacks",
    method: "POST",
    path: "/api/tasks/schedules",
    body: (x) => ({ ...NS, cron_expression: x }),
    field: "cron_expression",
  },
  { face: "platform", method: "POST", path: "/api/v1/tasks", body: (x) => ({ ...PLATFORM, cronExpression: x }), field: "cronExpression" },
  { face: "agentflow", method: "POST", path: "/tasks", body: (x) => ({ ...FLOW, schedule_expr: x }), field: "schedule_expr" },
  // Two corpus entries mean something else to Kubiya (kubiyaReadsOtherwise): they are not sent here.
  {
    face: "kubiya",
    method: "POST",
    path: "/api/v1/scheduled_tasks",
    body: (x) => ({ ...KUBIYA, cron_string: x }),
    field: "cron_string",
    auth: "userkey",
  },
  {
    face: "agents",
    method: "POST",
    path: "/api/agents/agent-corpus/schedules",
    body: (x) => ({ ...AGENTS, cron_expression: x }),
    field: "cron_expression",
  },
];
const RRULE_DOORS: Door[] = [
  {
    face: "v1",
    method: "POST",
    path: "/v1/schedules/preview",
    body: (x) => preview({ kind: "rrule", rule: x, timezone: "UTC", dtstart: "2026-01-01T09:00" }),
    field: "schedule.rule",
  },
  {
    face: "agentflow",
    method: "POST",
    path: "/tasks",
    body: (x) => ({ ...FLOW, schedule_kind: "rrule", schedule_expr: x }),
    field: "schedule_expr",
  },
];
const TZ_DOORS: Door[] = [
  {
    face: "v1",
    method: "POST",
    path: "/v1/schedules/preview",
    body: (x) => preview({ kind: "cron", expression: "0 9 * * *", timezone: x }),
    field: "schedule.timezone",
  },
  { face: "netstacks", method: "POST", path: "/api/tasks/schedules", body: (x) => ({ ...NS, timezone: x }), field: "timezone" },
  { face: "platform", method: "POST", path: "/api/v1/tasks", body: (x) => ({ ...PLATFORM, timezone: x }), field: "timezone" },
  { face: "agentflow", method: "POST", path: "/tasks", body: (x) => ({ ...FLOW, timezone: x }), field: "timezone" },
  {
    face: "agents",
    method: "POST",
    path: "/api/agents/agent-corpus/schedules",
    body: (x) => ({ ...AGENTS, timezone: x }),
    field: "timezone",
  },
];

/** The field a face's refusal names (its details, or for 001 its documented message) and the message text. */
function refusal(face: Face, r: Res): { fields: string[]; message: string } {
  const b = r.body;
  switch (face) {
    case "v1":
      return { fields: (b.error.details ?? []).map((d: any) => d.path), message: b.error.message };
    case "netstacks":
      return { fields: b.error.details ? [b.error.details.field] : [], message: b.error.message };
    case "platform":
      return {
        fields: /^Invalid cron expression$/.test(b.error) ? ["cronExpression"] : /^Invalid timezone/.test(b.error) ? ["timezone"] : [],
        message: b.error,
      };
    case "agentflow":
      return { fields: (b.error.details ?? []).map((d: any) => d.path), message: b.error.message };
    case "kubiya":
      return { fields: (b.details ?? []).map((d: any) => d.path), message: b.msg };
    case "agents":
      return { fields: (b.details ?? []).map((d: any) => d.path), message: b.error };
  }
}

/**
 * Kubiya (README 003) reads an empty cron_string as a one-time task, and drops the last
 * field of a six-field cron when it is "*" (its Terraform provider's year): not refusals.
 */
function kubiyaReadsOtherwise(text: string): boolean {
  const fields = text.trim().split(/\s+/);
  return text.trim() === "" || (fields.length === 6 && fields[5] === "*");
}

/**
 * Sends every corpus entry through every door (concurrently, one lane per request) and
 * checks: a 4xx in the face's shape, the face's field named, and unless the face's
 * message is fixed (001 says "Invalid cron expression" for any cron problem, as
 * documented) or the refusal is of the body's shape (empty string), the part at fault named.
 */
async function refuseAll(corpus: Bad[], doors: Door[]) {
  const jobs = doors.flatMap((door) =>
    corpus.filter((b) => !(door.face === "kubiya" && kubiyaReadsOtherwise(b.text))).map((bad) => ({ door, bad })),
  );
  const orgs = lanes.map((l) => l.org);
  const before = await snapshot(orgs);
  for (let i = 0; i < jobs.length; i += lanes.length) {
    await Promise.all(
      jobs.slice(i, i + lanes.length).map(async ({ door, bad }, j) => {
        const lane = lanes[j]!;
        const authz = door.auth === "userkey" ? `UserKey ${lane.key}` : `Bearer ${lane.jwt}`;
        const req = {
          method: door.method,
          path: door.path,
          headers: { authorization: authz, "content-type": "application/json" },
          body: JSON.stringify(door.body(bad.text)),
        };
        generated++;
        const r = await send(req);
        checkReply(door.face, req, r);
        const what = `${JSON.stringify(bad.text)} (${bad.from}) via ${show(req)} → ${r.status} ${r.text.slice(0, 300)}`;
        expect(r.status, what).toBeGreaterThanOrEqual(400);
        const { fields, message } = refusal(door.face, r);
        expect(fields, `the refusal does not name ${door.field}: ${what}`).toContain(door.field);
        const fixed = door.face === "platform" && door.field === "cronExpression";
        const shapeOnly = bad.text === "" && door.face !== "v1";
        if (!fixed && !shapeOnly)
          expect(`${message} ${JSON.stringify(r.body)}`, `the refusal does not name the part at fault: ${what}`).toMatch(bad.names);
      }),
    );
  }
  const after = await snapshot(orgs);
  for (const l of lanes) expect(changed(before, after, l.org), `a refused expression wrote in ${l.org}`).toBeNull();
}

// ---------- generated schedules through the API ----------

/** Words a refusal uses for each schedule field. */
const FIELD_WORDS: Record<string, RegExp> = {
  "schedule.expression": /cron|minute|hour|day-of-month|month|day-of-week|macro|field/i,
  "schedule.rule": /rule|FREQ|INTERVAL|COUNT|UNTIL|BY[A-Z]+|WKST/,
  "schedule.timezone": /zone|timezone|IANA/i,
  "schedule.dtstart": /dtstart/,
  "schedule.at": /\bat\b/,
  "schedule.delay_seconds": /delay_seconds/,
  "schedule.event": /event/,
  "schedule.kind": /kind/,
};

/** A 400 about a schedule must name the field in its details and say what is wrong with it in words about that field. */
function namesTheField(c: Case, _p: Planned, r: Res) {
  if (r.status !== 400) return;
  const e = r.body.error;
  if (!["invalid_cron", "invalid_rrule", "invalid_timezone", "invalid_schedule"].includes(e.code)) return; // not about the schedule
  const d = e.details?.[0];
  expect(d?.path, `no field named for ${c.body.raw?.slice(0, 300)}: ${r.text.slice(0, 300)}`).toMatch(/^schedule\./);
  const words = FIELD_WORDS[d.path];
  if (words) expect(e.message, `the message does not name ${d.path}: ${r.text.slice(0, 300)}`).toMatch(words);
}

/** 200 answers of the preview: at most `count` runs, strictly ascending. */
function previewAnswer(c: Case, p: Planned, r: Res) {
  namesTheField(c, p, r);
  if (r.status !== 200) return;
  const at = (r.body.occurrences as { at: string; skipped?: boolean }[]).map((o) => Date.parse(o.at));
  for (let i = 1; i < at.length; i++) expect(at[i]!, `occurrences out of order: ${r.text.slice(0, 300)}`).toBeGreaterThan(at[i - 1]!);
}

const SPECIAL = { schedule, expression: cronExpr, rule: rruleText, timezone };

// ---------- the caps of the schedule maths ----------

/** A cron spec that counts the days its search examines (the search reads `domStar` once per day of a selected month). */
function counting(spec: CronSpec): { spec: CronSpec; days: () => number } {
  let days = 0;
  const wrapped = new Proxy(spec, {
    get(target, key, receiver) {
      if (key === "domStar") days++;
      return Reflect.get(target, key, receiver);
    },
  });
  return { spec: wrapped, days: () => days };
}

/**
 * The most library periods one RRULE search may walk, whatever the rule, its dtstart, its
 * time zone or `after`: six search horizons of days. The largest search the horizon alone
 * allows (a MINUTELY rule with COUNT=10000 that never fires: about 4,030 days + 10,000 +
 * 5,760 periods) stays under it; a count of periods that grows with the distance from
 * dtstart to `after` does not (a DAILY rule with COUNT and a dtstart in the year 1000: 378,000).
 */
const MAX_PERIODS = 6 * SEARCH_HORIZON_DAYS;

type Walk = { periods: number; stoppedAtCap: boolean };
const walks: Walk[] = [];
const STEP_BUDGET = new Error("rrule search exceeded MAX_PERIODS");
const originalAll = RRule.prototype.all;

/**
 * Observes every search of the rrule library: counts the periods it walks (it reads
 * `options.interval` once up front and twice per period, which is also what the
 * maths' own cap counts), notes whether the maths' cap ended it, and ends it itself
 * past MAX_PERIODS (so a runaway search fails fast, not slowly).
 */
function observeRrule() {
  RRule.prototype.all = function (this: RRule, iterator?: (d: Date, len: number) => boolean) {
    const options = this.options as unknown as Record<string, unknown>;
    const inner = Object.getOwnPropertyDescriptor(options, "interval")!;
    const walk: Walk = { periods: 0, stoppedAtCap: false };
    walks.push(walk);
    let reads = 0;
    Object.defineProperty(options, "interval", {
      configurable: true,
      enumerable: true,
      get: () => {
        reads++;
        walk.periods = Math.floor(reads / 2);
        if (walk.periods > MAX_PERIODS) throw STEP_BUDGET;
        return inner.get ? inner.get.call(options) : inner.value;
      },
    });
    try {
      return originalAll.call(this, iterator as never);
    } catch (e) {
      if (e instanceof Error && e.message === "rrule search horizon reached") walk.stoppedAtCap = true;
      throw e;
    }
  } as typeof RRule.prototype.all;
}

const rruleSchedule = (rule: string, dtstart: string, tz = "UTC"): Schedule => ({ kind: "rrule", rule, timezone: tz, dtstart });
const isScheduleError = (e: unknown, field: string) => e instanceof ScheduleError && e.field === field;

describe("cron, RRULE and time-zone strings", () => {
  beforeAll(async () => {
    lanes = await makeLanes("schedules", 12, async (lane) => {
      await must(
        "POST",
        "/v1/projects",
        { authorization: `Bearer ${lane.jwt}` },
        { id: "production", name: "Production", url: "https://production.example.com/" },
      );
    });
    stranger = await makeStranger("schedules");
    await prepareBadTokens(lanes[0]!.org);
    observeRrule();
  }, 60_000);
  afterAll(() => {
    RRule.prototype.all = originalAll;
  });

  it("every peer-rejected cron expression is refused on all six faces, naming the field and the cron field at fault; nothing is written", {
    timeout: 60_000,
  }, async () => {
    await refuseAll(CRON_CORPUS, CRON_DOORS);
  });

  it("every peer-rejected RRULE is refused (POST /v1/schedules/preview, 002 /tasks), naming the field and the RRULE part at fault; nothing is written", {
    timeout: 60_000,
  }, async () => {
    await refuseAll(RRULE_CORPUS, RRULE_DOORS);
  });

  it("every refused time zone is refused on the five faces that take one, naming the field and the zone; nothing is written", {
    timeout: 60_000,
  }, async () => {
    await refuseAll(TZ_CORPUS, TZ_DOORS);
  });

  it("generated schedules through POST /v1/schedules/preview: 200 in order, or a 400 naming the schedule field; never a 5xx, a hang or a write", {
    timeout: 120_000,
  }, async () => {
    await fuzzBatches({
      lanes,
      frozen: [stranger.org],
      cases: cases([
        {
          face: "v1",
          method: "POST",
          path: "/v1/schedules/preview",
          body: preview({ kind: "cron", expression: "*/5 * * * *", timezone: "UTC" }),
          special: SPECIAL,
        },
      ]),
      plan: (c, lane) => planCase(c, lane, stranger),
      check: previewAnswer,
      seed: 60621,
      batches: 60,
      count: () => generated++,
    });
  });

  it("generated schedules through POST /v1/tasks: 201, or a 4xx in the /v1 shape naming the schedule field and writing nothing", {
    timeout: 120_000,
  }, async () => {
    await fuzzBatches({
      lanes,
      frozen: [stranger.org],
      cases: cases([
        {
          face: "v1",
          method: "POST",
          path: "/v1/tasks",
          body: {
            name: "sched",
            type: "http",
            parameters: { url: "https://example.com/hook" },
            schedule: { kind: "cron", expression: "0 9 * * *", timezone: "UTC" },
          },
          special: SPECIAL,
        },
      ]),
      plan: (c, lane) => planCase(c, lane, stranger),
      check: namesTheField,
      seed: 60622,
      batches: 30,
      count: () => generated++,
    });
  });

  it("cron search cap: it examines at most SEARCH_HORIZON_DAYS + 1 days, and an expression matching no day ends there with no occurrence", () => {
    // No valid expression can be used here: the validator refuses every one that never fires.
    const never = counting({
      expression: "0 0 32 * *",
      minutes: [0],
      hours: [0],
      daysOfMonth: [32],
      months: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
      daysOfWeek: [0, 1, 2, 3, 4, 5, 6],
      domStar: false,
      dowStar: true,
      interval: false,
    });
    for (const after of [Date.UTC(2026, 0, 1), Date.UTC(9999, 11, 31), Date.UTC(1970, 0, 1)]) {
      const before = never.days();
      expect(cronOccurrences(never.spec, "Australia/Lord_Howe", { gap: "shift", repeat: "auto" }, after, 100)).toEqual([]);
      expect(never.days() - before).toBe(SEARCH_HORIZON_DAYS + 1);
    }
  });

  it("cron: every day-of-month/month pair that never exists (0 0 30 2 *, …) is refused before any search, naming both fields", () => {
    const last = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let refused = 0;
    for (let m = 1; m <= 12; m++) {
      for (let d = last[m - 1]! + 1; d <= 31; d++) {
        for (const dow of ["*", "?"]) {
          const expr = `0 0 ${d} ${m} ${dow}`;
          expect(() => validateCron(expr), expr).toThrow(/never fires: day-of-month .* month field/);
          expect(() => validateSchedule({ kind: "cron", expression: expr, timezone: "UTC" }, Date.now()), expr).toThrow(ScheduleError);
          refused++;
        }
      }
    }
    expect(refused).toBe(2 * (2 + 1 + 1 + 1 + 1)); // Feb 30-31, Apr/Jun/Sep/Nov 31
  });

  it("generated cron expressions, zones and instants: the search stays within SEARCH_HORIZON_DAYS + 1 days and answers in order", () => {
    fc.assert(
      fc.property(
        cronExpr,
        timezone,
        fc.date({ noInvalidDate: true, min: new Date("1970-01-01T00:00:00Z"), max: new Date("9999-01-01T00:00:00Z") }),
        fc.integer({ min: 1, max: 100 }),
        (expr, tz, after, n) => {
          let spec: CronSpec;
          let zone: string;
          try {
            spec = validateCron(expr);
            zone = validateTimezone(tz);
          } catch (e) {
            expect(isScheduleError(e, "schedule.expression") || isScheduleError(e, "schedule.timezone"), String(e)).toBe(true);
            return;
          }
          const c = counting(spec);
          const occ = cronOccurrences(c.spec, zone, { gap: "shift", repeat: "auto" }, after.getTime(), n);
          expect(c.days()).toBeLessThanOrEqual(SEARCH_HORIZON_DAYS + 1);
          expect(occ.filter((o) => !o.skipped).length).toBeLessThanOrEqual(n);
          for (let i = 1; i < occ.length; i++) expect(occ[i]!.at).toBeGreaterThan(occ[i - 1]!.at);
        },
      ),
      { seed: 60623, numRuns: 400 },
    );
  });

  it("rrule search cap: a rule that does not fire within the horizon, at every frequency, stops within the cap with no occurrence, and is refused as having no occurrence", () => {
    const freqs = ["YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY"];
    for (const freq of freqs) {
      for (const interval of [1, 7, 1000]) {
        // WEEKLY takes no BYMONTHDAY: its never-firing rule asks for the 2nd Monday of a week.
        // The others ask for a Monday February 29th, which next comes in 2044, past the horizon
        // (a day that never exists, such as February 30, is refused before any search).
        const rule =
          freq === "WEEKLY"
            ? `FREQ=WEEKLY;INTERVAL=${interval};BYDAY=MO;BYSETPOS=2`
            : `FREQ=${freq};INTERVAL=${interval};BYMONTH=2;BYMONTHDAY=29;BYDAY=MO`;
        walks.length = 0;
        expect(nextOccurrences(rruleSchedule(rule, "2026-01-01T00:00"), Date.UTC(2026, 0, 1), 100, 0), rule).toEqual([]);
        expect(walks.length, rule).toBe(1);
        // It ends at the cap, or where the library first steps past the horizon (the 2044 date).
        expect(walks[0]!.periods, rule).toBeLessThanOrEqual(MAX_PERIODS);
        expect(() => validateSchedule({ kind: "rrule", rule, timezone: "UTC" } as Schedule, Date.now()), rule).toThrow(
          /no occurrence after now within the next 11 years/,
        );
      }
    }
  });

  it("rrule search cap: a dtstart centuries before `after` does not lengthen the search (refused on schedule.dtstart instead)", () => {
    const far: [string, string][] = [
      ["FREQ=DAILY;COUNT=5;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO", "1000-01-01T00:00"], // walks from 1000 until the cap: refused
      ["FREQ=WEEKLY;COUNT=10000;BYMONTH=4", "1100-04-26T23:59"], // fires in 2027 but only a walk from 1100 could tell: refused at the cap
      ["FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=29", "0100-01-01T00:00"], // more months than the cap, but no COUNT: moved forward by whole periods, answered
      ["FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "0100-01-01T00:00"], // 1926 years: walked, answered
    ];
    const over: string[] = [];
    const refused: string[] = [];
    for (const [rule, dtstart] of far) {
      walks.length = 0;
      try {
        nextOccurrences(rruleSchedule(rule, dtstart), Date.UTC(2026, 0, 1), 1, 0);
      } catch (e) {
        if (isScheduleError(e, "schedule.dtstart")) {
          expect((e as Error).message).toMatch(/dtstart is too far before now for this rule/);
          refused.push(rule);
        } else if (e !== STEP_BUDGET) throw e;
      }
      if (walks.some((w) => w.periods > MAX_PERIODS)) over.push(`${rule} from ${dtstart}`);
    }
    expect(over, `searches that walked more than ${MAX_PERIODS} library periods`).toEqual([]);
    // The two COUNT rules are refused on schedule.dtstart (COUNT counts from dtstart: only a walk
    // from it can tell); the MONTHLY and YEARLY ones start at the last whole period before `after`.
    expect(refused).toEqual([far[0]![0], far[1]![0]]);
  });

  it("generated rules, zones, dtstarts and instants: every rrule search walks at most MAX_PERIODS library periods, wherever dtstart lies", () => {
    const oldOrNew = fc.oneof(
      fc.date({ noInvalidDate: true, min: new Date("2000-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z") }),
      fc.date({ noInvalidDate: true, min: new Date("1000-01-01T00:00:00Z"), max: new Date("1999-12-31T00:00:00Z") }),
    );
    fc.assert(
      fc.property(
        fc.oneof({ weight: 4, arbitrary: rruleValidish }, rruleText),
        timezone,
        oldOrNew.map((d) => d.toISOString().slice(0, 16)),
        fc.date({ noInvalidDate: true, min: new Date("2000-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z") }),
        fc.integer({ min: 1, max: 100 }),
        (rule, tz, dtstart, after, n) => {
          walks.length = 0;
          try {
            nextOccurrences(rruleSchedule(rule, dtstart, tz), after.getTime(), n, after.getTime());
          } catch (e) {
            if (e === STEP_BUDGET)
              throw new Error(
                `${rule} from ${dtstart} (${tz}) after ${after.toISOString()}: the search walked more than ${MAX_PERIODS} library periods`,
              );
            expect(e instanceof ScheduleError, String(e)).toBe(true);
          }
          for (const w of walks) expect(w.periods).toBeLessThanOrEqual(MAX_PERIODS);
        },
      ),
      // No shrinking: every step of it would run a capped search again. The counterexample
      // printed is the first failing input, replayable as is.
      { seed: 60624, numRuns: 300, endOnFailure: true },
    );
  });

  it("generated time-zone strings: a zone with an offset, or refused as invalid_timezone on schedule.timezone naming the zone", () => {
    fc.assert(
      fc.property(fc.oneof(timezone, fc.string({ unit: "grapheme", maxLength: 40 })), (tz) => {
        try {
          const zone = validateTimezone(tz);
          expect(nextOccurrences({ kind: "cron", expression: "0 12 * * *", timezone: zone }, Date.UTC(2026, 0, 1), 1, 0)).toHaveLength(1);
        } catch (e) {
          expect(isScheduleError(e, "schedule.timezone"), String(e)).toBe(true);
          expect((e as Error).message).toContain(tz.trim() === "" ? "timezone is empty" : `"${tz}"`);
        }
      }),
      { seed: 60625, numRuns: 500 },
    );
  });

  it(`sent at least ${MIN_CASES} generated and corpus requests with schedule strings`, () => {
    console.log(`${generated} requests with schedule strings`);
    expect(generated).toBeGreaterThanOrEqual(MIN_CASES);
  });
});
