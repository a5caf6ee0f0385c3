// What the figures were measured on: they mean little without the versions, the
// cores, the load and the commit (dirty or not) next to them.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "./config.mjs";

/** Node, wrangler/workerd/miniflare, OS, CPU, memory, load average and git state. */
export function versions() {
  const pkg = (p) => {
    try {
      return JSON.parse(readFileSync(path.join(ROOT, "node_modules", p, "package.json"), "utf8")).version;
    } catch {
      return null;
    }
  };
  let commit = null;
  let dirty = null;
  let dirtyFiles = [];
  try {
    commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
    dirtyFiles = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: ROOT, encoding: "utf8" })
      .split("\n")
      .filter(Boolean)
      .map((l) => l.slice(3));
    dirty = dirtyFiles.length > 0;
  } catch {
    /* not a git checkout */
  }
  return {
    node: process.version,
    wrangler: pkg("wrangler"),
    workerd: pkg("workerd"),
    miniflare: pkg("miniflare"),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpu: os.cpus()[0]?.model ?? null,
    cores: os.cpus().length,
    memory_gb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    load_average_at_start: os.loadavg().map((x) => Math.round(x * 100) / 100),
    git_commit: commit,
    git_dirty: dirty,
    git_dirty_files: dirtyFiles.slice(0, 30),
  };
}
