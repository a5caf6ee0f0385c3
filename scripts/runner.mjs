#!/usr/bin/env node
// Reference runner: runs custom_script and container_update tasks on this host, and
// (when asked with --types) the runner parts of backup and health_check tasks.
// It pulls work over HTTPS (no inbound port), heartbeats while a command runs,
// stops the command if the run is canceled, and reports exit code and output tails.
//
//   npm run runner -- --url http://localhost:8787 --key tk_... [--id host-1]
//                     [--types custom_script,container_update,backup,health_check]
//                     [--label project=production]
//                     [--backup-command 'my-backup.sh']   (backup: the last stdout line, if a
//                                                          JSON object, is the run's result)
//                     [--health-command '...']            (health_check container check;
//                                                          default: fails if a container is
//                                                          exited, dead or restarting)
//                     [--connectivity-command '...']      (health_check connectivity check for a
//                                                          project with no public url; default:
//                                                          every published port of a running
//                                                          container accepts a TCP connection)
//                     [--once]   (handle one claim, then exit: for scripts and tests)
// Commands get TASKS_TASK_ID, TASKS_RUN_ID and TASKS_PARAMETERS (the task's JSON parameters).
import { spawn } from "node:child_process";
import { hostname } from "node:os";

const TAIL_BYTES = 16_384;
const DEFAULT_HEALTH_COMMAND =
  "docker ps --all --format '{{.Names}} {{.Status}}' && test -z \"$(docker ps --all --quiet --filter status=exited --filter status=dead --filter status=restarting)\"";

// Each published host port (":8080->") of each running container must accept a TCP connection on this host.
const DEFAULT_CONNECTIVITY_COMMAND =
  "docker info >/dev/null && docker ps --format '{{.Names}} {{.Ports}}' | { fail=0; while read -r name ports; do " +
  "for port in $(printf '%s\\n' \"$ports\" | grep -oE ':[0-9]+->' | sed -E 's/[^0-9]//g' | sort -u); do " +
  'if timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null; then echo "$name :$port reachable"; ' +
  'else echo "$name :$port unreachable"; fail=1; fi; done; done; exit $fail; }';

function parseArgs(argv) {
  const opts = {
    url: process.env.TASKS_URL,
    key: process.env.TASKS_RUNNER_KEY,
    id: `${hostname()}-${process.pid}`,
    types: ["custom_script", "container_update"],
    labels: {},
    once: false,
    backupCommand: process.env.TASKS_BACKUP_COMMAND,
    healthCommand: process.env.TASKS_HEALTH_COMMAND ?? DEFAULT_HEALTH_COMMAND,
    connectivityCommand: process.env.TASKS_CONNECTIVITY_COMMAND ?? DEFAULT_CONNECTIVITY_COMMAND,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--url") opts.url = next();
    else if (a === "--key") opts.key = next();
    else if (a === "--id") opts.id = next();
    else if (a === "--types") opts.types = next().split(",").filter(Boolean);
    else if (a === "--label") {
      const [k, ...v] = next().split("=");
      opts.labels[k] = v.join("=");
    } else if (a === "--backup-command") opts.backupCommand = next();
    else if (a === "--health-command") opts.healthCommand = next();
    else if (a === "--connectivity-command") opts.connectivityCommand = next();
    else if (a === "--once") opts.once = true;
    else throw new Error(`unknown option ${a}`);
  }
  if (!opts.url || !opts.key) throw new Error("usage: npm run runner -- --url <api base URL> --key <API key with the runner scope>");
  opts.url = opts.url.replace(/\/+$/, "");
  return opts;
}

async function api(opts, path, body) {
  const res = await fetch(`${opts.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${opts.key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 400) throw new Error(`${path}: ${res.status} ${text}`);
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** Keeps the last `max` bytes of a stream's output. */
function tail(max = TAIL_BYTES) {
  let buf = Buffer.alloc(0);
  return {
    push(chunk) {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length > max) buf = buf.subarray(buf.length - max);
    },
    text: () => buf.toString("utf8"),
  };
}

/** The shell commands a task stands for (an empty list: nothing this runner knows how to do). */
function commandsOf(task, opts) {
  const p = task.parameters;
  if (task.type === "custom_script") return [p.command];
  if (task.type === "health_check") {
    // Connectivity from this host (a project with no public url), then the containers.
    return [...(p.runner_connectivity ? [opts.connectivityCommand] : []), ...(p.check_containers ? [opts.healthCommand] : [])];
  }
  if (task.type === "backup") return opts.backupCommand ? [opts.backupCommand] : [];
  if (p.commands?.length) return p.commands;
  const images = p.images ?? [];
  const quote = (s) => `'${String(s).replace(/'/g, "'\\''")}'`;
  return [
    ...(p.pull === false ? [] : images.map((i) => `docker pull ${quote(i)}`)),
    ...(p.restart === false ? [] : images.map((i) => `docker ps -q --filter ancestor=${quote(i)} | xargs -r docker restart`)),
  ];
}

