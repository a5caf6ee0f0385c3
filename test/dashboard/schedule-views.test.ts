import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, createTask, tenant } from "../helpers/api";
import { captureQueue } from "../helpers/engine";
import { page, post, signIn } from "../helpers/dashboard";

/** The marks of one row of the timeline: [classes, tooltip text]. */
const marksOf = (html: string, taskName: string) => {
  const row = html.split("<tr>").find((r) => r.includes(`>${taskName}</a>`)) ?? "";
  return [...row.matchAll(/<a class="mark ([^"]+)" href="[^"]+"><span class="tip">([^<]*)<\/span><\/a>/g)].map((m) => [m[1], m[2]]);
};

describe("Upcoming", () => {
  it("draws one mark per run over 7 days from ?from, marks the DST move, draws the transition, and gives both zones", async () => {
    const { key } = await tenant();
    const cookie = await signIn(key); // the viewer's zone: America/New_York
    await createTask(key, { name: "nightly ny", schedule: { kind: "cron", expression: "30 2 * * *", timezone: "America/New_York" } });
    await createTask(key, { name: "noon utc", schedule: { kind: "cron", expression: "0 12 * * *", timezone: "UTC" } });
    const paused = await createTask(key, { name: "paused one" });
    await call("POST", `/v1/tasks/${paused.id}/pause`, { token: key });

    const r = await page("/dashboard/upcoming?from=2027-03-12", cookie);
    expect(r.status).toBe(200);
    expect(r.body).toContain("2027-03-12 to 2027-03-18");
    expect(r.body).not.toContain("paused one");
    const ny = marksOf(r.body, "nightly ny");
    expect(ny).toHaveLength(7);
    const moved = ny.filter(([cls]) => cls?.includes("k-dst"));
    expect(moved).toHaveLength(1);
    expect(moved[0]?.[1]).toContain("2027-03-14 03:00 EDT");
    expect(moved[0]?.[1]).toContain("DST gap");
    expect(r.body).toContain("DST: clocks forward 60 min at 2027-03-14 03:00 EDT");
    expect(r.body).toMatch(/<span class="dst-line t\d+"/);

    const utc = marksOf(r.body, "noon utc");
    expect(utc).toHaveLength(7);
    // The task's zone, then the viewer's.
    expect(utc[0]?.[1]).toBe("noon utc: 2027-03-12 12:00 UTC; yours: 2027-03-12 07:00 EST");
    expect(r.body).toContain('<link rel="stylesheet" href="/dashboard/timeline.css"/>');
    expect(r.body).toContain('href="/dashboard/upcoming?from=2027-03-19">Next week</a>');
  });

  it("draws a band instead of marks for a schedule with more than 100 runs in the week", async () => {
    const { key } = await tenant();
    await createTask(key, { name: "busy", schedule: { kind: "cron", expression: "*/5 * * * *", timezone: "UTC" } });
    const r = await page("/dashboard/upcoming", await signIn(key));
    expect(marksOf(r.body, "busy")).toHaveLength(0);
    expect(r.body).toContain("more than 100 runs this week");
  });
});

describe("Missed & failed", () => {
  it("lists what did not run with its reason, final failures with Retry, late starts, and a chart per day", async () => {
    const q = captureQueue();
    const { key } = await tenant();
    const cookie = await signIn(key);
    const t = await createTask(key, { name: "ledger task" });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await call("POST", `/v1/tasks/${t.id}/run`, { token: key })).body.id);
    q.take(t.id);
    await env.DB.prepare("UPDATE runs SET status = 'skipped', reason = 'skip_next' WHERE id = ?").bind(ids[0]).run();
    await env.DB.prepare(
      "UPDATE runs SET status = 'failed', final = 1, error = 'boom', started_at = scheduled_for, finished_at = scheduled_for + 5 WHERE id = ?",
    )
      .bind(ids[1])
      .run();
    await env.DB.prepare(
      "UPDATE runs SET status = 'succeeded', started_at = scheduled_for + 9000, finished_at = scheduled_for + 9100, duration_ms = 100 WHERE id = ?",
    )
      .bind(ids[2])
      .run();

    const r = await page("/dashboard/ledger", cookie);
    expect(r.status).toBe(200);
    expect(r.body).toContain("Did not run (1)");
    expect(r.body).toContain("skip_next: skipped on request");
    expect(r.body).toContain("Final failures (1)");
    expect(r.body).toContain(`action="/dashboard/runs/${ids[1]}/retry"`);
    expect(r.body).toContain("Started more than 5 s late (1)");
    expect(r.body).toContain("9.0 s");
    expect(r.body).toContain("1 did not run, 1 final failures, 1 started &gt; 5 s late");
    expect(r.body.match(/<rect class="bar b-/g)).toHaveLength(3);

    const retry = await post(`/dashboard/runs/${ids[1]}/retry`, {}, { cookie });
    expect(retry.status).toBe(303);
  });

  it("pages each list past its first 100, keeping the other lists' pages", async () => {
    const q = captureQueue();
    const { key, org } = await tenant();
    const cookie = await signIn(key);
    const t = await createTask(key, { name: "busy task" });
    // 105 skipped occurrences, in one statement.
    await env.DB.prepare(
      `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 105)
       INSERT INTO runs (id, org_id, task_id, "trigger", attempt, status, reason, scheduled_for, created_at, final)
       SELECT 'skip-' || n.i || '-' || ?1, ?2, ?1, 'schedule', 1, 'skipped', 'overlap', 1700000000000 + n.i * 60000, 1700000000000 + n.i * 60000, 0 FROM n`,
    )
      .bind(t.id, org)
      .run();
    q.take(t.id);
    const first = await page("/dashboard/ledger", cookie);
    expect(first.body).toContain("Did not run (105)");
    expect(first.body).toContain('href="/dashboard/ledger?skipped=2&amp;failures=1&amp;late=1#skipped"');
    expect(first.body.match(/overlap: the previous run was still going/g)).toHaveLength(100);
    const second = await page("/dashboard/ledger?skipped=2&failures=1&late=1", cookie);
    expect(second.body.match(/overlap: the previous run was still going/g)).toHaveLength(5);
    expect(second.body).toContain('href="/dashboard/ledger?skipped=1&amp;failures=1&amp;late=1#skipped"');
    expect(second.body).not.toContain("skipped=3");
  });

  it("shows nothing of another organization", async () => {
    const q = captureQueue();
    const a = await tenant();
    const b = await tenant();
    const t = await createTask(b.key, { name: "their secret task" });
    const id = (await call("POST", `/v1/tasks/${t.id}/run`, { token: b.key })).body.id;
    q.take(t.id);
    await env.DB.prepare("UPDATE runs SET status = 'skipped', reason = 'overlap' WHERE id = ?").bind(id).run();
    const r = await page("/dashboard/ledger", await signIn(a.key));
    expect(r.body).toContain("Did not run (0)");
    expect(r.body).not.toContain(t.id);
  });
});
