// Issue 13's browser tests: the dashboard in Chromium against the service as `npm start`
// runs it. `npm test` runs them after the workerd suite (npm run test:browser alone runs
// only these). Each run has its own server, state, sink and browser.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { ADMIN_TOKEN, axeViolations, openBrowser, startService, startSink, tabThrough, v1 } from "./harness.mjs";

const HOSTILE = "<img src=x onerror=alert(1)>";
let svc;
let sink;
let b;
let key;
let org;
const ids = {};

before(async () => {
  svc = await startService();
  sink = await startSink();
  org = `browser-${Date.now()}`;
  key = (await v1(svc.base, "POST", "/v1/api-keys", ADMIN_TOKEN, { name: "browser", org, scopes: ["tasks:read", "tasks:write"] })).key;
  const task = (name, schedule) => v1(svc.base, "POST", "/v1/tasks", key, { name, type: "http", parameters: { url: sink.url }, schedule });
  ids.nightly = (await task("nightly report", { kind: "cron", expression: "0 2 * * *", timezone: "America/New_York" })).id;
  ids.often = (await task("every five", { kind: "cron", expression: "*/5 * * * *", timezone: "UTC" })).id;
  ids.hostile = (await task(HOSTILE, { kind: "cron", expression: "0 9 * * 1-5", timezone: "Europe/London" })).id;
  ids.dst = (await task("new york 02:30", { kind: "cron", expression: "30 2 * * *", timezone: "America/New_York" })).id;
  // Its next occurrence is skipped on request: the tick (or the claim on write) records it as a
  // skipped run with reason skip_next, within a minute, while the other tests run.
  ids.skipped = (await task("skip me", { kind: "cron", expression: "* * * * *", timezone: "UTC" })).id;
  await v1(svc.base, "POST", `/v1/tasks/${ids.skipped}/skip`, key, { count: 1 });
  b = await openBrowser();
});

after(async () => {
  await b?.browser.close();
  await sink?.stop();
  await svc?.stop();
});

/** Signs in through the form, as a person would: type the key, press the button. */
async function signIn() {
  const p = b.page;
  await p.goto(`${svc.base}/dashboard`);
  assert.equal(new URL(p.url()).pathname, "/dashboard/sign-in");
  const field = await p.waitForSelector("::-p-aria(API key)");
  await field.type(key);
  await Promise.all([p.waitForNavigation(), p.click('::-p-aria(Sign in[role="button"])')]);
}