function runShell(command, p, out, err, timeoutMs, signal) {
  return new Promise((resolve) => {
    const child = spawn(p.shell ?? "/bin/sh", ["-c", command], {
      cwd: p.cwd,
      env: { ...process.env, ...(p.env ?? {}) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    const onAbort = () => child.kill("SIGKILL");
    signal.addEventListener("abort", onAbort);
    child.stdout.on("data", (c) => out.push(c));
    child.stderr.on("data", (c) => err.push(c));
    child.on("error", (e) => err.push(Buffer.from(`${e.message}\n`)));
    child.on("close", (code) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", onAbort);
      resolve({ code: code ?? -1, timedOut });
    });
  });
}

async function execute(opts, leased) {
  const { run, task, heartbeat_interval_seconds } = leased;
  const p = task.parameters;
  const out = tail();
  const err = tail();
  const stop = new AbortController();
  const beat = setInterval(async () => {
    try {
      // Each heartbeat carries the output so far, so the run shows progress while it runs.
      const hb = await api(opts, `/v1/runs/${run.id}/heartbeat`, { runner_id: opts.id, stdout_tail: out.text(), stderr_tail: err.text() });
      if (hb.body.cancel) stop.abort();
    } catch (e) {
      console.error(`[runner] heartbeat failed: ${e.message}`);
      if (/ 409 /.test(e.message)) stop.abort();
    }
  }, heartbeat_interval_seconds * 1000);
  const timeoutMs = (p.timeout_seconds ?? task.timeout_seconds) * 1000;
  const shellOpts = {
    shell: p.shell,
    cwd: p.cwd,
    env: { ...p.env, TASKS_TASK_ID: task.id, TASKS_RUN_ID: run.id, TASKS_PARAMETERS: JSON.stringify(p) },
  };
  const commands = commandsOf(task, opts);
  let status = "succeeded";
  let exitCode = 0;
  if (commands.length === 0 && task.type === "backup") {
    err.push(Buffer.from("this runner has no backup command: start it with --backup-command '<command>' (or TASKS_BACKUP_COMMAND)\n"));
    status = "failed";
    exitCode = null;
  }
  try {
    for (const command of commands) {
      console.log(`[runner] ${run.id}: ${command}`);
      const r = await runShell(command, shellOpts, out, err, timeoutMs, stop.signal);
      exitCode = r.code;
      if (r.timedOut) status = "timed_out";
      else if (r.code !== 0) status = "failed";
      if (status !== "succeeded" || stop.signal.aborted) break;
    }
  } finally {
    clearInterval(beat);
  }
  if (stop.signal.aborted) {
    console.log(`[runner] ${run.id}: canceled`);
    return;
  }
  // A backup command may print its result (e.g. {"backup_id": "...", "size": 123}) as its last line.
  let result;
  if (task.type === "backup") {
    try {
      const last = out.text().trim().split("\n").pop() ?? "";
      const parsed = JSON.parse(last);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) result = parsed;
    } catch {
      /* no JSON result line: the output tails are the report */
    }
  }
  await api(opts, `/v1/runs/${run.id}/complete`, {
    runner_id: opts.id,
    status,
    exit_code: exitCode,
    stdout_tail: out.text(),
    stderr_tail: err.text(),
    ...(result && { result }),
  });
  console.log(`[runner] ${run.id}: ${status} (exit ${exitCode})`);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  console.log(`[runner] ${opts.id} pulling ${opts.types.join(", ")} from ${opts.url}`);
  for (;;) {
    try {
      const claim = await api(opts, "/v1/runners/claim", { runner_id: opts.id, types: opts.types, labels: opts.labels, wait_seconds: 25 });
      if (claim.status === 200) await execute(opts, claim.body);
    } catch (e) {
      console.error(`[runner] ${e.message}`);
      await new Promise((r) => setTimeout(r, 5000));
    }
    if (opts.once) return;
  }
}

main().catch((e) => {
  console.error(`[runner] ${e.message}`);
  process.exit(1);
});
