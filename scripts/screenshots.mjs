// `npm run screenshots`: the README's pictures of the dashboard (docs/dashboard-*.png).
// Starts the service as `npm start` does (its own port and temporary state) with a local
// sink, seeds an organization with a few tasks and runs (one succeeding, one failing for
// good, one skipped on request), signs in with Chromium and photographs Tasks, a task page,
// Upcoming (from 2027-03-12, across New York's spring-forward) and Missed & failed.
import { mkdirSync } from "node:fs";
import { ADMIN_TOKEN, openBrowser, startService, startSink, v1 } from "../test/browser/harness.mjs";

const svc = await startService();
const sink = await startSink();
let b;
try {
  const key = (
    await v1(svc.base, "POST", "/v1/api-keys", ADMIN_TOKEN, { name: "screenshots", org: "acme", scopes: ["tasks:read", "tasks:write"] })
  ).key;
  const create = (body) => v1(svc.base, "POST", "/v1/tasks", key, { type: "http", parameters: { url: sink.url }, ...body });
  const ping = await create({ name: "ping the sink", schedule: { kind: "cron", expression: "*/5 * * * *", timezone: "Europe/London" } });
  await create({ name: "nightly backup", schedule: { kind: "cron", expression: "30 2 * * *", timezone: "America/New_York" } });
  await create({
    name: "weekly report",
    type: "workflow",
    parameters: { callback_type: "webhook", callback_id: "report", url: sink.url },
    schedule: { kind: "rrule", rule: "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0", timezone: "Europe/Paris" },
  });
  const broken = await create({
    name: "flaky endpoint",
    parameters: { url: "http://localhost:1/down" },
    retry: { max_retries: 0 },
    schedule: { kind: "cron", expression: "0 * * * *", timezone: "UTC" },
  });
  const skipped = await create({ name: "minutely check", schedule: { kind: "cron", expression: "* * * * *", timezone: "UTC" } });
  await v1(svc.base, "POST", `/v1/tasks/${skipped.id}/skip`, key, { count: 1 });
  for (let i = 0; i < 6; i++) await v1(svc.base, "POST", `/v1/tasks/${ping.id}/run`, key);
  await v1(svc.base, "POST", `/v1/tasks/${broken.id}/run`, key);
  // Wait for the runs to finish and for the skipped occurrence to be recorded (up to a minute and a half).
  for (let i = 0; i < 45; i++) {
    const s = await v1(svc.base, "GET", "/v1/runs?status=skipped&limit=1", key);
    const f = await v1(svc.base, "GET", "/v1/runs?status=failed&final=true&limit=1", key);
    if (s.total > 0 && f.total > 0) break;
    await new Promise((r) => setTimeout(r, 2000));
  }

  b = await openBrowser();
  const p = b.page;
  await p.emulateTimezone("America/New_York");
  await p.goto(`${svc.base}/dashboard/sign-in`);
  await p.type("::-p-aria(API key)", key);
  await Promise.all([p.waitForNavigation(), p.click('::-p-aria(Sign in[role="button"])')]);
  mkdirSync("docs", { recursive: true });
  const shots = {
    "dashboard-tasks.png": "/dashboard",
    "dashboard-task.png": `/dashboard/tasks/${ping.id}`,
    "dashboard-upcoming.png": "/dashboard/upcoming?from=2027-03-12",
    "dashboard-ledger.png": "/dashboard/ledger",
  };
  for (const [file, path] of Object.entries(shots)) {
    await p.goto(`${svc.base}${path}`, { waitUntil: "load" });
    await p.screenshot({ path: `docs/${file}`, fullPage: true });
    console.log(`docs/${file} ← ${path}`);
  }
} finally {
  await b?.browser.close();
  await sink.stop();
  await svc.stop();
}
