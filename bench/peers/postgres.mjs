// A throwaway Postgres cluster for pg-boss: initdb into a temp directory, started by
// pg_ctl on a free loopback port with its socket in that directory, stopped and removed
// afterwards. Postgres refuses to run as root, so as root the cluster belongs to the
// `postgres` user (Debian's package creates it) and the commands run through runuser.
import { execFileSync } from "node:child_process";
import { chownSync, mkdirSync } from "node:fs";
import path from "node:path";
import { freePort, pgBin, track } from "./system.mjs";

const asRoot = process.getuid?.() === 0;

function run(bin, args) {
  const [cmd, argv] = asRoot ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
  return execFileSync(cmd, argv, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** initdb + pg_ctl start; resolves to { url, stop() }. */
export async function startPostgres(dir) {
  const initdb = pgBin("initdb");
  const pgCtl = pgBin("pg_ctl");
  if (!initdb || !pgCtl) throw new Error("initdb/pg_ctl not found");
  const data = path.join(dir, "pgdata");
  const sock = path.join(dir, "pgsock");
  mkdirSync(data, { recursive: true });
  mkdirSync(sock, { recursive: true });
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    for (const d of [dir, data, sock]) chownSync(d, uid, gid);
  }
  const port = await freePort();
  run(initdb, ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync"]);
  // fsync off: the cluster is thrown away, and the other two systems do not fsync each job either.
  const opts = `-p ${port} -k ${sock} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=50`;
  run(pgCtl, ["start", "-D", data, "-l", path.join(dir, "postgres.log"), "-w", "-o", opts]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    settings: "fsync=off, synchronous_commit=off",
    stop: track(async () => {
      try {
        run(pgCtl, ["stop", "-D", data, "-m", "fast", "-w"]);
      } catch {
        /* already stopped */
      }
    }),
  };
}
