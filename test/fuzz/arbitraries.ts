import fc from "fast-check";
import type { Cred, Face, Lane, Planned, Req } from "./harness";
import { credHeaders } from "./harness";

// Generators of the bad-input property suite (issue 6, "Bad input"): request bodies,
// content types, credentials, headers, query strings, path ids, and cron / RRULE /
// time-zone strings. Every generator is driven by fast-check with a fixed seed.

// ---------- scalars ----------

const deep = (n: number, leaf: unknown) => {
  let v: unknown = leaf;
  for (let i = 0; i < n; i++) v = i % 2 ? [v] : { a: v };
  return v;
};

export const HUGE = "x".repeat(300 * 1024); // over the 256 KiB limit
export const BIG = "é".repeat(20_000);

/** Awkward scalar values: wrong types, edge numbers, unicode, long strings. */
export const weird: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    -1,
    1,
    1e308,
    -1e308,
    2 ** 53 + 1,
    0.5,
    -0,
    "",
    " ",
    "null",
    "true",
    "0",
    "-1",
    "NaN",
    "Infinity",
    "\u0000",
    "\u202e\ufeff",
    "💥🔥",
    "../../etc/passwd",
    "%00",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "\ud800",
    "a".repeat(5000),
    BIG,
    "2026-02-30T00:00:00Z",
    "9999-99-99",
    "*/0 * * * *",
    "0 0 30 2 *",
    "Mars/Olympus",
    [],
    {},
    [null],
    { __proto__: null },
    { constructor: 1 },
    "__proto__",
    "toString",
    "http://169.254.169.254/latest/meta-data",
    "file:///etc/passwd",
    "javascript:alert(1)",
  ),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 3 }),
);

// ---------- cron, RRULE and time-zone strings ----------

const CRON_FIELD = fc.oneof(
  fc.constantFrom(
    "*",
    "?",
    "L",
    "W",
    "#",
    "0",
    "7",
    "59",
    "60",
    "23",
    "24",
    "31",
    "32",
    "12",
    "13",
    "*/0",
    "*/15",
    "1-60",
    "5-1",
    "MON-FRI",
    "jan",
    "1,2,3",
    "",
    "5/20",
    "1-23/2",
    "L-2",
    "15W",
    "5#3",
    "1,,2",
    "-1",
    "1-",
    "/5",
    "*/5/2",
    "0x10",
    "1.5",
    "٣",
    "JANUARY",
    "MONDAY",
    "mon-sun",
    "sun,sat",
    "?/2",
    "H",
  ),
  fc.integer({ min: -5, max: 100 }).map(String),
  fc
    .tuple(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 0, max: 70 }), fc.integer({ min: 0, max: 70 }))
    .map(([a, b, s]) => `${a}-${b}/${s}`),
  fc.string({ maxLength: 4 }),
);
/** Cron expressions: mostly 5 fields of valid and invalid parts, some other field counts, macros and noise. */
export const cronExpr: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.array(CRON_FIELD, { minLength: 5, maxLength: 5 }).map((f) => f.join(" ")) },
  { weight: 2, arbitrary: fc.array(CRON_FIELD, { minLength: 1, maxLength: 8 }).map((f) => f.join(" ")) },
  fc.constantFrom(
    "@hourly",
    "@daily",
    "@weekly",
    "@monthly",
    "@yearly",
    "@annually",
    "@midnight",
    "@reboot",
    "@every 5m",
    "@minutely",
    "@HOURLY",
    "@",
  ),
  fc.constantFrom("*/5 * * * *", "0 9 * * MON-FRI", "30 2 * * *", "0 0 29 2 *", "0 0 31 * *", "0 0 30 2 *", "59 23 31 12 *", "0 0 * * 7"),
  fc.string({ unit: "grapheme", maxLength: 30 }),
);

const WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
const list = (min: number, max: number, n = 3) =>
  fc.array(fc.integer({ min, max }), { minLength: 1, maxLength: n }).map((a) => a.join(","));
