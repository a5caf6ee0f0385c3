/**
 * What work costs on the platform, counted as it happens: D1 statements and the rows
 * D1 reports reading and writing (`meta.rows_read` / `meta.rows_written`), Durable Object
 * requests and the storage rows they write, and queue messages. The tick and the consumer
 * each count their own, and every `run.finished` log line carries a run's share.
 */
export type Cost = {
  d1_statements: number;
  d1_rows_read: number;
  d1_rows_written: number;
  do_requests: number;
  do_rows_written: number;
  queue_messages: number;
};

export const newCost = (): Cost => ({
  d1_statements: 0,
  d1_rows_read: 0,
  d1_rows_written: 0,
  do_requests: 0,
  do_rows_written: 0,
  queue_messages: 0,
});

/** `cost` divided among `n` runs, rounded to 3 decimals (a log line, not an invoice). */
export function share(cost: Cost, n: number): Cost {
  const d = Math.max(1, n);
  const r = (x: number) => Math.round((x / d) * 1000) / 1000;
  return {
    d1_statements: r(cost.d1_statements),
    d1_rows_read: r(cost.d1_rows_read),
    d1_rows_written: r(cost.d1_rows_written),
    do_requests: r(cost.do_requests),
    do_rows_written: r(cost.do_rows_written),
    queue_messages: r(cost.queue_messages),
  };
}

const counted = (cost: Cost, r: D1Result | D1Response | undefined) => {
  cost.d1_statements++;
  cost.d1_rows_read += r?.meta?.rows_read ?? 0;
  cost.d1_rows_written += r?.meta?.rows_written ?? 0;
};

/**
 * A D1 binding that counts into `cost` what goes through it: every statement, and the
 * rows from D1's `meta` where the call returns it (`all`, `run`, `batch`). `first` and
 * `raw` return no meta: they count the statement and the rows they returned as read.
 */
export function metered(d1: D1Database, cost: Cost): D1Database {
  const inner = new WeakMap<D1PreparedStatement, D1PreparedStatement>();
  const wrap = (stmt: D1PreparedStatement): D1PreparedStatement => {
    const w = new Proxy(stmt, {
      get(target, prop) {
        if (prop === "bind") return (...values: unknown[]) => wrap(target.bind(...values));
        if (prop === "all" || prop === "run")
          return async () => {
            const r = await (prop === "all" ? target.all() : target.run());
            counted(cost, r);
            return r;
          };
        if (prop === "first")
          return async (col?: string) => {
            const r = col === undefined ? await target.first() : await target.first(col);
            cost.d1_statements++;
            if (r !== null) cost.d1_rows_read++;
            return r;
          };
        if (prop === "raw")
          return async (opts?: { columnNames?: boolean }) => {
            const rows = opts?.columnNames ? await target.raw({ columnNames: true }) : await target.raw();
            cost.d1_statements++;
            cost.d1_rows_read += Math.max(0, rows.length - (opts?.columnNames ? 1 : 0));
            return rows;
          };
        const v = Reflect.get(target, prop, target);
        return typeof v === "function" ? v.bind(target) : v;
      },
    });
    inner.set(w, stmt);
    return w;
  };
  return new Proxy(d1, {
    get(target, prop) {
      if (prop === "prepare") return (query: string) => wrap(target.prepare(query));
      if (prop === "batch")
        return async (stmts: D1PreparedStatement[]) => {
          const results = await target.batch(stmts.map((s) => inner.get(s) ?? s));
          for (const r of results) counted(cost, r);
          return results;
        };
      if (prop === "exec")
        return async (query: string) => {
          const r = await target.exec(query);
          cost.d1_statements += r.count;
          return r;
        };
      const v = Reflect.get(target, prop, target);
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
}
