import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  env,
  getQueueResult,
  waitOnExecutionContext,
} from "cloudflare:test";
import { vi } from "vitest";
import worker from "../../src/index";

type Ref = { run_id: string; task_id: string; org_id: string };
export type Sent = { body: { kind: string; run_id?: string; task_id?: string; org_id?: string; runs?: Ref[] }; delaySeconds?: number };

/** A `runs` message as one entry per run: each a valid `runs` message of that run alone, its ids copied on top for filtering. */
const perRun = (m: Sent): Sent[] =>
  m.body.kind === "runs" && m.body.runs
    ? m.body.runs.map((ref) => ({ body: { ...m.body, runs: [ref], ...ref }, delaySeconds: m.delaySeconds }))
    : [m];

/**
 * Captures what the Worker puts on the queue (the test pool has no automatic
 * consumer), so a test can deliver exactly those messages to the real consumer.
 * `messages` holds them as sent; `sent` splits each `runs` message per run (see `perRun`),
 * so a test can take one task's runs and deliver them without the others'.
 */
export function captureQueue() {
  const sent: Sent[] = [];
  const messages: Sent[] = [];
  const record = (m: Sent) => {
    messages.push(m);
    sent.push(...perRun(m));
  };
  vi.spyOn(env.RUNS, "sendBatch").mockImplementation(async (msgs) => {
    for (const m of msgs) record({ body: m.body as Sent["body"], delaySeconds: m.delaySeconds });
    return { metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } } as unknown as QueueSendBatchResponse;
  });
  vi.spyOn(env.RUNS, "send").mockImplementation(async (body, opts) => {
    record({ body: body as Sent["body"], delaySeconds: opts?.delaySeconds });
    return { metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } } as unknown as QueueSendResponse;
  });
  return {
    sent,
    messages,
    /** Messages for one task, in the order they were sent. */
    forTask: (taskId: string) => sent.filter((m) => m.body.task_id === taskId),
    /** Removes and returns the messages for one task. */
    take(taskId: string): Sent[] {
      const mine = sent.filter((m) => m.body.task_id === taskId);
      for (const m of mine) sent.splice(sent.indexOf(m), 1);
      return mine;
    },
  };
}

/** Fires the real scheduled handler with `scheduledTime` = ms. */
export async function tickAt(ms: number): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: ms, cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

/** Delivers messages to the real queue handler, as the queue would. */
export async function deliver(...bodies: unknown[]) {
  const batch = createMessageBatch(
    "tasks-runs",
    bodies.map((body) => ({ id: crypto.randomUUID(), timestamp: new Date(), attempts: 1, body })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env, ctx);
  await waitOnExecutionContext(ctx);
  return getQueueResult(batch, ctx);
}

export type Call = { url: string; init: RequestInit; headers: Headers; body: string };

/**
 * A fake HTTP target behind the Worker's outbound fetch: counts calls and answers
 * with `answer(call)`; `hold()` makes calls hang until released or aborted.
 */
export function target(answer: (call: Call) => Response | Promise<Response> = () => new Response("ok")) {
  const calls: Call[] = [];
  const held: { release: (r: Response) => void; call: Call }[] = [];
  let holding = false;
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init = {}) => {
    const call: Call = {
      url: String(input instanceof Request ? input.url : input),
      init,
      headers: new Headers(init.headers),
      body: typeof init.body === "string" ? init.body : "",
    };
    calls.push(call);
    if (!holding) return answer(call);
    return new Promise<Response>((resolve, reject) => {
      held.push({ release: resolve, call });
      init.signal?.addEventListener("abort", () => reject(init.signal?.reason ?? new Error("aborted")));
    });
  });
  return {
    calls,
    held,
    hold: () => {
      holding = true;
    },
    /** Answers every held call (each with its own Response: a body can be read once). */
    release: (make: () => Response = () => new Response("ok")) => {
      holding = false;
      for (const h of held.splice(0)) h.release(make());
    },
  };
}

/** Waits until `check` is true (polling), for work running in the background of a test; generous, as the full suite loads both cores. */
export async function until(check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Reads rows straight from D1 (what the engine wrote). */
export async function runsOf(taskId: string) {
  const { results } = await env.DB.prepare("SELECT * FROM runs WHERE task_id = ? ORDER BY scheduled_for, attempt")
    .bind(taskId)
    .all<Record<string, unknown>>();
  return results;
}

/** The JSON log lines written while `fn` runs. */
export async function linesDuring(fn: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const lines: Record<string, unknown>[] = [];
  const keep = (text: unknown) => {
    try {
      const o = JSON.parse(String(text));
      if (o && typeof o === "object" && "event" in o) lines.push(o);
    } catch {
      /* not one of ours */
    }
  };
  const spies = (["log", "warn", "error"] as const).map((m) => vi.spyOn(console, m).mockImplementation(keep));
  try {
    await fn();
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
  return lines;
}

/**
 * Makes the next `n` outcome writes fail as a D1 outage would: the one batch that moves a run
 * off `running` (src/engine/outcome.ts) throws before anything is written. Everything else
 * (claims, reads, the `running` mark) goes through.
 */
export function failOutcomeWrites(n: number) {
  const prepare = env.DB.prepare.bind(env.DB);
  const batch = env.DB.batch.bind(env.DB);
  let armed = false;
  let left = n;
  vi.spyOn(env.DB, "prepare").mockImplementation((sql: string) => {
    // The outcome write: the first statement of its batch updates runs still running.
    if (/^\s*UPDATE runs SET\b[\s\S]*runs\.status = 'running'/.test(sql)) armed = true;
    return prepare(sql);
  });
  vi.spyOn(env.DB, "batch").mockImplementation(async (stmts) => {
    const outcomeWrite = armed;
    armed = false;
    if (outcomeWrite && left > 0) {
      left--;
      throw new Error("D1_ERROR: Network connection lost (simulated)");
    }
    return batch(stmts);
  });
  return { failed: () => n - left };
}
