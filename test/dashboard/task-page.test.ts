import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, createTask, tenant } from "../helpers/api";
import { captureQueue } from "../helpers/engine";
import { page, post, signIn } from "../helpers/dashboard";

const h1 = (html: string) => /<h1>([\s\S]*?)<\/h1>/.exec(html)?.[1];
const previewItems = (html: string) => [
  ...(/<ol class="preview">([\s\S]*?)<\/ol>/.exec(html)?.[1] ?? "").matchAll(/<li[^>]*>([\s\S]*?)<\/li>/g),
];

/** A finished run written as the engine would leave it (status, timings, final). */
async function finish(runId: string, status: string, ms: number, extra: { final?: boolean; error?: string } = {}) {
  const started = Date.now() - 60_000;
  await env.DB.prepare("UPDATE runs SET status = ?, started_at = ?, finished_at = ?, duration_ms = ?, final = ?, error = ? WHERE id = ?")
    .bind(status, started, started + ms, ms, extra.final ? 1 : 0, extra.error ?? null, runId)
    .run();
}

describe("the task page", () => {
  it("shows the name as its heading, the schedule in words and the next 10 runs, with DST moves and exclusions marked", async () => {
    const { key } = await tenant();
    const cookie = await signIn(key);
    const dst = await createTask(key, {
      name: "spring forward",
      schedule: { kind: "cron", expression: "30 2 14 3 *", timezone: "America/New_York" },
    });
    const r = await page(`/dashboard/tasks/${dst.id}`, cookie);
    expect(r.status).toBe(200);
    expect(h1(r.body)).toBe("spring forward");
    expect(r.body).toContain("At 02:30 on day 14 of March"); // not a common shape: shown as the expression
    const items = previewItems(r.body);
    expect(items).toHaveLength(10);
    // 2027-03-14 02:30 does not exist in New York: the run moves to 03:00 and is marked.
    expect(items[0]?.[0]).toMatch(/class="marked m-dst"/);
    expect(items[0]?.[1]).toContain("2027-03-14 03:00 EDT");
    expect(items[0]?.[1]).toContain("DST gap");

    const day = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const excluded = await createTask(key, {
      name: "weekdays but one",
      schedule: { kind: "cron", expression: "0 9 * * *", timezone: "UTC", except: [day] },
    });
    const e = previewItems((await page(`/dashboard/tasks/${excluded.id}`, cookie)).body);
    const marked = e.filter((m) => m[0].includes("m-excluded"));
    expect(marked).toHaveLength(1);
    expect(marked[0]?.[1]).toContain(`${day} 09:00 UTC`);
    expect(marked[0]?.[1]).toContain("excluded date");
  });

  it("has the actions as buttons, and each one does what it says through /v1", async () => {
    captureQueue();
    const { key } = await tenant();
    const cookie = await signIn(key);
    const t = await createTask(key, { name: "act on me" });
    const html = (await page(`/dashboard/tasks/${t.id}`, cookie)).body;
    for (const label of ["Run now", "Pause", "Snooze", "Skip next", "Edit", "Delete"]) expect(html).toContain(`>${label}</button>`);
    expect(html).not.toContain(">Resume</button>");

    const state = async () => (await call("GET", `/v1/tasks/${t.id}`, { token: key })).body;
    let r = await post(`/dashboard/tasks/${t.id}/pause`, {}, { cookie });
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe(`/dashboard/tasks/${t.id}?done=paused`);
    expect((await state()).status).toBe("paused");
    const paused = (await page(`/dashboard/tasks/${t.id}?done=paused`, cookie)).body;
    expect(paused).toContain(">Resume</button>");
    expect(paused).toContain('role="status"');

    r = await post(`/dashboard/tasks/${t.id}/resume`, {}, { cookie });
    expect((await state()).status).toBe("active");
    r = await post(`/dashboard/tasks/${t.id}/skip`, {}, { cookie });
    expect((await state()).skip_next).toBe(1);
    r = await post(`/dashboard/tasks/${t.id}/snooze`, { delay_seconds: "3600" }, { cookie });
    expect((await state()).snoozed_until).not.toBeNull();

    r = await post(`/dashboard/tasks/${t.id}/run`, {}, { cookie });
    expect(r.status).toBe(303);
    const runPath = r.headers.get("location") ?? "";
    expect(runPath).toMatch(/^\/dashboard\/runs\/[0-9a-f-]{36}$/);
    const run = await page(runPath, cookie);
    expect(run.status).toBe(200);
    expect(run.body).toContain("Run of act on me");
    expect(run.body).toContain('data-refresh="2"'); // queued: the page refreshes until it finishes

    const confirm = await page(`/dashboard/tasks/${t.id}/delete`, cookie);
    expect(confirm.body).toContain(">Delete task</button>");
    expect((await call("GET", `/v1/tasks/${t.id}`, { token: key })).status).toBe(200);
    r = await post(`/dashboard/tasks/${t.id}/delete`, {}, { cookie });
    expect(r.headers.get("location")).toBe("/dashboard?done=deleted");
    expect((await call("GET", `/v1/tasks/${t.id}`, { token: key })).status).toBe(404);
  });

  it("refuses an action without this origin's Origin", async () => {
    const { key } = await tenant();
    const cookie = await signIn(key);
    const t = await createTask(key);
    expect((await post(`/dashboard/tasks/${t.id}/pause`, {}, { cookie, origin: "https://evil.example" })).status).toBe(403);
    expect((await post(`/dashboard/tasks/${t.id}/delete`, {}, { cookie, origin: null })).status).toBe(403);
    expect((await call("GET", `/v1/tasks/${t.id}`, { token: key })).body.status).toBe("active");
  });

  it("answers another organization's task and run as not found", async () => {
    captureQueue();
    const a = await tenant();
    const b = await tenant();
    const theirs = await createTask(b.key, { name: "theirs" });
    const run = (await call("POST", `/v1/tasks/${theirs.id}/run`, { token: b.key })).body;
    const cookie = await signIn(a.key);
    for (const path of [`/dashboard/tasks/${theirs.id}`, `/dashboard/runs/${run.id}`, `/dashboard/tasks/${theirs.id}/delete`]) {
      const r = await page(path, cookie);
      expect(r.status, path).toBe(404);
      expect(r.body).not.toContain("theirs");
    }
    expect((await post(`/dashboard/tasks/${theirs.id}/pause`, {}, { cookie })).status).toBe(404);
    expect((await call("GET", `/v1/tasks/${theirs.id}`, { token: b.key })).body.status).toBe("active");
  });

  it("shows the run history and a chart of the last runs, failures and skips included; a hostile name stays text", async () => {
    const q = captureQueue();
    const { key } = await tenant();
    const cookie = await signIn(key);
    const t = await createTask(key, { name: "<script>alert(1)</script>" });
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await call("POST", `/v1/tasks/${t.id}/run`, { token: key })).body.id);
    q.take(t.id);
    await finish(ids[0] as string, "succeeded", 120);
    await finish(ids[1] as string, "failed", 900, { final: true, error: "<b>boom</b>" });
    await env.DB.prepare("UPDATE runs SET status = 'skipped', reason = 'overlap' WHERE id = ?").bind(ids[2]).run();
    const html = (await page(`/dashboard/tasks/${t.id}`, cookie)).body;
    expect(html).not.toContain("<script>alert(1)</script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain('<svg viewBox="0 0 720 220" role="img"');
    expect(html.match(/class="mark s-succeeded"/g)).toHaveLength(1);
    expect(html.match(/class="mark s-failed"/g)).toHaveLength(1);
    expect(html.match(/class="mark s-skipped"/g)).toHaveLength(1);
    expect(html).toMatch(/1 succeeded, 1 failed, 1 skipped, 1 queued|1 queued, 1 skipped, 1 failed, 1 succeeded/);
    for (const col of ["Status", "Trigger", "Scheduled for", "Started", "Lateness", "Duration", "Attempt"]) {
      expect(html).toContain(`<th scope="col">${col}</th>`);
    }
    expect(html).toContain("(overlap)");
  });
});

