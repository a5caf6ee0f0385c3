import { describe, expect, it } from "vitest";
import { ScheduleError, validateTimezone } from "../../src/domain/schedule";

describe("validateTimezone", () => {
  it.each([
    "UTC",
    "Etc/UTC",
    "America/New_York",
    "America/Argentina/Buenos_Aires",
    "Europe/London",
    "Australia/Lord_Howe",
    "Australia/Sydney",
    "America/Port-au-Prince",
    "America/North_Dakota/New_Salem",
  ])("accepts %s", (tz) => {
    expect(validateTimezone(tz)).toBe(tz);
  });

  it.each([
    "EST",
    "GMT",
    "PST8PDT",
    "EST5EDT",
    "US/Eastern",
    "Etc/GMT+5",
    "CET",
    "",
    "  ",
    "garbage",
    "America/Nowhere",
    "Mars/Olympus_Mons",
    "Australia/ACT",
    "america/new_york",
    "America/new_york",
    "UTC+2",
  ])("refuses %j", (tz) => {
    let caught: unknown;
    try {
      validateTimezone(tz);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ScheduleError);
    expect(caught).toMatchObject({ code: "invalid_timezone", field: "schedule.timezone" });
  });

  it("explains abbreviations and suggests a region", () => {
    expect(() => validateTimezone("EST")).toThrow('"EST" is not a full IANA time zone name; use a region name such as America/New_York');
    expect(() => validateTimezone("US/Eastern")).toThrow("use a region name such as America/New_York");
    expect(() => validateTimezone("PST8PDT")).toThrow("America/Los_Angeles");
    expect(() => validateTimezone("CET")).toThrow("Europe/Paris");
  });

  it("points out wrong capitalisation", () => {
    expect(() => validateTimezone("America/new_york")).toThrow('use "America/New_York"');
    expect(() => validateTimezone("america/new_york")).toThrow("America/New_York");
  });

  it("says when a well-formed name is unknown", () => {
    expect(() => validateTimezone("America/Nowhere")).toThrow('"America/Nowhere" is not a known IANA time zone');
  });
});
