// One way to judge every system the burst bench runs (ours and the peers): what the
// sink saw. Lateness is the sink's receive time minus the instant the job was due;
// a call before that instant is an early start; a job the sink never heard from is
// missing, one it heard from twice is doubled. The systems' own records are reported
// next to this, never instead of it.
import { percentiles } from "../load/stats.mjs";

/**
 * `calls`: Map<jobId, [{at}]> from the sink; `ids`: the jobs created; `dueOf(id)`: epoch
 * ms each was due. Returns lateness of each job's first call (ms) and the counts.
 */
export function judge(calls, ids, dueOf) {
  const lateness = [];
  let early = 0;
  let missing = 0;
  let doubled = 0;
  let lastCall = null;
  for (const id of ids) {
    const c = calls.get(id) ?? [];
    if (c.length === 0) missing++;
    if (c.length > 1) doubled++;
    for (const x of c) {
      if (x.at < dueOf(id)) early++;
      lastCall = Math.max(lastCall ?? x.at, x.at);
    }
    if (c.length) lateness.push(c[0].at - dueOf(id));
  }
  const unknown = [...calls.keys()].filter((k) => !ids.has(k)).length;
  return { jobs: ids.size, lateness_ms: percentiles(lateness), early, missing, doubled, unknown_calls: unknown, last_call_at: lastCall };
}

/** p50/p90/p99/max as one table cell. */
export const cell = (p) => (p?.n ? `${p.p50} / ${p.p90} / ${p.p99} / ${p.max}` : "–");
