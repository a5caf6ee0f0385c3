/**
 * DST handling, zone by zone. Every expected instant is worked out by hand:
 * local wall time minus the offset in force (e.g. New York 03:00 EDT = 03:00 + 4 h = 07:00Z).
 */
import { describe, expect, it } from "vitest";
import { nextOccurrences } from "../../src/domain/schedule";
import type { DstPolicy, Occurrence } from "../../src/domain/schedule";
import { ms, plain, utc } from "./helpers";

type Slot = [at: string, local: string];
type ZoneCase = {
  tz: string;
  gap: {
    fixed: string;
    from: string;
    shifted: Slot;
    shiftNote: string;
    nextDay: Slot;
    skippedLocal: string;
    collapseFrom: string;
    collapse: [Slot, Slot, Slot, Slot];
    collapseNote: string;
  };
  repeat: {
    fixed: string;
    from: string;
    first: Slot;
    second: Slot;
    nextDay: string;
    note: string;
    intervalFrom: string;
    interval: Slot[];
    firstOnly: string[];
  };
};

const ZONES: ZoneCase[] = [
  {
    tz: "America/New_York", // 2026-03-08 02:00 EST -> 03:00 EDT; 2026-11-01 02:00 EDT -> 01:00 EST
    gap: {
      fixed: "30 2 * * *",
      from: "2026-03-07T12:00:00Z",
      shifted: ["2026-03-08T07:00:00Z", "2026-03-08T03:00:00-04:00"],
      shiftNote: "02:30 does not exist on 2026-03-08 (DST gap); shifted to 03:00",
      nextDay: ["2026-03-09T06:30:00Z", "2026-03-09T02:30:00-04:00"],
      skippedLocal: "2026-03-08T02:30:00",
      collapseFrom: "2026-03-08T06:40:00Z",
      collapse: [
        ["2026-03-08T06:45:00Z", "2026-03-08T01:45:00-05:00"],
        ["2026-03-08T07:00:00Z", "2026-03-08T03:00:00-04:00"],
        ["2026-03-08T07:15:00Z", "2026-03-08T03:15:00-04:00"],
        ["2026-03-08T07:30:00Z", "2026-03-08T03:30:00-04:00"],
      ],
      collapseNote: "02:00, 02:15, 02:30, 02:45 do not exist on 2026-03-08 (DST gap); shifted to 03:00 as one run",
    },
    repeat: {
      fixed: "30 1 * * *",
      from: "2026-10-31T12:00:00Z",
      first: ["2026-11-01T05:30:00Z", "2026-11-01T01:30:00-04:00"],
      second: ["2026-11-01T06:30:00Z", "2026-11-01T01:30:00-05:00"],
      nextDay: "2026-11-02T06:30:00Z",
      note: "01:30 occurs twice on 2026-11-01 (DST fall back)",
      intervalFrom: "2026-11-01T04:50:00Z",
      interval: [
        ["2026-11-01T05:00:00Z", "2026-11-01T01:00:00-04:00"],
        ["2026-11-01T05:30:00Z", "2026-11-01T01:30:00-04:00"],
        ["2026-11-01T06:00:00Z", "2026-11-01T01:00:00-05:00"],
        ["2026-11-01T06:30:00Z", "2026-11-01T01:30:00-05:00"],
        ["2026-11-01T07:00:00Z", "2026-11-01T02:00:00-05:00"],
      ],
      firstOnly: ["2026-11-01T05:00:00Z", "2026-11-01T05:30:00Z", "2026-11-01T07:00:00Z", "2026-11-01T07:30:00Z"],
    },
  },
  {
    tz: "Europe/London", // 2026-03-29 01:00 GMT -> 02:00 BST; 2026-10-25 02:00 BST -> 01:00 GMT
    gap: {
      fixed: "30 1 * * *",
      from: "2026-03-28T12:00:00Z",
      shifted: ["2026-03-29T01:00:00Z", "2026-03-29T02:00:00+01:00"],
      shiftNote: "01:30 does not exist on 2026-03-29 (DST gap); shifted to 02:00",
      nextDay: ["2026-03-30T00:30:00Z", "2026-03-30T01:30:00+01:00"],
      skippedLocal: "2026-03-29T01:30:00",
      collapseFrom: "2026-03-29T00:40:00Z",
      collapse: [
        ["2026-03-29T00:45:00Z", "2026-03-29T00:45:00+00:00"],
        ["2026-03-29T01:00:00Z", "2026-03-29T02:00:00+01:00"],
        ["2026-03-29T01:15:00Z", "2026-03-29T02:15:00+01:00"],
        ["2026-03-29T01:30:00Z", "2026-03-29T02:30:00+01:00"],
      ],
      collapseNote: "01:00, 01:15, 01:30, 01:45 do not exist on 2026-03-29 (DST gap); shifted to 02:00 as one run",
    },
    repeat: {
      fixed: "30 1 * * *",
      from: "2026-10-24T12:00:00Z",
      first: ["2026-10-25T00:30:00Z", "2026-10-25T01:30:00+01:00"],
      second: ["2026-10-25T01:30:00Z", "2026-10-25T01:30:00+00:00"],
      nextDay: "2026-10-26T01:30:00Z",
      note: "01:30 occurs twice on 2026-10-25 (DST fall back)",
      intervalFrom: "2026-10-24T23:50:00Z",
      interval: [
        ["2026-10-25T00:00:00Z", "2026-10-25T01:00:00+01:00"],
        ["2026-10-25T00:30:00Z", "2026-10-25T01:30:00+01:00"],
        ["2026-10-25T01:00:00Z", "2026-10-25T01:00:00+00:00"],
        ["2026-10-25T01:30:00Z", "2026-10-25T01:30:00+00:00"],
        ["2026-10-25T02:00:00Z", "2026-10-25T02:00:00+00:00"],
      ],
      firstOnly: ["2026-10-25T00:00:00Z", "2026-10-25T00:30:00Z", "2026-10-25T02:00:00Z", "2026-10-25T02:30:00Z"],
    },
  },
  {
    tz: "Australia/Sydney", // 2026-04-05 03:00 AEDT -> 02:00 AEST; 2026-10-04 02:00 AEST -> 03:00 AEDT
    gap: {
      fixed: "30 2 * * *",
      from: "2026-10-03T00:00:00Z",
      shifted: ["2026-10-03T16:00:00Z", "2026-10-04T03:00:00+11:00"],
      shiftNote: "02:30 does not exist on 2026-10-04 (DST gap); shifted to 03:00",
      nextDay: ["2026-10-04T15:30:00Z", "2026-10-05T02:30:00+11:00"],
      skippedLocal: "2026-10-04T02:30:00",
      collapseFrom: "2026-10-03T15:40:00Z",
      collapse: [
        ["2026-10-03T15:45:00Z", "2026-10-04T01:45:00+10:00"],
        ["2026-10-03T16:00:00Z", "2026-10-04T03:00:00+11:00"],
        ["2026-10-03T16:15:00Z", "2026-10-04T03:15:00+11:00"],
        ["2026-10-03T16:30:00Z", "2026-10-04T03:30:00+11:00"],
      ],
      collapseNote: "02:00, 02:15, 02:30, 02:45 do not exist on 2026-10-04 (DST gap); shifted to 03:00 as one run",
    },
    repeat: {
      fixed: "30 2 * * *",
      from: "2026-04-04T00:00:00Z",
      first: ["2026-04-04T15:30:00Z", "2026-04-05T02:30:00+11:00"],
      second: ["2026-04-04T16:30:00Z", "2026-04-05T02:30:00+10:00"],
      nextDay: "2026-04-05T16:30:00Z",
      note: "02:30 occurs twice on 2026-04-05 (DST fall back)",
      intervalFrom: "2026-04-04T14:50:00Z",
      interval: [
        ["2026-04-04T15:00:00Z", "2026-04-05T02:00:00+11:00"],
        ["2026-04-04T15:30:00Z", "2026-04-05T02:30:00+11:00"],
        ["2026-04-04T16:00:00Z", "2026-04-05T02:00:00+10:00"],
        ["2026-04-04T16:30:00Z", "2026-04-05T02:30:00+10:00"],
        ["2026-04-04T17:00:00Z", "2026-04-05T03:00:00+10:00"],
      ],
      firstOnly: ["2026-04-04T15:00:00Z", "2026-04-04T15:30:00Z", "2026-04-04T17:00:00Z", "2026-04-04T17:30:00Z"],
    },
  },
  {
    tz: "Australia/Lord_Howe", // 30-minute shifts: 2026-04-05 02:00 (+11) -> 01:30 (+10:30); 2026-10-04 02:00 (+10:30) -> 02:30 (+11)
    gap: {
      fixed: "15 2 * * *",
      from: "2026-10-03T00:00:00Z",
      shifted: ["2026-10-03T15:30:00Z", "2026-10-04T02:30:00+11:00"],
      shiftNote: "02:15 does not exist on 2026-10-04 (DST gap); shifted to 02:30",
      nextDay: ["2026-10-04T15:15:00Z", "2026-10-05T02:15:00+11:00"],
      skippedLocal: "2026-10-04T02:15:00",
      collapseFrom: "2026-10-03T15:10:00Z",
      collapse: [
        ["2026-10-03T15:15:00Z", "2026-10-04T01:45:00+10:30"],
        ["2026-10-03T15:30:00Z", "2026-10-04T02:30:00+11:00"],
        ["2026-10-03T15:45:00Z", "2026-10-04T02:45:00+11:00"],
        ["2026-10-03T16:00:00Z", "2026-10-04T03:00:00+11:00"],
      ],
      collapseNote: "02:00, 02:15 do not exist on 2026-10-04 (DST gap); shifted to 02:30 as one run",
    },
    repeat: {
      fixed: "45 1 * * *",
      from: "2026-04-04T00:00:00Z",
      first: ["2026-04-04T14:45:00Z", "2026-04-05T01:45:00+11:00"],
      second: ["2026-04-04T15:15:00Z", "2026-04-05T01:45:00+10:30"],
      nextDay: "2026-04-05T15:15:00Z",
      note: "01:45 occurs twice on 2026-04-05 (DST fall back)",
      intervalFrom: "2026-04-04T13:50:00Z",
      interval: [
        ["2026-04-04T14:00:00Z", "2026-04-05T01:00:00+11:00"],
        ["2026-04-04T14:30:00Z", "2026-04-05T01:30:00+11:00"],
        ["2026-04-04T15:00:00Z", "2026-04-05T01:30:00+10:30"],
        ["2026-04-04T15:30:00Z", "2026-04-05T02:00:00+10:30"],
        ["2026-04-04T16:00:00Z", "2026-04-05T02:30:00+10:30"],
      ],
      firstOnly: ["2026-04-04T14:00:00Z", "2026-04-04T14:30:00Z", "2026-04-04T15:30:00Z", "2026-04-04T16:00:00Z"],
    },
  },
];

