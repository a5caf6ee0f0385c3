import type { Run } from "../domain/run";
import type { Task } from "../domain/task";
import { readCapped } from "./http";
import { isPrivateTarget, refusedTarget } from "./safety";
import type { ExecContext, Executor, Outcome } from "./types";
import { retryAfterSeconds } from "./http";
import { parseBody } from "./workflow";

type Params = { prompt: string; agent_id?: string; model?: string; max_tokens?: number; context?: unknown };
/** A chat message as OpenAI-compatible endpoints and Workers AI both take it. */
export type Message = { role: "system" | "user"; content: string };
type Usage = { prompt_tokens: number | null; completion_tokens: number | null; total_tokens: number | null };

export const NO_AGENT_ENDPOINT = "no agent endpoint configured: set AGENT_ENDPOINT_URL (and AGENT_API_KEY) or bind Workers AI as AI";
const DEFAULT_MODEL = "gpt-4o-mini";
const DEFAULT_AI_MODEL = "@cf/meta/llama-3.1-8b-instruct";
// A completion must be read whole to be parsed; 1 MiB is far above any max_tokens answer.
const ANSWER_CAP = 1_048_576;
// Error answers are recorded, so they get the usual 8 KiB cap.
const ERROR_BODY_CAP = 8192;
// The recorded text is capped so a run row stays small; `truncated` says when it was cut.
const TEXT_CAP = 65_536;

/** The conversation: a system line naming the task (with its context and run input), then the prompt. */
export function agentMessages(task: Task, run: Run, p: Params): Message[] {
  let system = `You are an agent carrying out the scheduled task "${task.name}" (task ${task.id}, run ${run.id}).`;
  if (p.context !== undefined) system += ` Context (JSON): ${JSON.stringify(p.context)}`;
  if (run.input !== null && run.input !== undefined) system += ` Run input (JSON): ${JSON.stringify(run.input)}`;
  return [
    { role: "system", content: system },
    { role: "user", content: p.prompt },
  ];
}

/** Runs the prompt on the configured OpenAI-compatible endpoint, else on Workers AI. */
export const agentExecutor: Executor = {
  async execute(task: Task, run: Run, ctx: ExecContext): Promise<Outcome> {
    const p = task.parameters as Params;
    const messages = agentMessages(task, run, p);
    const agentId = p.agent_id ?? task.agent_id ?? null;
    let outcome: Outcome;
    if (ctx.env.AGENT_ENDPOINT_URL)
      outcome = await viaEndpoint(ctx.env.AGENT_ENDPOINT_URL, ctx.env.AGENT_API_KEY, messages, p, agentId, task, ctx);
    else if (ctx.env.AI) outcome = await viaWorkersAi(ctx.env.AI, messages, p, agentId, task, ctx);
    else outcome = { status: "failed", error: NO_AGENT_ENDPOINT };
    // An endpoint may echo the key (in an error message, say); it must never reach the run record.
    return redact(outcome, ctx.env.AGENT_API_KEY);
  },
};

