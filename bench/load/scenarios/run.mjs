// Runs one scenario and records what it cost around it. A scenario that throws is a
// failed scenario with its error, never the end of the bench: the others still run
// and the report still gets written.
import os from "node:os";
import { devProxy } from "../client.mjs";
import { serverErrors } from "../server-log.mjs";
import { log } from "../util.mjs";

/** Stores `await fn()` as `report.scenarios[name]`, plus server error lines, dev-proxy 503s and load average during it. */
export async function runScenario(report, name, fn) {
  log(`scenario ${name}`);
  const errorsBefore = serverErrors.errorLines;
  const loadBefore = os.loadavg()[0];
  const proxyBefore = { ...devProxy };
  try {
    report.scenarios[name] = await fn();
  } catch (e) {
    report.scenarios[name] = { pass: false, error: e instanceof Error ? e.message : String(e) };
  }
  report.scenarios[name].server_error_lines = serverErrors.errorLines - errorsBefore;
  report.scenarios[name].dev_proxy_503_retried = devProxy.dropped - proxyBefore.dropped;
  report.scenarios[name].load_average_1m = { before: Math.round(loadBefore * 100) / 100, after: Math.round(os.loadavg()[0] * 100) / 100 };
  log(`scenario ${name}: ${report.scenarios[name].pass ? "PASS" : "FAIL"}`);
}
