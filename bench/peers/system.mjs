// Finding and running the peers' servers: free loopback ports, binaries on PATH (or,
// for Postgres, under Debian's versioned directory), and a child process whose whole
// life the bench owns (started here, stopped here, never left behind).
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { alive } from "../load/process-tree.mjs";
import { sleep } from "../load/util.mjs";

/** Stop functions of the peer servers now running, so an interrupted bench still stops them. */
const running = new Set();

/** Remembers `stop` until it has run; returns a stop that runs once and forgets itself. */
export function track(stop) {
  const once = async () => {
    running.delete(once);
    await stop();
  };
  running.add(once);
  return once;
}

/** Stops every peer server still running (the entry points call it on SIGINT/SIGTERM). */
export async function stopPeerServers() {
  for (const stop of [...running]) await stop().catch(() => {});
}

/** A port nothing listens on right now (the OS picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Absolute path of `bin` on PATH, or null. */
export function which(bin) {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const p = path.join(dir, bin);
    if (dir && existsSync(p)) return p;
  }
  return null;
}

/** Debian installs initdb/pg_ctl under /usr/lib/postgresql/<version>/bin, off PATH: newest first. */
export function pgBin(bin) {
  const onPath = which(bin);
  if (onPath) return onPath;
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const p = path.join(root, v, "bin", bin);
    if (existsSync(p)) return p;
  }
  return null;
}

/** Spawns a long-lived child; output goes to `logStream`. Returns the child. */
export function daemon(cmd, args, logStream, opts = {}) {
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"], ...opts });
  child.stdout.pipe(logStream, { end: false });
  child.stderr.pipe(logStream, { end: false });
  return child;
}

/** SIGTERM, then SIGKILL after 5 s: this child's pid only. */
export async function stopChild(child) {
  if (!child || child.exitCode !== null || !child.pid) return;
  child.kill("SIGTERM");
  for (let i = 0; i < 25 && alive(child.pid) && child.exitCode === null; i++) await sleep(200);
  if (child.exitCode === null && alive(child.pid)) child.kill("SIGKILL");
}
