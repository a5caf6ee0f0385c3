// workerd can outlive a SIGINT to its process group (or leave it), so the bench
// remembers every descendant pid before stopping the server and checks each one.
import { execFileSync } from "node:child_process";

/** Every descendant pid of `pid` (read from ps), deepest last. */
export function descendants(pid) {
  let table;
  try {
    table = execFileSync("ps", ["-eo", "pid=,ppid="], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map((l) => l.trim().split(/\s+/).map(Number));
  } catch {
    return [];
  }
  const out = [];
  const walk = (p) => {
    for (const [c, pp] of table) {
      if (pp === p) {
        out.push(c);
        walk(c);
      }
    }
  };
  walk(pid);
  return out;
}

/** Whether a process with this pid still exists (signal 0 only checks). */
export const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