function run(tz: string, expression: string, from: string, count: number, dst?: Partial<DstPolicy>): Occurrence[] {
  const policy: DstPolicy = { gap: "shift", repeat: "auto", ...dst };
  return nextOccurrences({ kind: "cron", expression, timezone: tz, dst: policy }, ms(from), count, 0);
}

describe.each(ZONES)("DST in $tz", ({ tz, gap, repeat }) => {
  it("gap shift: a fixed time inside the gap fires once, at the first instant after it", () => {
    expect(plain(run(tz, gap.fixed, gap.from, 2))).toEqual([
      { at: gap.shifted[0], local: gap.shifted[1], note: gap.shiftNote },
      { at: gap.nextDay[0], local: gap.nextDay[1] },
    ]);
    expect(plain(run(tz, gap.fixed, gap.from, 2, {}))).toEqual(plain(run(tz, gap.fixed, gap.from, 2)));
  });

  it("gap skip: no run that day, one skipped entry that does not count", () => {
    const occ = run(tz, gap.fixed, gap.from, 1, { gap: "skip" });
    expect(plain(occ)).toEqual([
      { at: gap.shifted[0], local: gap.skippedLocal, note: gap.shiftNote.replace(/shifted to .*/, "skipped"), skipped: true },
      { at: gap.nextDay[0], local: gap.nextDay[1] },
    ]);
  });

  it("gap collapse: */15 times inside the gap give one run at its end, no duplicate", () => {
    const occ = run(tz, "*/15 * * * *", gap.collapseFrom, 4);
    expect(occ.map((o) => [utc(o.at), o.local])).toEqual(gap.collapse);
    expect(occ.map((o) => o.note)).toEqual([undefined, gap.collapseNote, undefined, undefined]);
    expect(new Set(occ.map((o) => o.at)).size).toBe(4);
  });

  it("repeat auto, fixed time: fires once, on the first pass", () => {
    expect(plain(run(tz, repeat.fixed, repeat.from, 2))).toEqual([
      { at: repeat.first[0], local: repeat.first[1], note: `${repeat.note}; first pass only` },
      { at: repeat.nextDay, local: expect.any(String) },
    ]);
  });

  it("repeat auto, interval: fires in both passes, keeping real-time spacing", () => {
    const occ = run(tz, "*/30 * * * *", repeat.intervalFrom, 5);
    expect(occ.map((o) => [utc(o.at), o.local])).toEqual(repeat.interval);
    expect(occ.slice(1).map((o, i) => o.at - (occ[i]?.at ?? 0))).toEqual([1, 1, 1, 1].map(() => 30 * 60_000));
    const notes = occ.map((o) => o.note ?? "");
    expect(notes.filter((n) => n.endsWith("; first pass"))).toHaveLength(tz === "Australia/Lord_Howe" ? 1 : 2);
    expect(notes.filter((n) => n.endsWith("; second pass"))).toHaveLength(tz === "Australia/Lord_Howe" ? 1 : 2);
  });

  it("repeat first: interval expressions skip the second pass", () => {
    expect(run(tz, "*/30 * * * *", repeat.intervalFrom, 4, { repeat: "first" }).map((o) => utc(o.at))).toEqual(repeat.firstOnly);
  });

  it("repeat both: a fixed time fires in both passes, each noted", () => {
    expect(plain(run(tz, repeat.fixed, repeat.from, 3, { repeat: "both" }))).toEqual([
      { at: repeat.first[0], local: repeat.first[1], note: `${repeat.note}; first pass` },
      { at: repeat.second[0], local: repeat.second[1], note: `${repeat.note}; second pass` },
      { at: repeat.nextDay, local: expect.any(String) },
    ]);
  });
});

