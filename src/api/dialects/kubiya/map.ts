import { z } from "@hono/zod-openapi";
import { invalid } from "../../../domain/errors";
import type { Schedule } from "../../../domain/schedule";
import type { Task, TaskInput, TaskPatch, TaskStatus } from "../../../domain/task";
import type { TaskView } from "../../../services/tasks/read";

// Kubiya scheduled-task shapes and their translation to and from the core's agent_task.

// Python clients send None for fields they leave empty: null counts as absent.
const text = (max: number) => z.string().max(max);
const opt = (max: number) =>
  text(max)
    .nullish()
    .transform((v) => v ?? undefined);
const time = z.string().max(64).nullable().optional().openapi({ example: "2026-12-01T09:00:00", description: "UTC when it has no offset" });

// Kubiya's backend ignores fields it does not know (clients send user_email,
// organization_name, ...), so this face does too: z.object strips them.
const KubiyaParameters = z
  .object({
    message_text: opt(20_000),
    selected_agent: opt(200),
    selected_agent_name: opt(200),
    cron_string: text(200).nullable().optional(),
    context: z.unknown().optional(),
  })
  .openapi("KubiyaTaskParameters");

export const KubiyaBody = z
  .object({
    task_description: opt(20_000).openapi({ description: "What the agent does (the prompt)" }),
    selected_agent: opt(200),
    selected_agent_name: opt(200),
    channel_id: opt(200),
    channel_name: opt(200),
    schedule_time: time,
    scheduled_time: time,
    cron_string: text(200).nullable().optional().openapi({ example: "0 9 * * MON-FRI", description: "Empty or absent: one-time" }),
    task_type: opt(100),
    user_email: opt(320),
    parameters: KubiyaParameters.optional(),
  })
  .openapi("KubiyaTaskInput");
export type KubiyaIn = z.infer<typeof KubiyaBody>;

export const KubiyaTaskSchema = z
  .object({
    task_id: z.string(),
    task_uuid: z.string(),
    user_email: z.string(),
    channel_id: z.string(),
    channel_name: z.string(),
    description: z.string(),
    task_description: z.string(),
    agent: z.string(),
    task_type: z.string(),
    scheduled_time: z.string().nullable().openapi({ description: "One-time tasks: when; recurring: null" }),
    next_schedule_time: z.string().nullable(),
    status: z.enum(["scheduled", "paused", "completed", "canceled"]),
    parameters: z.object({
      selected_agent: z.string(),
      selected_agent_name: z.string(),
      cron_string: z.string(),
      message_text: z.string(),
      context: z.unknown(),
      repeat: z.boolean(),
    }),
    created_at: z.string(),
  })
  .openapi("KubiyaTask");
export type KubiyaTask = z.infer<typeof KubiyaTaskSchema>;

/** What this face keeps in the core task's `parameters.context.kubiya` so it round-trips. */
type Kept = {
  channel_id?: string;
  channel_name?: string;
  selected_agent_name?: string;
  task_type?: string;
  user_email?: string;
  context?: unknown;
};

const DEFAULT_TASK_TYPE = "prompt";
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function keptOf(t: Task): { kept: Kept; foreign: unknown } {
  const ctx = t.parameters.context;
  if (isRecord(ctx) && isRecord(ctx.kubiya)) return { kept: { ...(ctx.kubiya as Kept) }, foreign: undefined };
  return { kept: {}, foreign: ctx };
}

/** Naive UTC with second precision, the layout Kubiya's clients parse ("2006-01-02T15:04:05"). */
const kTime = (ms: number) => new Date(ms).toISOString().slice(0, 19);
const kTimeOrNull = (ms: number | null) => (ms === null ? null : kTime(ms));

const STATUS: Record<TaskStatus, KubiyaTask["status"]> = {
  active: "scheduled",
  paused: "paused",
  completed: "completed",
  canceled: "canceled",
};

/** Whether this face can show the task: an agent task on a cron or one-time schedule. */
/** What this face shows: agent tasks on a cron or one-time schedule. */
export const KUBIYA_VIEW: TaskView = { types: ["agent_task"], schedule_kinds: ["cron", "once"] };

export function kubiyaJson(t: Task): KubiyaTask {
  const { kept, foreign } = keptOf(t);
  const prompt = typeof t.parameters.prompt === "string" ? t.parameters.prompt : (t.description ?? "");
  const agent = t.agent_id ?? "";
  const cron = t.schedule.kind === "cron" ? t.schedule.expression : "";
  const at = t.schedule.kind === "once" ? Date.parse(t.schedule.at) : null;
  const channel = kept.channel_id ?? "";
  return {
    task_id: t.id,
    task_uuid: t.id,
    user_email: kept.user_email ?? t.created_by,
    channel_id: channel,
    channel_name: kept.channel_name ?? channel,
    description: prompt,
    task_description: prompt,
    agent,
    task_type: kept.task_type ?? DEFAULT_TASK_TYPE,
    scheduled_time: kTimeOrNull(at),
    next_schedule_time: kTimeOrNull(t.next_run_at),
    status: STATUS[t.status],
    parameters: {
      selected_agent: agent,
      selected_agent_name: kept.selected_agent_name ?? agent,
      cron_string: cron,
      message_text: prompt,
      // Kubiya puts the agent here when a client sends no context (its clients read it back).
      context: "context" in kept ? kept.context : (foreign ?? agent),
      repeat: cron !== "",
    },
    created_at: kTime(t.created_at),
  };
}