describe("the run page", () => {
  it("shows the outcome and timings, and retries a final failure as a new attempt", async () => {
    const q = captureQueue();
    const { key } = await tenant();
    const cookie = await signIn(key);
    const t = await createTask(key, { name: "flaky" });
    const id = (await call("POST", `/v1/tasks/${t.id}/run`, { token: key })).body.id;
    q.take(t.id);
    await finish(id, "failed", 1500, { final: true, error: "<img src=x onerror=alert(1)>" });
    const r = await page(`/dashboard/runs/${id}`, cookie);
    expect(r.status).toBe(200);
    expect(r.body).toContain(">failed</span>");
    expect(r.body).toContain("1.5 s");
    expect(r.body).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(r.body).not.toContain("<img src=x");
    expect(r.body).toContain('<button type="submit">Retry</button>');
    expect(r.body).not.toContain("data-refresh");

    const retry = await post(`/dashboard/runs/${id}/retry`, {}, { cookie });
    expect(retry.status).toBe(303);
    const next = retry.headers.get("location") ?? "";
    expect(next).toMatch(/^\/dashboard\/runs\/[0-9a-f-]{36}\?retried=1$/);
    const second = await page(next, cookie);
    expect(second.body).toContain("Retry queued");
    expect(second.body).toContain("attempt 1: failed");
    expect(second.body).toContain("attempt 2: queued (this run)");
    expect(second.body).not.toContain(">Retry</button>");
  });
});
