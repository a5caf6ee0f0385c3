// `npm run bench:dashboard`: the dashboard's budgets (issue 13), measured, never a timed test.
//  - JS shipped to the browser: every script a dashboard page loads, gzipped (budget 80 KB).
//  - The Tasks page with 1,000 tasks renders in under 1 s locally: the service started as
//    `npm start` starts it (its own port and temporary state, rate limit raised for seeding),
//    1,000 tasks created through /v1, then Chromium loads /dashboard (first page, a middle
//    page, a search, a status filter) 10 times each; time = navigation start to the load event.
// Writes bench/results/dashboard.md and dashboard-<date>.json; exits 1 when a budget is missed.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { ADMIN_TOKEN, openBrowser, startService, v1 } from "../test/browser/harness.mjs";

const TASKS = 1000;
const REPEATS = 10;
const JS_BUDGET = 80 * 1024;
const PAGE_BUDGET_MS = 1000;

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};

const svc = await startService(["--var", "RATE_LIMIT_PER_MINUTE:100000000", "--var", "RATE_LIMIT_BURST:1000000"]);
let b;
try {
  const org = `bench-dashboard-${Date.now()}`;
  const key = (await v1(svc.base, "POST", "/v1/api-keys", ADMIN_TOKEN, { name: "bench", org, scopes: ["tasks:read", "tasks:write"] })).key;
  const t0 = Date.now();
  for (let i = 0; i < TASKS; i += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, TASKS - i) }, (_, j) =>
        v1(svc.base, "POST", "/v1/tasks", key, {
          name: `bench task ${String(i + j).padStart(4, "0")}`,
          type: "http",
          parameters: { url: "https://example.com/hook" },
          schedule: {
            kind: "cron",
            expression: `${(i + j) % 60} ${(i + j) % 24} * * *`,
            timezone: (i + j) % 2 ? "America/New_York" : "UTC",
          },
        }),
      ),
    );
  }
  const seeded = Date.now() - t0;

  b = await openBrowser();
  const p = b.page;
  await p.goto(`${svc.base}/dashboard/sign-in`);
  await p.type("::-p-aria(API key)", key);
  await Promise.all([p.waitForNavigation(), p.click('::-p-aria(Sign in[role="button"])')]);

  const pages = {
    "Tasks, first page": "/dashboard",
    "Tasks, page 10": "/dashboard?page=10",
    "Tasks, search": "/dashboard?q=task%2009",
    "Tasks, status filter": "/dashboard?status=active&page=5",
  };
  const results = {};
  const scripts = new Set();
  for (const [name, path] of Object.entries(pages)) {
    const times = [];
    for (let i = 0; i < REPEATS; i++) {
      await p.goto(`${svc.base}${path}`, { waitUntil: "load" });
      const t = await p.evaluate(() => {
        const [nav] = performance.getEntriesByType("navigation");
        return { total: nav.loadEventEnd - nav.startTime, server: nav.responseEnd - nav.requestStart };
      });
      times.push(t);
      for (const src of await p.$$eval("script[src]", (ss) => ss.map((s) => s.getAttribute("src")))) scripts.add(src);
    }
    const total = times.map((t) => t.total);
    const server = times.map((t) => t.server);
    results[name] = {
      path,
      rows: await p.$$eval("table.tasks tbody tr", (trs) => trs.length),
      p50_ms: Math.round(pct(total, 50)),
      max_ms: Math.round(Math.max(...total)),
      server_p50_ms: Math.round(pct(server, 50)),
    };
  }
  const js = [...scripts].map((src) => {
    const bytes = readFileSync(`public${src}`);
    return { src, bytes: bytes.length, gzip: gzipSync(bytes).length };
  });
  const jsGzip = js.reduce((n, f) => n + f.gzip, 0);
  const pageOk = Object.values(results).every((r) => r.max_ms < PAGE_BUDGET_MS);
  const jsOk = jsGzip <= JS_BUDGET;
  const date = new Date().toISOString().slice(0, 10);
  const report = {
    date,
    tasks: TASKS,
    seeded_ms: seeded,
    repeats: REPEATS,
    pages: results,
    js,
    js_gzip_bytes: jsGzip,
    budgets: { page_ms: PAGE_BUDGET_MS, js_gzip_bytes: JS_BUDGET },
    pass: pageOk && jsOk,
  };
  mkdirSync("bench/results", { recursive: true });
  writeFileSync(`bench/results/dashboard-${date}.json`, `${JSON.stringify(report, null, 2)}\n`);
  const md = [
    `# Dashboard budgets (${date})`,
    "",
    `\`npm run bench:dashboard\`: ${TASKS} tasks in one organization, the service as \`npm start\` runs it (wrangler dev, local D1), Chromium from @sparticuz/chromium, ${REPEATS} loads per page; time from navigation start to the load event.`,
    "",
    "| Page | Rows | p50 | max | server p50 | budget |",
    "|---|---|---|---|---|---|",
    ...Object.entries(results).map(
      ([n, r]) =>
        `| ${n} (\`${r.path}\`) | ${r.rows} | ${r.p50_ms} ms | ${r.max_ms} ms | ${r.server_p50_ms} ms | < ${PAGE_BUDGET_MS} ms ${r.max_ms < PAGE_BUDGET_MS ? "✓" : "✗"} |`,
    ),
    "",
    `JS shipped to the browser: ${js.map((f) => `\`${f.src}\` ${f.bytes} B (${f.gzip} B gzipped)`).join(", ")}; total ${jsGzip} B gzipped, budget ${JS_BUDGET} B ${jsOk ? "✓" : "✗"}.`,
    "",
    `Result: ${report.pass ? "all budgets met" : "a budget was missed"}.`,
    "",
  ].join("\n");
  writeFileSync("bench/results/dashboard.md", md);
  console.log(md);
  if (!report.pass) process.exitCode = 1;
} finally {
  await b?.browser.close();
  await svc.stop();
}
