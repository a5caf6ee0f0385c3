import type { Occurrence } from "../../src/domain/schedule";

/** Epoch ms of an ISO instant. */
export const ms = (iso: string): number => Date.parse(iso);

/** An instant as "YYYY-MM-DDTHH:MM:SSZ". */
export const utc = (at: number): string => new Date(at).toISOString().replace(".000Z", "Z");

/** Occurrences as UTC instant texts. */
export const instants = (occ: Occurrence[]): string[] => occ.map((o) => utc(o.at));

/** Occurrences as compact, comparable objects (at as UTC text). */
export const plain = (occ: Occurrence[]): Record<string, unknown>[] => occ.map((o) => ({ ...o, at: utc(o.at) }));
