import { sql } from "drizzle-orm";
import type { SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import * as schema from "./schema";

const build = (d1: D1Database) => drizzle(d1, { schema });
export type Db = ReturnType<typeof build>;
const byBinding = new WeakMap<D1Database, Db>();

/**
 * The client for a D1 binding. Bindings arrive with each invocation, never at import
 * time; the client is kept per binding object because building it walks the whole
 * schema (drizzle's relational config), which cost every request a fraction of a
 * millisecond twice (authentication, then the service).
 */
export function createDb(d1: D1Database): Db {
  let db = byBinding.get(d1);
  if (!db) {
    db = build(d1);
    byBinding.set(d1, db);
  }
  return db;
}

/** D1 reports unique-index violations only through the message text. */
export function isUniqueViolation(error: unknown): boolean {
  const text = error instanceof Error ? `${error.message} ${String(error.cause ?? "")}` : String(error);
  return /UNIQUE constraint failed/i.test(text);
}

/**
 * `column IN (values)` with the values bound as one JSON value: one statement for any
 * number of rows, where D1 binds at most 100 values per statement.
 */
export const inJson = (column: SQLiteColumn, values: string[]): SQL =>
  sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(values)}))`;
