// Runs the burst on each peer in turn (never at the same time as ours or each other:
// they share two cores), each in its own temporary directory that is removed after.
// Without the system packages the peers are skipped with the command that installs them.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { log } from "../load/util.mjs";
import { burstBullmq } from "./bullmq.mjs";
import { burstPgboss } from "./pgboss.mjs";
import { pgBin, which } from "./system.mjs";

const INSTALL = "apt-get install redis-server postgresql";

/** Why the peers cannot run here, or null when they can. */
export function peersMissing() {
  if (!which("redis-server")) return `redis-server not found (${INSTALL})`;
  if (!pgBin("initdb") || !pgBin("pg_ctl")) return `postgres initdb/pg_ctl not found (${INSTALL})`;
  return null;
}

/** { bullmq, "pg-boss" } results (or { error }), or { skipped } when a binary is missing. */
export async function runPeers(n) {
  const missing = peersMissing();
  if (missing) {
    log(`peers skipped: ${missing}`);
    return { skipped: missing };
  }
  const out = {};
  for (const [name, fn] of [
    ["bullmq", burstBullmq],
    ["pg-boss", burstPgboss],
  ]) {
    const dir = mkdtempSync(path.join(os.tmpdir(), `tasks-burst-${name}-`));
    try {
      out[name] = await fn(n, dir);
      rmSync(dir, { recursive: true, force: true });
    } catch (e) {
      out[name] = { system: name, error: e instanceof Error ? e.message : String(e), kept: dir };
      log(`${name}: error: ${out[name].error} (kept ${dir})`);
    }
  }
  return out;
}
