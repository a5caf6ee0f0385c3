import { env } from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Run } from "../../src/domain/run";
import type { Task } from "../../src/domain/task";
import type { Env } from "../../src/env";
import { agentExecutor } from "../../src/executors/agent";
import type { ExecContext } from "../../src/executors/types";
import { type Call, target } from "../helpers/engine";

afterEach(() => vi.restoreAllMocks());

const KEY = "sk-test-0123456789abcdef";
const task = (parameters: Record<string, unknown>, over: Partial<Task> = {}): Task =>
  ({
    id: "task_ag",
    org_id: "org_1",
    name: "summarise incidents",
    type: "agent_task",
    parameters,
    timeout_seconds: 3600,
    agent_id: null,
    ...over,
  }) as Task;
const run = (over: Partial<Run> = {}): Run =>
  ({ id: "run_ag", task_id: "task_ag", attempt: 1, scheduled_for: Date.UTC(2026, 0, 1), input: null, ...over }) as Run;
// The test pool binds neither an agent endpoint nor Workers AI; each test says which it has.
const withEnv = (over: Partial<Env>): Env => ({ ...env, AGENT_ENDPOINT_URL: undefined, AGENT_API_KEY: undefined, AI: undefined, ...over });
const ctx = (e: Env, over: Partial<ExecContext> = {}): ExecContext => ({
  signal: new AbortController().signal,
  signingSecrets: ["whsec_x"],
  allowPrivateTargets: false,
  env: e,
  ...over,
});
const endpoint = withEnv({ AGENT_ENDPOINT_URL: "https://llm.example.com/v1/", AGENT_API_KEY: KEY });

const completion = {
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 1767225600,
  model: "gpt-4o-mini-2024-07-18",
  choices: [{ index: 0, message: { role: "assistant", content: "Two incidents, both resolved." }, finish_reason: "stop" }],
  usage: { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 },
};

describe("agent_task executor: OpenAI-compatible endpoint", () => {
  it("sends the bearer key, model, messages and max_tokens, and records text, model and usage (never the key)", async () => {
    const stub = target(() => Response.json(completion));
    const t = task({
      prompt: "Summarise last night's incidents.",
      model: "gpt-4o-mini",
      max_tokens: 256,
      agent_id: "ops-bot",
      context: { team: "sre" },
    });
    const out = await agentExecutor.execute(t, run(), ctx(endpoint));
    expect(out).toEqual({
      status: "succeeded",
      result: {
        text: "Two incidents, both resolved.",
        model: "gpt-4o-mini-2024-07-18",
        usage: { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 },
        finish_reason: "stop",
        agent_id: "ops-bot",
      },
    });
    expect(stub.calls).toHaveLength(1);
    const c = stub.calls[0] as Call;
    expect(c.url).toBe("https://llm.example.com/v1/chat/completions");
    expect(c.init.method).toBe("POST");
    expect(c.init.redirect).toBe("manual");
    expect(c.headers.get("authorization")).toBe(`Bearer ${KEY}`);
    expect(c.headers.get("content-type")).toBe("application/json");
    const body = JSON.parse(c.body);
    expect(body).toEqual({
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: expect.any(String) },
        { role: "user", content: "Summarise last night's incidents." },
      ],
      max_tokens: 256,
    });
    expect(body.messages[0].content).toContain('"summarise incidents"');
    expect(body.messages[0].content).toContain('{"team":"sre"}');
    expect(JSON.stringify(out)).not.toContain(KEY);
  });

  it("defaults: model gpt-4o-mini, no max_tokens, no Authorization without a key, the task's agent_id", async () => {
    const stub = target(() => Response.json({ choices: [{ message: { content: "ok" } }] }));
    const out = await agentExecutor.execute(
      task({ prompt: "hi" }, { agent_id: "task-agent" }),
      run({ input: { event: "x" } }),
      ctx(withEnv({ AGENT_ENDPOINT_URL: "https://llm.example.com/v1" })),
    );
    const c = stub.calls[0] as Call;
    expect(c.headers.has("authorization")).toBe(false);
    const body = JSON.parse(c.body);
    expect(body.model).toBe("gpt-4o-mini");
    expect("max_tokens" in body).toBe(false);
    expect(body.messages[0].content).toContain('{"event":"x"}');
    expect(out).toEqual({
      status: "succeeded",
      result: { text: "ok", model: "gpt-4o-mini", usage: null, finish_reason: null, agent_id: "task-agent" },
    });
  });

  it("a 500 fails with the status; an echoed key is redacted", async () => {
    target(() => Response.json({ error: { message: `upstream rejected key ${KEY}`, type: "server_error" } }, { status: 500 }));
    const out = await agentExecutor.execute(task({ prompt: "hi" }), run(), ctx(endpoint));
    expect(out.status).toBe("failed");
    expect(out.error).toBe("agent endpoint answered 500: upstream rejected key [redacted]");
    expect(out.result).toMatchObject({ status_code: 500 });
    expect(JSON.stringify(out)).not.toContain(KEY);
  });

  it("a 429 honours Retry-After", async () => {
    target(() => Response.json({ error: { message: "Rate limit reached" } }, { status: 429, headers: { "retry-after": "30" } }));
    const out = await agentExecutor.execute(task({ prompt: "hi" }), run(), ctx(endpoint));
    expect(out).toMatchObject({ status: "failed", error: "agent endpoint answered 429: Rate limit reached", retryAfterSeconds: 30 });
  });

  it("a non-JSON or malformed answer fails clearly", async () => {
    target(() => new Response("<html>gateway</html>", { status: 200, headers: { "content-type": "text/html" } }));
    const html = await agentExecutor.execute(task({ prompt: "hi" }), run(), ctx(endpoint));
    expect(html).toMatchObject({
      status: "failed",
      error: "agent endpoint answered 200 with a body that is not JSON (or is over 1 MiB)",
      result: { status_code: 200, body: "<html>gateway</html>" },
    });
    target(() => Response.json({ choices: [] }));
    const empty = await agentExecutor.execute(task({ prompt: "hi" }), run(), ctx(endpoint));
    expect(empty).toMatchObject({ status: "failed", error: "agent endpoint answered without choices[0].message.content" });
  });

  it("a private endpoint is refused; a connection error fails; an aborted run is timed_out", async () => {
    const stub = target(() => Promise.reject(new TypeError("Network connection lost.")));
    const priv = await agentExecutor.execute(
      task({ prompt: "hi" }),
      run(),
      ctx(withEnv({ AGENT_ENDPOINT_URL: "http://127.0.0.1:11434/v1", AGENT_API_KEY: KEY })),
    );
    expect(priv.status).toBe("failed");
    expect(priv.error).toContain("127.0.0.1 is a private or loopback address");
    expect(priv.permanent).toBe(true);
    expect(stub.calls).toHaveLength(0);
    expect(await agentExecutor.execute(task({ prompt: "hi" }), run(), ctx(endpoint))).toEqual({
      status: "failed",
      error: "agent endpoint request failed: Network connection lost.",
    });
    target((c) => new Promise<Response>((_, reject) => c.init.signal?.addEventListener("abort", () => reject(c.init.signal?.reason))));
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error("timeout")), 30);
    expect(await agentExecutor.execute(task({ prompt: "hi" }), run(), ctx(endpoint, { signal: ac.signal }))).toEqual({
      status: "timed_out",
      error: "no answer from the agent endpoint within 3600 s",
    });
  });
});

