import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createTask, tenant } from "../helpers/api";
import { captureQueue, deliver, runsOf, target, tickAt } from "../helpers/engine";

// Issue 12 (part): a run asks its lock whether a newer run canceled it only when one can
// (its task's overlap_policy is cancel_other, or it shares a concurrency key).

afterEach(() => vi.restoreAllMocks());

/** Counts the consumer's isCanceled calls on every lock it reaches. */
function countCancelPolls() {
  const counter = { n: 0 };
  const get = env.TASK_LOCK.get.bind(env.TASK_LOCK);
  vi.spyOn(env.TASK_LOCK, "get").mockImplementation((id) => {
    const stub = get(id);
    return new Proxy(stub, {
      get(t, p) {
        if (p === "isCanceled") counter.n++;
        // An RPC stub's methods are called through it, not bound.
        return Reflect.get(t, p);
      },
    });
  });
  return counter;
}

async function runSlowly(over: Record<string, unknown>) {
  const { key } = await tenant();
  const q = captureQueue();
  // The target answers after 1.5 s: longer than the 1 s poll interval.
  target(() => new Promise((resolve) => setTimeout(() => resolve(new Response("ok")), 1500)));
  const t = await createTask(key, { schedule: { kind: "cron", expression: "* * * * *", timezone: "UTC" }, ...over });
  const polls = countCancelPolls();
  await tickAt(Date.parse(t.next_run_at) - 20_000);
  await deliver(...q.take(t.id).map((m) => m.body));
  expect((await runsOf(t.id)).map((r) => r.status)).toEqual(["succeeded"]);
  return polls.n;
}

describe("cancellation polling", () => {
  it("a skip-policy task without a concurrency key never asks its lock while it runs", async () => {
    expect(await runSlowly({ overlap_policy: "skip" })).toBe(0);
  });

  it("a cancel_other task asks while it runs", async () => {
    expect(await runSlowly({ overlap_policy: "cancel_other" })).toBeGreaterThan(0);
  });

  it("a task sharing a concurrency key asks too (another task on the key may cancel it)", async () => {
    expect(await runSlowly({ overlap_policy: "skip", concurrency_key: `k-${crypto.randomUUID().slice(0, 8)}` })).toBeGreaterThan(0);
  });
});
