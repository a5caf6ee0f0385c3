// List prices that turn the engine's billable units per run into dollars per million
// runs, next to Upstash QStash's price per message (the hosted service this one is
// compared with). Marginal prices beyond each plan's included usage, so the figure is
// what one more million runs costs; the $5/month Workers Paid base is left out.
// Checked 2026-12-02 on the pages below; re-check before quoting, prices change.

export const PRICES = {
  checked: "2026-12-02",
  usd_per_million: {
    d1_rows_read: 0.001,
    d1_rows_written: 1.0,
    do_requests: 0.15, // every RPC method call on a stub is one billed request
    do_rows_read: 0.001,
    do_rows_written: 1.0, // SQLite-backed Durable Object storage
    queue_operations: 0.4, // per 64 KB written, read or deleted
    workers_requests: 0.3, // tick and consumer invocations
    workers_cpu_ms: 0.02,
  },
  queue_operations_per_message: 3, // write + read + delete, messages under 64 KB
  qstash_usd_per_million_messages: 10, // $1 per 100K messages, pay as you go
  sources: {
    d1: "https://developers.cloudflare.com/d1/platform/pricing/",
    durable_objects: "https://developers.cloudflare.com/durable-objects/platform/pricing/",
    // The retrieved excerpt of the DO pricing page showed compute only; the SQLite row
    // prices (same as D1's) are from its "SQLite storage backend" section, billed since
    // 2026-01-07 per the DO release notes, and were not re-read in full on 2026-12-02.
    durable_objects_sqlite:
      "https://developers.cloudflare.com/durable-objects/platform/pricing/#sqlite-storage-backend (unverified excerpt)",
    queues: "https://developers.cloudflare.com/queues/pricing/",
    workers:
      "https://developers.cloudflare.com/workers/platform/pricing/ (Standard: $0.30/M requests, $0.02/M CPU ms, as restated on https://developers.cloudflare.com/workflows/reference/pricing/)",
    qstash: "https://upstash.com/docs/qstash/overall/pricing",
  },
};

/**
 * CPU time per run cannot be measured under `wrangler dev` (it is not the production
 * runtime's accounting), so unless the engine logs `cpu_ms` this assumption is used
 * and labelled as such. At $0.02 per million ms it moves the total by cents.
 */
export const ASSUMED_CPU_MS_PER_RUN = 5;

/**
 * Dollars per million runs from units per run. `invocationsPerRun`: Worker invocations
 * (consumer batches + ticks) per run, from the log. Returns the total, each line, and
 * which inputs were missing (counted as 0) or assumed.
 */
export function dollarsPerMillionRuns(perRun, invocationsPerRun) {
  if (!perRun) return null;
  const p = PRICES.usd_per_million;
  const missing = [];
  const u = (k) => {
    if (typeof perRun[k] !== "number") missing.push(k);
    return perRun[k] ?? 0;
  };
  const cpu = typeof perRun.cpu_ms === "number" ? perRun.cpu_ms : ASSUMED_CPU_MS_PER_RUN;
  const lines = {
    d1_rows_read: u("d1_rows_read") * p.d1_rows_read,
    d1_rows_written: u("d1_rows_written") * p.d1_rows_written,
    do_requests: u("do_requests") * p.do_requests,
    do_rows_written: u("do_rows_written") * p.do_rows_written,
    queue_operations: u("queue_messages") * PRICES.queue_operations_per_message * p.queue_operations,
    workers_requests: (invocationsPerRun ?? 0) * p.workers_requests,
    workers_cpu_ms: cpu * p.workers_cpu_ms,
  };
  const round = (x) => Math.round(x * 10_000) / 10_000;
  const total = round(Object.values(lines).reduce((a, b) => a + b, 0));
  return {
    usd_per_million_runs: total,
    lines: Object.fromEntries(Object.entries(lines).map(([k, v]) => [k, round(v)])),
    not_logged_counted_as_zero: missing,
    cpu_ms_per_run: cpu,
    cpu_ms_assumed: typeof perRun.cpu_ms !== "number",
    invocations_per_run: invocationsPerRun === null ? null : round(invocationsPerRun),
    qstash_usd_per_million: PRICES.qstash_usd_per_million_messages,
    below_qstash: total < PRICES.qstash_usd_per_million_messages,
  };
}
