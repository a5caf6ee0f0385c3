// Reads the started server's output line by line: the figures wrangler prints about
// queue batches and the tick's own JSON log lines are the only view the bench has of
// what the scheduler did, and error lines are counted so a run that "passed" while
// the server logged errors is visible in the report.
import { now } from "./util.mjs";

export const serverErrors = { errorLines: 0, samples: [] };
/** From the server's output: queue batches wrangler delivered, and ticks that did something. */
export const serverStats = { queueBatches: [], ticks: [] };

/** Returns a `data` listener that copies output to `logStream` and scans complete lines. */
export function lineScanner(logStream) {
  let buf = "";
  return (chunk) => {
    logStream.write(chunk);
    buf += chunk.toString();
    const lines = buf.split("\n");
    buf = lines.pop() ?? "";
    for (const line of lines) scanLine(line);
  };
}

function scanLine(line) {
  const q = /QUEUE tasks-runs (\d+)\/(\d+) \((\d+)ms\)/.exec(line);
  if (q) serverStats.queueBatches.push({ at: now(), size: Number(q[2]), ok: Number(q[1]), ms: Number(q[3]) });
  if (line.includes('"event":"tick.')) {
    try {
      const t = JSON.parse(line.slice(line.indexOf("{")));
      if (t.claimed || t.queued || t.swept || t.event !== "tick.finished")
        serverStats.ticks.push({ event: t.event, now: t.now, claimed: t.claimed, queued: t.queued, swept: t.swept });
    } catch {
      /* not a log line of ours */
    }
  }
  if (/"level":"error"|\bUncaught\b|\bERROR\b|✘/.test(line)) {
    serverErrors.errorLines++;
    if (serverErrors.samples.length < 20) serverErrors.samples.push(line.slice(0, 400));
  }
}