/** RRULE text: structured parts (in and out of range, sensible and nonsensical combinations) and noise. */
export const rruleText: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .record(
        {
          FREQ: fc.constantFrom("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY", "SECONDLY", "NEVER", "daily", ""),
          INTERVAL: fc.oneof(fc.integer({ min: -1, max: 1001 }).map(String), fc.constantFrom("1.5", "x", "")),
          COUNT: fc.oneof(fc.integer({ min: -1, max: 10_001 }).map(String), fc.constant("0x5")),
          UNTIL: fc.constantFrom("20200101T000000Z", "20991231T235959Z", "20301231", "20300230T000000", "TheCowsComeHome", ""),
          BYMONTH: list(0, 13),
          BYMONTHDAY: list(-32, 32),
          BYYEARDAY: list(-367, 367, 2),
          BYWEEKNO: list(-54, 54, 2),
          BYDAY: fc
            .array(
              fc
                .tuple(fc.constantFrom("", "", "1", "-1", "5", "53", "+2", "0", "54"), fc.constantFrom(...WEEKDAYS, "XX", "OK"))
                .map(([n, d]) => n + d),
              { minLength: 1, maxLength: 4 },
            )
            .map((a) => a.join(",")),
          BYHOUR: list(0, 25),
          BYMINUTE: list(0, 61),
          BYSECOND: list(0, 61, 2),
          BYSETPOS: list(-400, 400, 2),
          WKST: fc.constantFrom("MO", "SU", "XX"),
        },
        { requiredKeys: [] },
      )
      .chain((parts) =>
        fc.shuffledSubarray(Object.entries(parts), { minLength: Object.keys(parts).length, maxLength: Object.keys(parts).length }),
      )
      .map((entries) => entries.map(([k, v]) => `${k}=${v}`).join(";")),
  },
  fc.constantFrom(
    "FREQ=WEEKLY;BYDAY=MO,WE;BYHOUR=9;BYMINUTE=0",
    "RRULE:FREQ=DAILY",
    "FREQ=DAILY;;",
    "FREQ=DAILY;FREQ=WEEKLY",
    "DTSTART:20260101T090000\nRRULE:FREQ=DAILY",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=HOURLY;INTERVAL=7;BYHOUR=1",
    "FREQ=MINUTELY;INTERVAL=7;BYHOUR=9",
    "FREQ=MINUTELY;INTERVAL=45;BYMINUTE=10",
  ),
  fc.string({ maxLength: 40 }),
);

/**
 * RRULE text that is mostly valid (in-range values, combinations RFC 5545 allows), so the
 * search itself runs: rules that fire often, rarely, or never, with COUNT or UNTIL.
 */
export const rruleValidish: fc.Arbitrary<string> = fc
  .record(
    {
      freq: fc.constantFrom("YEARLY", "MONTHLY", "WEEKLY", "DAILY", "HOURLY", "MINUTELY"),
      // Up to the per-frequency bounds (YEARLY 10,000 ... MINUTELY 1,000,000): a large INTERVAL is arithmetic.
      interval: fc.oneof(
        fc.constant(undefined),
        fc.integer({ min: 1, max: 1000 }),
        fc.constantFrom(1, 2, 7, 15, 60, 1001, 10_000, 120_000, 1_000_000),
      ),
      end: fc.oneof(
        fc.constant(""),
        fc.integer({ min: 1, max: 10_000 }).map((n) => `COUNT=${n}`),
        fc.constantFrom("UNTIL=20991231T235959Z", "UNTIL=20200101T000000Z", "UNTIL=20300101"),
      ),
      bymonth: fc.option(list(1, 12)),
      bymonthday: fc.option(
        fc
          .array(
            fc.integer({ min: 1, max: 31 }).chain((d) => fc.constantFrom(d, -d)),
            { minLength: 1, maxLength: 3 },
          )
          .map((a) => a.join(",")),
      ),
      byday: fc.option(fc.array(fc.constantFrom(...WEEKDAYS), { minLength: 1, maxLength: 3 }).map((a) => a.join(","))),
      nth: fc.option(fc.tuple(fc.constantFrom("1", "2", "-1", "5"), fc.constantFrom(...WEEKDAYS)).map(([n, d]) => n + d)),
      byhour: fc.option(list(0, 23)),
      byminute: fc.option(list(0, 59)),
      bysetpos: fc.option(fc.constantFrom("1", "-1", "2", "7", "366")),
    },
    { requiredKeys: ["freq", "end"] },
  )
  .map((r) => {
    const y = r.freq === "YEARLY" || r.freq === "MONTHLY";
    const parts = [`FREQ=${r.freq}`];
    if (r.interval !== undefined) parts.push(`INTERVAL=${r.interval}`);
    if (r.end) parts.push(r.end);
    if (r.bymonth) parts.push(`BYMONTH=${r.bymonth}`);
    if (r.bymonthday && r.freq !== "WEEKLY") parts.push(`BYMONTHDAY=${r.bymonthday}`);
    if (r.nth && y) parts.push(`BYDAY=${r.nth}`);
    else if (r.byday) parts.push(`BYDAY=${r.byday}`);
    if (r.byhour) parts.push(`BYHOUR=${r.byhour}`);
    if (r.byminute) parts.push(`BYMINUTE=${r.byminute}`);
    if (r.bysetpos && parts.some((p) => p.startsWith("BY"))) parts.push(`BYSETPOS=${r.bysetpos}`);
    return parts.join(";");
  });

