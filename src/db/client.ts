import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema";

/** Built per request/event: bindings arrive with each invocation, never at import time. */
export const createDb = (d1: D1Database) => drizzle(d1, { schema });
export type Db = ReturnType<typeof createDb>;

/** D1 reports unique-index violations only through the message text. */
export function isUniqueViolation(error: unknown): boolean {
  const text = error instanceof Error ? `${error.message} ${String(error.cause ?? "")}` : String(error);
  return /UNIQUE constraint failed/i.test(text);
}