/** An instant as Kubiya clients send it; no offset means UTC; Go's zero time means "none". */
export function instantOf(value: string | null | undefined): string | undefined {
  if (value === null || value === undefined || value.trim() === "" || value.startsWith("0001-01-01")) return undefined;
  const v = value.trim().replace(/^(\d{4}-\d{2}-\d{2}) (\d)/, "$1T$2");
  return /(Z|[+-]\d{2}:\d{2})$/i.test(v) ? v : `${v}Z`;
}

/**
 * Kubiya's Terraform provider sends six fields with a trailing year ("30 9 * * * *");
 * a `*` year is dropped. Anything else goes to the core as sent (which refuses seconds).
 */
export function cronOf(value: string): string {
  const fields = value.trim().split(/\s+/);
  return fields.length === 6 && (fields[5] === "*" || fields[5] === "?") ? fields.slice(0, 5).join(" ") : value.trim();
}

type Effective = { prompt?: string; agent?: string; cron?: string | null; at?: string; kept: Kept };

/** Folds the two request forms (top-level fields, or `parameters`) into one; top-level wins. */
function effective(b: KubiyaIn): Effective {
  const p: Partial<NonNullable<KubiyaIn["parameters"]>> = b.parameters ?? {};
  const kept: Kept = {};
  if (b.channel_id !== undefined) kept.channel_id = b.channel_id;
  if (b.channel_name !== undefined) kept.channel_name = b.channel_name;
  const agentName = b.selected_agent_name ?? p.selected_agent_name;
  if (agentName !== undefined) kept.selected_agent_name = agentName;
  if (b.task_type !== undefined) kept.task_type = b.task_type;
  if (b.user_email !== undefined) kept.user_email = b.user_email;
  if ("context" in p) kept.context = p.context;
  const cron = b.cron_string !== undefined ? b.cron_string : p.cron_string;
  return {
    prompt: b.task_description ?? p.message_text,
    agent: b.selected_agent ?? p.selected_agent,
    cron,
    at: instantOf(b.schedule_time ?? b.scheduled_time),
    kept,
  };
}

const needTime = () =>
  invalid("validation_failed", "schedule_time is required for a one-time task (no cron_string)", [
    { path: "schedule_time", message: "required when cron_string is empty" },
  ]);

function scheduleOf(cron: string | null | undefined, at: string | undefined, current?: Schedule): Schedule {
  if (cron) return { kind: "cron", expression: cronOf(cron), timezone: current?.kind === "cron" ? current.timezone : "UTC" };
  if (!at) throw needTime();
  return { kind: "once", at };
}

/** A short, readable, unique core name: the prompt's start plus 8 random hex digits. */
const nameFor = (prompt: string) => `${prompt.replace(/\s+/g, " ").trim().slice(0, 80)} (${crypto.randomUUID().slice(0, 8)})`;

export function toTaskInput(b: KubiyaIn): TaskInput {
  const e = effective(b);
  if (!e.prompt || e.prompt.trim() === "") {
    throw invalid("validation_failed", "task_description (or parameters.message_text) is required", [
      { path: "task_description", message: "required" },
    ]);
  }
  return {
    name: nameFor(e.prompt),
    description: e.prompt.slice(0, 2000),
    agent_id: e.agent ? e.agent : null,
    type: "agent_task",
    parameters: { prompt: e.prompt, context: { kubiya: e.kept } },
    schedule: scheduleOf(e.cron, e.at),
  };
}

/** PUT: fields sent change; the rest (and the derived name) stay. */
export function toTaskPatch(b: KubiyaIn, current: Task): TaskPatch {
  const e = effective(b);
  const { kept, foreign } = keptOf(current);
  // A context written through /v1 is kept as the Kubiya `context`, so an edit here does not lose it.
  if (foreign !== undefined && !("context" in kept)) kept.context = foreign;
  const patch: TaskPatch = {};
  const prompt = e.prompt ?? (typeof current.parameters.prompt === "string" ? current.parameters.prompt : "");
  if (e.prompt !== undefined) patch.description = e.prompt.slice(0, 2000);
  if (e.agent !== undefined) patch.agent_id = e.agent ? e.agent : null;
  patch.parameters = { ...current.parameters, prompt, context: { kubiya: { ...kept, ...e.kept } } };
  if (e.cron !== undefined) {
    patch.schedule = scheduleOf(e.cron, e.at ?? (current.schedule.kind === "once" ? current.schedule.at : undefined), current.schedule);
  } else if (e.at !== undefined && current.schedule.kind === "once") {
    patch.schedule = { kind: "once", at: e.at };
  }
  return patch;
}