/** Time zones: real ones (with DST and odd offsets), refused abbreviations and legacy names, and noise. */
export const timezone: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      "UTC",
      "America/New_York",
      "Europe/London",
      "Australia/Lord_Howe",
      "Asia/Kathmandu",
      "Pacific/Chatham",
      "America/Argentina/Buenos_Aires",
    ),
  },
  fc.constantFrom(
    "EST",
    "GMT",
    "PST8PDT",
    "US/Eastern",
    "Mars/Olympus",
    "",
    "UTC+3",
    "America/New_York ",
    "../../etc/localtime",
    "Europe/Lond",
    "america/new_york",
    "Etc/GMT+5",
    "Z",
    "+05:00",
  ),
  fc.string({ maxLength: 20 }),
);

const dtstart = fc.oneof(
  fc.constantFrom(
    "2026-01-01T09:00",
    "2026-13-01T09:00",
    "2026-02-29T09:00",
    "2026-03-08T02:30",
    "x",
    "2026-01-01T09:00Z",
    "2026-01-01 09:00",
  ),
  fc
    .date({ noInvalidDate: true, min: new Date("2000-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z") })
    .map((d) => d.toISOString().slice(0, 16)),
);
const dst = fc.oneof(
  fc.record({ gap: fc.constantFrom("shift", "skip", "bogus"), repeat: fc.constantFrom("auto", "first", "both", 3) }, { requiredKeys: [] }),
  weird,
);

/** A /v1 schedule object: cron, rrule, once, delayed, event and unknown kinds, each with generated strings. */
export const schedule: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant("cron"), expression: cronExpr, timezone, dst }, { requiredKeys: ["kind", "expression"] }),
  },
  {
    weight: 3,
    arbitrary: fc.record(
      { kind: fc.constant("rrule"), rule: fc.oneof(rruleText, rruleValidish), timezone, dtstart, dst },
      { requiredKeys: ["kind", "rule"] },
    ),
  },
  fc.record(
    {
      kind: fc.constantFrom("once", "delayed", "event", "bogus", "CRON", ""),
      at: fc.oneof(
        fc.string({ maxLength: 25 }),
        fc.constantFrom("2099-01-01T00:00:00Z", "2020-01-01T00:00:00Z", "2099-01-01T00:00:00", "2099-02-30T00:00:00Z"),
      ),
      delay_seconds: fc.oneof(fc.integer(), fc.constantFrom(1, 31_536_000, 31_536_001, 0.5)),
      event: fc.oneof(fc.string({ maxLength: 10 }), fc.constant("fuzz-event")),
    },
    { requiredKeys: ["kind"] },
  ),
);

// ---------- bodies ----------

/** A request body: the raw text and the content type to send it with (or none). */
export type Body = { raw?: string; type?: string };

const contentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 10, arbitrary: fc.constant("application/json") },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      "application/json; charset=utf-8",
      "application/merge-patch+json",
      "APPLICATION/JSON",
      "application/json;charset=UTF-8",
    ),
  },
  {
    weight: 4,
    arbitrary: fc.constantFrom<string | undefined>(
      undefined,
      "text/plain",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/xml",
      "application/json; charset=utf-16",
      "*/*",
      "",
      "application/jsonx",
      "json",
      "application/json, text/plain",
    ),
  },
);

/** Extra generators for some keys of a template, used besides `weird` when a key is replaced. */
export type Special = Record<string, fc.Arbitrary<unknown>>;