describe("the dashboard in a browser", () => {
  it("signs in with an API key; the JWT is in an HttpOnly SameSite=Strict cookie, never in script-readable storage", async () => {
    await signIn();
    const p = b.page;
    assert.equal(new URL(p.url()).pathname, "/dashboard");
    assert.equal(await p.$eval("h1", (h) => h.textContent), "Tasks");
    const cookies = await p.cookies();
    const session = cookies.find((c) => c.name === "tasks_session");
    assert.ok(session, "session cookie");
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, "Strict");
    assert.equal(session.path, "/dashboard");
    assert.ok(!session.value.includes(key), "the cookie holds a JWT, not the key");
    const visible = await p.evaluate(() => ({
      cookie: document.cookie,
      local: JSON.stringify(localStorage),
      session: JSON.stringify(sessionStorage),
    }));
    assert.ok(!visible.cookie.includes("tasks_session"));
    assert.equal(visible.local, "{}");
    assert.equal(visible.session, "{}");
  });

  it("lists the tasks: names link to their pages, schedules in words, a hostile name as text", async () => {
    const p = b.page;
    const rows = await p.$$eval("table.tasks tbody tr", (trs) =>
      trs.map((tr) => ({
        name: tr.querySelector("th a")?.textContent,
        href: tr.querySelector("th a")?.getAttribute("href"),
        text: tr.textContent,
      })),
    );
    assert.deepEqual(
      rows.map((r) => r.name),
      ["skip me", "new york 02:30", HOSTILE, "every five", "nightly report"],
    );
    assert.equal(rows[4].href, `/dashboard/tasks/${ids.nightly}`);
    assert.match(rows[4].text, /At 02:00 every day, America\/New_York/);
    assert.match(rows[3].text, /Every 5 minutes, UTC/);
    assert.match(rows[2].text, /At 09:00 on Monday to Friday, Europe\/London/);
    assert.equal(await p.$$eval("main img", (imgs) => imgs.length), 0, "the name did not become an element");
    assert.deepEqual(b.problems.dialogs, []);
  });

  it("filters by status and searches by name", async () => {
    const p = b.page;
    await v1(svc.base, "POST", `/v1/tasks/${ids.often}/pause`, key);
    await p.select("#status", "paused");
    await Promise.all([p.waitForNavigation(), p.click('::-p-aria(Filter[role="button"])')]);
    assert.deepEqual(await p.$$eval("table.tasks tbody th a", (as) => as.map((a) => a.textContent)), ["every five"]);
    await p.goto(`${svc.base}/dashboard`);
    await p.type("::-p-aria(Search)", "NIGHT");
    await Promise.all([p.waitForNavigation(), p.keyboard.press("Enter")]);
    assert.deepEqual(await p.$$eval("table.tasks tbody th a", (as) => as.map((a) => a.textContent)), ["nightly report"]);
    await v1(svc.base, "POST", `/v1/tasks/${ids.often}/resume`, key);
  });

  it("has no serious or critical accessibility violations (axe-core) on the Tasks page", async () => {
    await b.page.goto(`${svc.base}/dashboard`);
    assert.deepEqual(await axeViolations(b.page), []);
  });

  it("reaches every link, field and button with the keyboard alone", async () => {
    await b.page.goto(`${svc.base}/dashboard`);
    const { reached, wanted } = await tabThrough(b.page);
    assert.ok(wanted.length >= 10, `a page with its navigation, filters and rows (${wanted.length} focusable)`);
    const missing = wanted.filter((w) => !reached.includes(w));
    assert.deepEqual(missing, []);
    assert.ok(reached.some((r) => r.endsWith(":Sign out")));
  });

  it("creates a task through the form: a bad cron shows the service's message inline, a good one creates it", async () => {
    const p = b.page;
    await p.goto(`${svc.base}/dashboard`);
    await Promise.all([p.waitForNavigation(), p.click('::-p-aria(New task[role="link"])')]);
    assert.equal(await p.$eval("h1", (h) => h.textContent), "New task");
    await p.type("::-p-aria(Name)", "made in the browser");
    await p.$eval(
      "#f-parameters",
      (el, url) => {
        el.value = JSON.stringify({ url });
      },
      sink.url,
    );
    const cron = await p.$("::-p-aria(Cron expression)");
    await cron.click({ count: 3 });
    await cron.type("0 25 * * *");
    // The live preview shows the service's own message as you type.
    await p.waitForFunction(() => document.querySelector("#schedule-preview .error")?.textContent.includes("25"));
    await Promise.all([p.waitForNavigation(), p.click('::-p-aria(Create task[role="button"])')]);
    const inline = await p.$eval("#e-schedule-expression", (e) => e.textContent);
    assert.match(inline, /hour field "25" is out of range/);
    assert.equal(await p.$eval("#f-schedule-expression", (e) => e.getAttribute("aria-invalid")), "true");
    assert.deepEqual(await axeViolations(p), [], "the form with its errors is accessible");

    const again = await p.$("::-p-aria(Cron expression)");
    await again.click({ count: 3 });
    await again.type("0 2 * * *");
    await p.waitForFunction(() => document.querySelectorAll("#schedule-preview li").length === 10);
    await Promise.all([p.waitForNavigation(), p.click('::-p-aria(Create task[role="button"])')]);
    assert.equal(await p.$eval("h1", (h) => h.textContent), "made in the browser");
    assert.match(await p.$eval("[role=status]", (e) => e.textContent), /Task created/);
    ids.made = new URL(p.url()).pathname.split("/").pop();
  });

  it("Run now: the run page follows the run until it succeeds against the local sink", async () => {
    const p = b.page;
    const before = sink.calls.length;
    await Promise.all([p.waitForNavigation(), p.click('::-p-aria(Run now[role="button"])')]);
    assert.match(new URL(p.url()).pathname, /^\/dashboard\/runs\//);
    // The page reloads itself every 2 s until the run finishes.
    await p.waitForFunction(() => document.querySelector(".facts .badge")?.textContent === "succeeded", { timeout: 30_000, polling: 500 });
    assert.equal(sink.calls.length, before + 1);
    assert.match(await p.$eval("main", (m) => m.textContent), /hello from the sink/);
    assert.deepEqual(await axeViolations(p), []);
  });

  it("pauses and resumes from the task page", async () => {
    const p = b.page;
    await p.goto(`${svc.base}/dashboard/tasks/${ids.made}`);
    await Promise.all([p.waitForNavigation(), p.click('::-p-aria(Pause[role="button"])')]);
    assert.match(await p.$eval("[role=status]", (e) => e.textContent), /Paused/);
    assert.equal((await v1(svc.base, "GET", `/v1/tasks/${ids.made}`, key)).status, "paused");
    await Promise.all([p.waitForNavigation(), p.click('::-p-aria(Resume[role="button"])')]);
    assert.match(await p.$eval("[role=status]", (e) => e.textContent), /Resumed/);
    assert.equal((await v1(svc.base, "GET", `/v1/tasks/${ids.made}`, key)).status, "active");
  });

  it("the task page is accessible and every button on it is reachable by keyboard", async () => {
    const p = b.page;
    await p.goto(`${svc.base}/dashboard/tasks/${ids.made}`);
    assert.deepEqual(await axeViolations(p), []);
    const { reached, wanted } = await tabThrough(p);
    assert.deepEqual(
      wanted.filter((w) => !reached.includes(w)),
      [],
    );
    for (const label of ["Run now", "Pause", "Snooze", "Skip next", "Edit", "Delete"]) {
      assert.ok(
        reached.some((r) => r.includes(`:button:`) && r.endsWith(label)),
        `${label} reached`,
      );
    }
  });

  it("Upcoming from 2027-03-12 marks the New York 02:30 run that DST moves, and shows a mark's times on focus", async () => {
    const p = b.page;
    await p.goto(`${svc.base}/dashboard`);
    await Promise.all([p.waitForNavigation(), p.click('::-p-aria(Upcoming[role="link"])')]);
    await p.goto(`${svc.base}/dashboard/upcoming?from=2027-03-12`);
    const row = await p.$$eval("table.timeline tbody tr", (trs) => {
      const tr = trs.find((t) => t.querySelector("th a")?.textContent === "new york 02:30");
      return {
        marks: [...tr.querySelectorAll("a.mark")].map((a) => ({ cls: a.className, tip: a.textContent })),
        note: tr.querySelector(".dst-note")?.textContent,
        lines: tr.querySelectorAll(".dst-line").length,
      };
    });
    assert.equal(row.marks.length, 7);
    const moved = row.marks.filter((m) => m.cls.includes("k-dst"));
    assert.equal(moved.length, 1);
    assert.match(moved[0].tip, /2027-03-14 03:00 EDT/);
    assert.match(row.note, /clocks forward 60 min/);
    assert.equal(row.lines, 1);
    // Focusing the mark (keyboard) shows its tooltip; it is hidden otherwise.
    const mark = await p.$("table.timeline a.mark.k-dst");
    const width = () => mark.$eval(".tip", (t) => t.offsetWidth);
    assert.ok((await width()) <= 1, `hidden before focus (${await width()} px)`);
    await mark.focus();
    assert.ok((await width()) > 50, `shown on focus (${await width()} px)`);
    assert.deepEqual(await axeViolations(p), []);
  });

  it("Missed & failed lists the skipped run with its reason", async () => {
    const p = b.page;
    await Promise.all([p.waitForNavigation(), p.click('::-p-aria(Missed & failed[role="link"])')]);
    const deadline = Date.now() + 100_000;
    for (;;) {
      const text = await p.$eval("main", (m) => m.textContent);
      if (/skip me/.test(text) && /skip_next: skipped on request/.test(text)) break;
      assert.ok(Date.now() < deadline, "the skipped run appears within 100 s");
      await new Promise((r) => setTimeout(r, 3000));
      await p.reload();
    }
    assert.ok(await p.$("svg[aria-labelledby='ledger-chart-title ledger-chart-desc']"));
    assert.deepEqual(await axeViolations(p), []);
  });

  it("reaches every link, field and button by keyboard on the form, Upcoming, Missed & failed and Runners too", async () => {
    const p = b.page;
    for (const path of ["/dashboard/tasks/new", "/dashboard/upcoming?from=2027-03-12", "/dashboard/ledger", "/dashboard/runners"]) {
      await p.goto(`${svc.base}${path}`);
      const { reached, wanted } = await tabThrough(p, 600);
      assert.deepEqual(
        wanted.filter((w) => !reached.includes(w)),
        [],
        path,
      );
    }
  });

  it("signs out from the navigation: the cookie is gone and pages ask to sign in again", async () => {
    const p = b.page;
    await Promise.all([p.waitForNavigation(), p.click('::-p-aria(Sign out[role="link"])')]);
    assert.equal(new URL(p.url()).pathname, "/dashboard/sign-in");
    assert.equal(
      (await p.cookies()).find((c) => c.name === "tasks_session"),
      undefined,
    );
    assert.deepEqual(await axeViolations(p), [], "the sign-in page is accessible too");
    await p.goto(`${svc.base}/dashboard`);
    assert.equal(new URL(p.url()).pathname, "/dashboard/sign-in");
  });

  it("the admin token signs in for an organization; Admin issues a key that is shown once; Runners is accessible", async () => {
    const p = b.page;
    await p.goto(`${svc.base}/dashboard/sign-in`);
    await p.type("::-p-aria(API key)", ADMIN_TOKEN);
    await p.type("::-p-aria(Organization (only with the admin token))", org);
    await Promise.all([p.waitForNavigation(), p.click('::-p-aria(Sign in[role="button"])')]);
    assert.equal(await p.$eval("h1", (h) => h.textContent), "Tasks");
    assert.ok((await p.$$eval("table.tasks tbody tr", (trs) => trs.length)) >= 5, "the organization's tasks");
    await Promise.all([p.waitForNavigation(), p.click('::-p-aria(Admin[role="link"])')]);
    await p.type("::-p-aria(Key name)", "made by the admin");
    await Promise.all([p.waitForNavigation(), p.click('::-p-aria(Issue key[role="button"])')]);
    const newKey = await p.$eval("code.secret", (e) => e.textContent);
    assert.match(newKey, /^tk_/);
    assert.equal((await v1(svc.base, "GET", "/v1/tasks?limit=1", newKey)).total >= 5, true);
    assert.deepEqual(await axeViolations(p), []);
    await p.goto(`${svc.base}/dashboard/admin`);
    assert.ok(!(await p.content()).includes(newKey), "the key is shown once");
    await Promise.all([p.waitForNavigation(), p.click('::-p-aria(Runners[role="link"])')]);
    assert.deepEqual(await axeViolations(p), []);
  });

  it("logged no console errors, sent no request off localhost, and failed no request but the bad cron's form", () => {
    assert.deepEqual(b.problems.console, []);
    assert.deepEqual(b.problems.failed, ["POST 400 /dashboard/tasks/new"]);
    assert.deepEqual(b.problems.offsite, []);
  });
});

describe("the README's client lines", () => {
  it("list the tasks from plain Node", async () => {
    const readme = readFileSync("README.md", "utf8");
    const code = /<!-- client-snippet -->\s*```js\n([\s\S]*?)```/.exec(readme)?.[1];
    assert.ok(code, "the README has the snippet");
    assert.equal(code.trim().split("\n").length, 5);
    // Next to package.json, so `openapi-fetch` resolves from node_modules as in a user's project.
    const file = ".client-snippet.test-tmp.mjs";
    writeFileSync(file, code.replace("http://localhost:8787", svc.base));
    try {
      const out = execFileSync(process.execPath, [file], { env: { ...process.env, KEY: key }, encoding: "utf8" });
      assert.match(out, /^nightly report active \d{4}-/m);
      const { total } = await v1(svc.base, "GET", "/v1/tasks?limit=1", key);
      assert.equal(out.trim().split("\n").length, Math.min(10, total));
    } finally {
      rmSync(file, { force: true });
    }
  });
});
