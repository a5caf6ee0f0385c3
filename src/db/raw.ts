import { getTableColumns, getTableName } from "drizzle-orm";
import type { InferInsertModel, InferSelectModel } from "drizzle-orm";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";

/**
 * Statements written out by hand for the API's hottest paths (a task list page, a
 * create). Drizzle's query builder costs about a millisecond of CPU per statement in
 * workerd (its `is()` checks walk prototypes for every SQL chunk), which was a third
 * of such a request's time in the isolate. These helpers keep drizzle's own column
 * metadata (names, JSON and boolean mapping), so rows come back exactly as drizzle
 * would return them and the schema stays the one source of truth.
 */
type Col = { key: string; name: string; column: ReturnType<typeof getTableColumns<SQLiteTable>>[string] };

const columnsByTable = new WeakMap<SQLiteTable, Col[]>();

function columnsOf(table: SQLiteTable): Col[] {
  let cols = columnsByTable.get(table);
  if (!cols) {
    cols = Object.entries(getTableColumns(table)).map(([key, column]) => ({ key, name: column.name, column }));
    columnsByTable.set(table, cols);
  }
  return cols;
}

/** A row as D1 returns it (SQL column names, driver values) → the row drizzle's select would give. */
export function fromDriverRow<T extends SQLiteTable>(table: T, raw: Record<string, unknown>): InferSelectModel<T> {
  const out: Record<string, unknown> = {};
  for (const { key, name, column } of columnsOf(table)) {
    const v = raw[name];
    out[key] = v === null || v === undefined ? null : column.mapFromDriverValue(v);
  }
  return out as InferSelectModel<T>;
}

/** `INSERT … RETURNING *` of one row (the keys present in `values`; absent ones take the column default). */
export function insertReturning<T extends SQLiteTable>(d1: D1Database, table: T, values: InferInsertModel<T>): D1PreparedStatement {
  const given = values as Record<string, unknown>;
  const names: string[] = [];
  const params: unknown[] = [];
  for (const { key, name, column } of columnsOf(table)) {
    const v = given[key];
    if (v === undefined) continue;
    names.push(`"${name}"`);
    params.push(v === null ? null : column.mapToDriverValue(v));
  }
  const marks = names.map(() => "?").join(", ");
  return d1.prepare(`INSERT INTO "${getTableName(table)}" (${names.join(", ")}) VALUES (${marks}) RETURNING *`).bind(...params);
}