/** Dotted paths of every leaf of a template (objects only; arrays count as leaves). */
function leaves(o: Record<string, unknown>, prefix = ""): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? [`${prefix}${k}`, ...leaves(v as Record<string, unknown>, `${prefix}${k}.`)]
      : [`${prefix}${k}`],
  );
}
function setPath(o: Record<string, unknown>, path: string, value: unknown, remove: boolean): Record<string, unknown> {
  const copy = structuredClone(o);
  const keys = path.split(".");
  let cur: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) {
    const next = cur[k];
    if (!next || typeof next !== "object") return copy;
    cur = next as Record<string, unknown>;
  }
  const last = keys[keys.length - 1]!;
  if (remove) delete cur[last];
  else Object.defineProperty(cur, last, { value, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** An object mixing a valid template's fields with dropped, wrong and unknown ones (also deep inside). */
export function mixed(template: Record<string, unknown>, special: Special = {}): fc.Arbitrary<Record<string, unknown>> {
  const keys = Object.keys(template);
  const paths = leaves(template);
  const valueFor = (k: string) => {
    const last = k.split(".").pop()!;
    const s = special[k] ?? special[last];
    return s ? fc.oneof({ weight: 2, arbitrary: s }, weird) : weird;
  };
  const top = fc
    .record({
      drop: fc.subarray(keys),
      replace: fc.array(
        fc.constantFrom(...keys).chain((k) => fc.tuple(fc.constant(k), valueFor(k))),
        { maxLength: 3 },
      ),
      extra: fc.dictionary(
        fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("__proto__", "constructor", "id", "org", "org_id", "status", "version")),
        weird,
        { maxKeys: 2 },
      ),
    })
    .map(({ drop, replace, extra }) => {
      let o: Record<string, unknown> = {};
      for (const k of keys) if (!drop.includes(k)) o[k] = template[k];
      for (const [k, v] of replace) o = setPath(o, k, v, false);
      for (const [k, v] of Object.entries(extra)) o = setPath(o, k, v, false);
      return o;
    });
  const inner = fc
    .array(
      fc.constantFrom(...paths).chain((p) => fc.tuple(fc.constant(p), fc.boolean(), valueFor(p))),
      { minLength: 1, maxLength: 3 },
    )
    .map((edits) => edits.reduce((o, [p, remove, v]) => setPath(o, p, v, remove), template));
  return fc.oneof(top, top, inner);
}

/** Bodies for a route whose valid body is `template` (null: a verb that takes no body, which gets garbage). */
export function bodies(template: Record<string, unknown> | null, special: Special = {}): fc.Arbitrary<Body> {
  const json = (a: fc.Arbitrary<unknown>) => fc.tuple(a, contentType).map(([v, type]) => ({ raw: JSON.stringify(v) ?? "null", type }));
  const arms: fc.WeightedArbitrary<Body>[] = [
    { weight: 2, arbitrary: json(fc.anything({ maxDepth: 3, maxKeys: 5 })) },
    { weight: 1, arbitrary: fc.tuple(fc.json({ maxDepth: 3 }), contentType).map(([raw, type]) => ({ raw, type })) },
    { weight: 1, arbitrary: fc.tuple(fc.string({ unit: "grapheme", maxLength: 60 }), contentType).map(([raw, type]) => ({ raw, type })) },
    { weight: 1, arbitrary: json(fc.dictionary(fc.string({ maxLength: 10 }), weird, { maxKeys: 6 })) },
    {
      weight: 1,
      arbitrary: fc.constantFrom<Body>(
        { raw: "", type: "application/json" },
        { raw: "{", type: "application/json" },
        { raw: '{"a":1}{', type: "application/json" },
        { raw: "\ufeff{}", type: "application/json" },
        { raw: "null", type: "application/json" },
        { raw: "[]", type: "application/json" },
        { raw: "{}", type: "application/json" },
        { raw: "1e999999", type: "application/json" },
        { raw: '{"a":1,"a":2}', type: "application/json" },
        { raw: '{"__proto__":{"admin":true}}', type: "application/json" },
        { raw: JSON.stringify({ a: HUGE }), type: "application/json" },
        { raw: JSON.stringify(deep(5000, 1)), type: "application/json" },
        { raw: "[".repeat(20_000), type: "application/json" },
        { raw: undefined, type: undefined },
        { raw: undefined, type: "application/json" },
        { raw: "{}", type: undefined },
      ),
    },
  ];
  if (template) {
    arms.push({ weight: 8, arbitrary: json(mixed(template, special)) });
    arms.push({ weight: 1, arbitrary: json(mixed(template, special).map((o) => ({ ...o, nested: deep(200, "x") }))) });
    arms.push({ weight: 1, arbitrary: fc.constant({ raw: JSON.stringify(template), type: "application/json" }) });
  }
  return fc.oneof(...arms);
}

// ---------- query strings and path ids ----------

/** Values for a query parameter: `valid` ones and awkward ones (some raw, percent-encoding included). */
function queryValue(valid: readonly string[]): fc.Arbitrary<{ v: string; raw?: boolean }> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...(valid.length ? valid : ["1"])).map((v) => ({ v })) },
    fc
      .constantFrom("", "-1", "0", "1e9", "NaN", "201", "1001", "0x10", "1.5", "true ", "TRUE", "null", "9".repeat(400), "a".repeat(5000))
      .map((v) => ({ v })),
    fc.constantFrom("%00", "%zz", "%", "%E0%A4%A", "%F0%9F%92%A5", "a+b", "a%2Cb", "x&y=1").map((v) => ({ v, raw: true })),
    fc.string({ maxLength: 20 }).map((v) => ({ v })),
  );
}

