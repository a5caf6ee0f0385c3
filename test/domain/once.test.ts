import { describe, expect, it } from "vitest";
import { dueOnce, onceAtLocal } from "../../src/domain/schedule";
import { ms } from "./helpers";

describe("one-time schedules given as other APIs give them", () => {
  it("a local time is read in the zone, under the default DST policy", () => {
    expect(onceAtLocal("2026-07-01T09:00:00", "America/New_York")).toBe("2026-07-01T13:00:00.000Z");
    // In the spring-forward gap: the first instant after it (03:00 EDT).
    expect(onceAtLocal("2026-03-08T02:30:00", "America/New_York")).toBe("2026-03-08T07:00:00.000Z");
    // In the repeated hour: the first pass (01:30 EDT).
    expect(onceAtLocal("2026-11-01T01:30:00", "America/New_York")).toBe("2026-11-01T05:30:00.000Z");
    // With an offset or Z: kept as sent; not a date-time: left for validation to name.
    expect(onceAtLocal("2026-07-01T09:00:00+02:00", "America/New_York")).toBe("2026-07-01T09:00:00+02:00");
    expect(onceAtLocal("tomorrow", "UTC")).toBe("tomorrow");
  });

  it("a time already past is due at the next whole second after now; a future one is kept", () => {
    const now = ms("2026-12-02T10:00:00.400Z");
    expect(dueOnce("2024-01-15T09:00:00Z", now)).toBe("2026-12-02T10:00:02.000Z");
    expect(dueOnce("2027-01-15T09:00:00Z", now)).toBe("2027-01-15T09:00:00Z");
  });
});