describe("agent_task executor: Workers AI and no backend", () => {
  it("without an endpoint: a clear failure, not a throw", async () => {
    const out = await agentExecutor.execute(task({ prompt: "hi" }), run(), ctx(withEnv({})));
    expect(out).toEqual({
      status: "failed",
      error: "no agent endpoint configured: set AGENT_ENDPOINT_URL (and AGENT_API_KEY) or bind Workers AI as AI",
    });
  });

  it("uses the AI binding when no endpoint is set", async () => {
    const fetchSpy = target();
    const calls: { model: string; inputs: unknown }[] = [];
    const ai = {
      run: async (model: string, inputs: unknown) => {
        calls.push({ model, inputs });
        return { response: "hi", usage: { prompt_tokens: 12, completion_tokens: 1, total_tokens: 13 } };
      },
    } as unknown as Ai;
    const out = await agentExecutor.execute(task({ prompt: "say hi", max_tokens: 16 }), run(), ctx(withEnv({ AI: ai })));
    expect(out).toEqual({
      status: "succeeded",
      result: {
        text: "hi",
        model: "@cf/meta/llama-3.1-8b-instruct",
        usage: { prompt_tokens: 12, completion_tokens: 1, total_tokens: 13 },
        agent_id: null,
      },
    });
    expect(calls).toEqual([
      {
        model: "@cf/meta/llama-3.1-8b-instruct",
        inputs: {
          messages: [
            { role: "system", content: expect.any(String) },
            { role: "user", content: "say hi" },
          ],
          max_tokens: 16,
        },
      },
    ]);
    expect(fetchSpy.calls).toHaveLength(0);
  });

  it("the endpoint wins over the AI binding; a failing binding fails the run", async () => {
    target(() => Response.json(completion));
    const unused = { run: vi.fn() };
    const out = await agentExecutor.execute(task({ prompt: "hi" }), run(), ctx({ ...endpoint, AI: unused as unknown as Ai }));
    expect(out.status).toBe("succeeded");
    expect(unused.run).not.toHaveBeenCalled();
    const broken = { run: async () => Promise.reject(new Error("3010: Invalid or incomplete input for the model")) } as unknown as Ai;
    const failed = await agentExecutor.execute(task({ prompt: "hi", model: "@cf/unknown/model" }), run(), ctx(withEnv({ AI: broken })));
    expect(failed).toEqual({ status: "failed", error: "Workers AI failed: 3010: Invalid or incomplete input for the model" });
  });
});