async function viaEndpoint(
  base: string,
  key: string | undefined,
  messages: Message[],
  p: Params,
  agentId: string | null,
  task: Task,
  ctx: ExecContext,
): Promise<Outcome> {
  const target = `${base.replace(/\/+$/, "")}/chat/completions`;
  const url = URL.canParse(target) ? new URL(target) : null;
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:"))
    return { status: "failed", error: "AGENT_ENDPOINT_URL is not a valid http(s) URL" };
  if (!ctx.allowPrivateTargets && isPrivateTarget(url)) {
    return {
      status: "failed",
      error: refusedTarget(`agent endpoint ${url.hostname}`),
      permanent: true,
    };
  }
  const model = p.model ?? DEFAULT_MODEL;
  const body = JSON.stringify({ model, messages, ...(p.max_tokens !== undefined ? { max_tokens: p.max_tokens } : {}) });
  const headers = new Headers({ "content-type": "application/json", accept: "application/json" });
  if (key) headers.set("authorization", `Bearer ${key}`);
  try {
    const res = await fetch(url, { method: "POST", headers, body, signal: ctx.signal, redirect: "manual" });
    if (res.status < 200 || res.status >= 300) {
      const answer = parseBody(await readCapped(res, ERROR_BODY_CAP), res.headers.get("content-type"));
      const detail = providerMessage(answer);
      return {
        status: "failed",
        result: { status_code: res.status, body: answer },
        error: `agent endpoint answered ${res.status}${detail ? `: ${detail}` : ""}`,
        retryAfterSeconds: retryAfterSeconds(res.headers.get("retry-after"), Date.now()),
      };
    }
    const text = await readCapped(res, ANSWER_CAP);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return {
        status: "failed",
        result: { status_code: res.status, body: text.slice(0, ERROR_BODY_CAP) },
        error: `agent endpoint answered ${res.status} with a body that is not JSON (or is over 1 MiB)`,
      };
    }
    const choice = field(field(json, "choices"), 0);
    const content = field(field(choice, "message"), "content");
    if (typeof content !== "string") {
      return {
        status: "failed",
        result: { status_code: res.status, body: text.slice(0, ERROR_BODY_CAP) },
        error: "agent endpoint answered without choices[0].message.content",
      };
    }
    const answeredModel = field(json, "model");
    const finish = field(choice, "finish_reason");
    return {
      status: "succeeded",
      result: {
        ...capText(content),
        model: typeof answeredModel === "string" ? answeredModel : model,
        usage: usageOf(field(json, "usage")),
        finish_reason: typeof finish === "string" ? finish : null,
        agent_id: agentId,
      },
    };
  } catch (e) {
    if (ctx.signal.aborted) return { status: "timed_out", error: `no answer from the agent endpoint within ${task.timeout_seconds} s` };
    return { status: "failed", error: `agent endpoint request failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

async function viaWorkersAi(
  ai: Ai,
  messages: Message[],
  p: Params,
  agentId: string | null,
  task: Task,
  ctx: ExecContext,
): Promise<Outcome> {
  const model: string = p.model ?? DEFAULT_AI_MODEL;
  const inputs: Record<string, unknown> = { messages, ...(p.max_tokens !== undefined ? { max_tokens: p.max_tokens } : {}) };
  try {
    const out: unknown = await abortable(ai.run(model, inputs, { signal: ctx.signal }), ctx.signal);
    // Text-generation models answer {response}; OpenAI-style models on Workers AI answer {choices}.
    const response = field(out, "response");
    const text = typeof response === "string" ? response : field(field(field(field(out, "choices"), 0), "message"), "content");
    if (typeof text !== "string") return { status: "failed", error: `Workers AI model ${model} answered without text` };
    const usage = field(out, "usage");
    return {
      status: "succeeded",
      result: { ...capText(text), model, ...(usage !== undefined ? { usage: usageOf(usage) } : {}), agent_id: agentId },
    };
  } catch (e) {
    if (ctx.signal.aborted) return { status: "timed_out", error: `no answer from Workers AI within ${task.timeout_seconds} s` };
    return { status: "failed", error: `Workers AI failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** Settles with `p`, or rejects as soon as the signal aborts (the binding may not stop by itself). */
function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** A property of an object or an element of an array, without trusting the answer's shape. */
function field(v: unknown, key: string | number): unknown {
  if (typeof key === "number") return Array.isArray(v) ? v[key] : undefined;
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>)[key] : undefined;
}

function usageOf(u: unknown): Usage | null {
  if (typeof u !== "object" || u === null) return null;
  const n = (k: string) => {
    const v = field(u, k);
    return typeof v === "number" ? v : null;
  };
  return { prompt_tokens: n("prompt_tokens"), completion_tokens: n("completion_tokens"), total_tokens: n("total_tokens") };
}

function capText(text: string): { text: string; truncated?: true } {
  return text.length > TEXT_CAP ? { text: text.slice(0, TEXT_CAP), truncated: true } : { text };
}

/** An OpenAI-style `{error: {message}}` (or `{error: "…"}`), shortened for the run's error line. */
function providerMessage(body: unknown): string | null {
  const err = field(body, "error");
  const msg = typeof err === "string" ? err : field(err, "message");
  return typeof msg === "string" && msg ? msg.slice(0, 300) : null;
}

/** Replaces every occurrence of the key in what the run will record. */
function redact(outcome: Outcome, key: string | undefined): Outcome {
  if (!key) return outcome;
  // Matched in its JSON-escaped form, so a key with quotes or backslashes cannot break the JSON.
  const escaped = JSON.stringify(key).slice(1, -1);
  const json = JSON.stringify(outcome);
  return json.includes(escaped) ? (JSON.parse(json.replaceAll(escaped, "[redacted]")) as Outcome) : outcome;
}