describe("DST edge cases", () => {
  it("a search that starts inside the repeated hour only returns later instants", () => {
    // New York 2026-11-01 05:45Z is 01:45 EDT: next */30 times are 01:00 EST (06:00Z), 01:30 EST, 02:00 EST.
    const occ = run("America/New_York", "*/30 * * * *", "2026-11-01T05:45:00Z", 3);
    expect(occ.map((o) => utc(o.at))).toEqual(["2026-11-01T06:00:00Z", "2026-11-01T06:30:00Z", "2026-11-01T07:00:00Z"]);
  });

  it("every minute through a gap fires each real minute once and the gap as one run", () => {
    const occ = run("America/New_York", "* * * * *", "2026-03-08T06:58:00Z", 3);
    expect(plain(occ)).toEqual([
      { at: "2026-03-08T06:59:00Z", local: "2026-03-08T01:59:00-05:00" },
      {
        at: "2026-03-08T07:00:00Z",
        local: "2026-03-08T03:00:00-04:00",
        note: "02:00 to 02:59 (60 times) do not exist on 2026-03-08 (DST gap); shifted to 03:00 as one run",
      },
      { at: "2026-03-08T07:01:00Z", local: "2026-03-08T03:01:00-04:00" },
    ]);
  });

  it("gap skip with a regular run at the gap's end: one entry, the skipped times in its note", () => {
    const occ = run("America/New_York", "*/15 * * * *", "2026-03-08T06:40:00Z", 3, { gap: "skip" });
    expect(plain(occ)).toEqual([
      { at: "2026-03-08T06:45:00Z", local: "2026-03-08T01:45:00-05:00" },
      {
        at: "2026-03-08T07:00:00Z",
        local: "2026-03-08T03:00:00-04:00",
        note: "02:00, 02:15, 02:30, 02:45 do not exist on 2026-03-08 (DST gap); skipped",
      },
      { at: "2026-03-08T07:15:00Z", local: "2026-03-08T03:15:00-04:00" },
    ]);
  });

  it("a whole missing day (Pacific/Apia, 2011-12-30) shifts to the first instant after it", () => {
    const occ = run("Pacific/Apia", "0 12 * * *", "2011-12-29T00:00:00Z", 3);
    expect(plain(occ)).toEqual([
      { at: "2011-12-29T22:00:00Z", local: "2011-12-29T12:00:00-10:00" },
      {
        at: "2011-12-30T10:00:00Z",
        local: "2011-12-31T00:00:00+14:00",
        note: "12:00 does not exist on 2011-12-30 (DST gap); shifted to 2011-12-31 00:00",
      },
      { at: "2011-12-30T22:00:00Z", local: "2011-12-31T12:00:00+14:00" },
    ]);
  });

  it("days without a transition carry no notes", () => {
    const occ = run("Europe/London", "0 12 * * *", "2026-06-01T00:00:00Z", 3);
    expect(plain(occ)).toEqual([
      { at: "2026-06-01T11:00:00Z", local: "2026-06-01T12:00:00+01:00" },
      { at: "2026-06-02T11:00:00Z", local: "2026-06-02T12:00:00+01:00" },
      { at: "2026-06-03T11:00:00Z", local: "2026-06-03T12:00:00+01:00" },
    ]);
  });
});