/** Query strings for a route: often empty, else some of `params` (valid or not) and unknown keys, sometimes repeated. */
export function queryFor(params: Record<string, readonly string[]>): fc.Arbitrary<string> {
  const names = Object.keys(params);
  const key = fc.oneof(
    { weight: 4, arbitrary: names.length ? fc.constantFrom(...names) : fc.constant("limit") },
    fc.constantFrom("x", "org", "org_id", "__proto__", "limit[]", "", "%zz"),
  );
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant("") },
    {
      weight: 5,
      arbitrary: fc
        .array(
          key.chain((k) => fc.tuple(fc.constant(k), queryValue(params[k] ?? []))),
          { minLength: 1, maxLength: 4 },
        )
        .map(
          (pairs) =>
            `?${pairs.map(([k, { v, raw }]) => `${k === "%zz" ? k : encodeURIComponent(k)}=${raw ? v : encodeURIComponent(v)}`).join("&")}`,
        ),
    },
    fc.constantFrom("?", "?&&", "?=", "?limit", "?limit=1&limit=2", "?%"),
  );
}

/** Path ids: random strings, uuids, traversal, NULs, very long, unicode (one URL segment, percent-encoded when needed). */
export const pathId: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 }).map(encodeURIComponent),
  fc.uuid().map(String),
  // Not "%2e%2e": URL parsing turns it into "..", so the request reaches another route (the global 404), not the one under test.
  fc.constantFrom(
    "..%2F..%2Fv1%2Fapi-keys",
    "%00",
    "a%00b",
    "x".repeat(101),
    "x".repeat(5000),
    "%F0%9F%92%A5",
    "%ff%fe",
    "%zz",
    "%",
    "null",
    "undefined",
    "0",
    "-1",
    "' OR '1'='1",
    "%27%3B%20DROP%20TABLE%20tasks%3B--",
    "00000000-0000-0000-0000-000000000000",
    "%20",
    "__proto__",
    "constructor",
    "%2F",
    "a;b",
    "a%3Fb=1",
  ),
  fc.string({ unit: "binary", minLength: 1, maxLength: 20 }).map(encodeURIComponent),
);

// ---------- routes and cases ----------

/**
 * One route under test. Each `{name}` in `path` is filled with a seeded record of the lane
 * named in `ids[name]`, or with a generated path id; `@ORG@` in a body or query is
 * the lane's organization. `body`: a template (valid body), null (a verb without a body:
 * it gets garbage), or absent (no body).
 */
export type Route = {
  face: Face;
  /** The method, or several (each case picks one). */
  method: string | string[];
  path: string;
  ids?: Record<string, readonly string[]>;
  body?: Record<string, unknown> | null;
  special?: Special;
  query?: Record<string, readonly string[]>;
  /** The credential the route is meant for (its other credentials are refused). */
  cred?: "admin" | "userkey";
  /** Adjusts a generated body before it is sent (see its use). */
  fix?: (raw: string) => string;
};

/** A generated case. `route` names an entry of the route registry (so a counterexample prints as text). */
export type Case = {
  route: string;
  method: string;
  ids: Record<string, string | { ref: string }>;
  q: string;
  body: Body;
  cred: Cred;
  garbage: string;
  headers: [string, string][];
};

