/** Instants (epoch ms) as the API texts they are written in. */

/** ISO-8601 UTC with milliseconds: `2026-12-02T10:00:00.000Z`. */
export const iso = (ms: number): string => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));
/** ISO-8601 UTC to the second: `2026-12-02T10:00:00Z` (as some vendors' references write it). */
export const isoSeconds = (ms: number): string => iso(ms).replace(/\.\d{3}Z$/, "Z");
export const isoSecondsOrNull = (ms: number | null): string | null => (ms === null ? null : isoSeconds(ms));
