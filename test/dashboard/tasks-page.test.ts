import { describe, expect, it } from "vitest";
import { call, createTask, tenant } from "../helpers/api";
import { captureQueue, tickAt } from "../helpers/engine";
import { page, signIn } from "../helpers/dashboard";

/** The rows of the Tasks table: each row's name cell text. */
const rowNames = (html: string) => [...html.matchAll(/<th scope="row"><a href="[^"]*">([\s\S]*?)<\/a><\/th>/g)].map((m) => m[1]);

describe("the Tasks page", () => {
  it("shows one row per task: name linking to its page, type, schedule in words, status, next run, last outcomes", async () => {
    captureQueue();
    const { key } = await tenant();
    const t = await createTask(key, {
      name: "nightly",
      schedule: { kind: "cron", expression: "0 2 * * *", timezone: "America/New_York" },
    });
    await createTask(key, { name: "often", schedule: { kind: "cron", expression: "*/5 * * * *", timezone: "UTC" } });
    await call("POST", `/v1/tasks/${t.id}/run`, { token: key });
    const r = await page("/dashboard", await signIn(key));
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^text\/html/);
    expect(rowNames(r.body)).toEqual(["often", "nightly"]);
    expect(r.body).toContain(`<a href="/dashboard/tasks/${t.id}">nightly</a>`);
    expect(r.body).toContain("At 02:00 every day, America/New_York");
    expect(r.body).toContain("Every 5 minutes, UTC");
    expect(r.body).toMatch(/<time datetime="[^"]+">in \d+ (h|min|s)<\/time>/);
    // Absolute in the task's zone (EST/EDT), and in the viewer's (the sign-in's zone) only where it differs.
    expect(r.body).toMatch(/\d{4}-\d\d-\d\d 02:00 E[SD]T/);
    expect(r.body).toContain('aria-label="Last 1 outcomes: 1 queued"');
    expect(r.body).toMatch(/<label for="q">Search<\/label>/);
  });

  it("the next run is the occurrence already queued by a tick that claimed ahead, not the one after it", async () => {
    const q = captureQueue();
    const { key } = await tenant();
    const t = await createTask(key, { name: "hourly", schedule: { kind: "cron", expression: "0 * * * *", timezone: "UTC" } });
    const due = t.next_run_at as string;
    // The tick that claims `due` (a minute before it) queues its run and moves next_run_at an hour on.
    await tickAt(Date.parse(due) - 60_000);
    q.take(t.id);
    const after = (await call("GET", `/v1/tasks/${t.id}`, { token: key })).body;
    const queued = (await call("GET", `/v1/tasks/${t.id}/runs?status=queued`, { token: key })).body.runs as { scheduled_for: string }[];
    const first = queued.map((x) => x.scheduled_for).sort()[0] as string;
    expect(Date.parse(first)).toBeLessThanOrEqual(Date.parse(due));
    expect(Date.parse(after.next_run_at)).toBeGreaterThan(Date.parse(first));
    const r = await page("/dashboard", await signIn(key));
    expect(r.body).toContain(`<time datetime="${first}">`);
    expect(r.body).not.toContain(`<time datetime="${after.next_run_at}">`);
  });

  it("renders a hostile name as text", async () => {
    const { key } = await tenant();
    await createTask(key, { name: "<img src=x onerror=alert(1)>" });
    const r = await page("/dashboard", await signIn(key));
    expect(r.body).not.toContain("<img src=x");
    expect(r.body).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });

  it("filters by status and type, searches by name, and pages through", async () => {
    const { key } = await tenant();
    const cookie = await signIn(key);
    const paused = await createTask(key, { name: "alpha paused" });
    await call("POST", `/v1/tasks/${paused.id}/pause`, { token: key });
    await createTask(key, { name: "beta" });
    await createTask(key, {
      name: "gamma",
      type: "workflow",
      parameters: { callback_type: "webhook", callback_id: "w", url: "https://example.com/w" },
    });
    expect(rowNames((await page("/dashboard?status=paused", cookie)).body)).toEqual(["alpha paused"]);
    expect(rowNames((await page("/dashboard?type=workflow", cookie)).body)).toEqual(["gamma"]);
    expect(rowNames((await page("/dashboard?q=ET", cookie)).body)).toEqual(["beta"]);
    // An unknown filter value is the API's 400, shown as a page, not a crash.
    expect((await page("/dashboard?status=bogus", cookie)).status).toBe(400);

    for (let i = 0; i < 50; i++) await createTask(key, { name: `bulk-${String(i).padStart(2, "0")}` });
    const first = await page("/dashboard", cookie);
    expect(rowNames(first.body)).toHaveLength(50);
    expect(first.body).toContain("53 tasks · page 1 of 2");
    expect(first.body).toContain('<a href="/dashboard?page=2" rel="next">Next page</a>');
    const second = await page("/dashboard?page=2", cookie);
    expect(rowNames(second.body)).toEqual(["gamma", "beta", "alpha paused"]);
  });

  it("shows only the signed-in organization's tasks", async () => {
    const a = await tenant();
    const b = await tenant();
    await createTask(a.key, { name: "mine" });
    await createTask(b.key, { name: "theirs" });
    expect(rowNames((await page("/dashboard", await signIn(a.key))).body)).toEqual(["mine"]);
  });
});