const credential = (route: Route): fc.Arbitrary<Cred> => {
  const usual: Cred = route.cred === "admin" ? "admin" : route.cred === "userkey" ? "userkey" : "jwt";
  return fc.oneof(
    { weight: 14, arbitrary: fc.constant(usual) },
    { weight: 4, arbitrary: fc.constantFrom<Cred>("jwt", "key", "userkey", "xapikey", "admin") },
    {
      weight: 3,
      arbitrary: fc.constantFrom<Cred>(
        "readonly",
        "stranger",
        "none",
        "garbage",
        "wrongScheme",
        "expired",
        "badSignature",
        "algNone",
        "adminNoOrg",
      ),
    },
  );
};

const HEADER_VALUE = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 30 }),
  fc.constantFrom("", "*", 'W/"1"', '"1"', "x".repeat(300)),
);
const extraHeaders = fc.array(
  fc.tuple(
    fc.constantFrom("x-request-id", "if-match", "x-org-id", "accept", "x-api-key", "x-forwarded-for", "content-encoding", "origin"),
    HEADER_VALUE,
  ),
  { maxLength: 2 },
);

const PLACEHOLDER = /\{(\w+)\}/g;

const registry = new Map<string, Route>();
/** Registers a route under a readable, unique name. */
function named(route: Route): string {
  const methods = typeof route.method === "string" ? route.method : route.method.join("|");
  let name = `${route.face} ${methods} ${route.path}`;
  for (let i = 2; registry.has(name) && registry.get(name) !== route; i++) name = `${route.face} ${methods} ${route.path} #${i}`;
  registry.set(name, route);
  return name;
}
export const routeOf = (c: Case): Route => registry.get(c.route)!;

/** Generated cases for one route: path ids, method, query, body, credential and extra headers (built once). */
function casesOf(route: Route): fc.Arbitrary<Case> {
  const names = [...route.path.matchAll(PLACEHOLDER)].map((m) => m[1]!);
  const ids = Object.fromEntries(
    names.map((n) => {
      const refs = route.ids?.[n] ?? [];
      const gen: fc.Arbitrary<string | { ref: string }> = refs.length
        ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...refs).map((ref) => ({ ref })) }, { weight: 2, arbitrary: pathId })
        : pathId;
      return [n, gen];
    }),
  );
  const methods = typeof route.method === "string" ? [route.method] : route.method;
  const body =
    route.body === undefined ? fc.oneof({ weight: 9, arbitrary: fc.constant<Body>({}) }, bodies(null)) : bodies(route.body, route.special);
  return fc.record({
    route: fc.constant(named(route)),
    method: fc.constantFrom(...methods),
    ids: fc.record(ids) as fc.Arbitrary<Record<string, string | { ref: string }>>,
    q: route.query ? queryFor(route.query) : fc.oneof({ weight: 3, arbitrary: fc.constant("") }, queryFor({})),
    body,
    cred: credential(route),
    garbage: fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 40 }),
    headers: extraHeaders,
  });
}

/** Generated cases spread evenly over `routes`. */
export function cases(routes: Route[]): fc.Arbitrary<Case> {
  return fc.oneof(...routes.map(casesOf));
}

/** The request a case makes in a lane. */
export function planCase(c: Case, lane: Lane, stranger: { jwt: string }): Planned {
  const route = routeOf(c);
  const path = route.path.replace(PLACEHOLDER, (_, n: string) => {
    const id = c.ids[n];
    if (id === undefined) return n;
    if (typeof id === "string") return id;
    return encodeURIComponent(lane.refs[id.ref] ?? id.ref);
  });
  const headers: Record<string, string> = {};
  for (const [k, v] of c.headers) headers[k] = v;
  Object.assign(headers, credHeaders(c.cred, lane, stranger, c.garbage));
  if (c.body.type !== undefined) headers["content-type"] = c.body.type;
  let raw = c.body.raw?.replaceAll("@ORG@", lane.org);
  if (raw !== undefined && route.fix) raw = route.fix(raw);
  const req: Req = {
    method: c.method,
    path: (path + c.q).replaceAll("@ORG@", encodeURIComponent(lane.org)).replaceAll("%40ORG%40", encodeURIComponent(lane.org)),
    headers,
    body: raw,
  };
  return { face: route.face, req };
}

/** Unknown sub-paths under a face's records, with every method: their 404s (and 401s, 413s, 415s) must be in that face's shape. */
export function junkRoute(face: Face, base: string, ids: Record<string, readonly string[]>, cred?: Route["cred"]): Route {
  return {
    face,
    method: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
    path: `${base}/{junk}`,
    ids,
    body: null,
    ...(cred && { cred }),
  };
}
