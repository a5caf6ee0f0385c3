/**
 * The New/Edit task form's model: the form's fields (named after the API's paths, so an
 * error's `details[].path` names its field), how they become a /v1 TaskInput or schedule,
 * and which field an API error belongs to.
 */
import type { components } from "../../client";

type Task = components["schemas"]["Task"];
type TaskInput = components["schemas"]["TaskInput"];
type Schedule = TaskInput["schedule"];

export const SCHEDULE_KINDS = ["cron", "rrule", "once", "delayed", "event"] as const;
export const OVERLAP = ["skip", "buffer_one", "buffer_all", "cancel_other", "allow_all"] as const;

export const FIELDS = [
  "name",
  "description",
  "type",
  "parameters",
  "schedule.kind",
  "schedule.expression",
  "schedule.rule",
  "schedule.dtstart",
  "schedule.timezone",
  "schedule.except",
  "schedule.dst.gap",
  "schedule.dst.repeat",
  "schedule.also",
  "schedule.at",
  "schedule.delay_seconds",
  "schedule.event",
  "timeout_seconds",
  "retry.max_retries",
  "overlap_policy",
] as const;
export type Field = (typeof FIELDS)[number];
export type Values = Record<Field, string>;
export type FieldErrors = Partial<Record<Field | "form", string>>;

const EMPTY: Values = Object.fromEntries(FIELDS.map((f) => [f, ""])) as Values;

/** A new task's starting values. */
export const blank = (): Values => ({
  ...EMPTY,
  type: "http",
  parameters: '{\n  "url": "https://example.com/hook"\n}',
  "schedule.kind": "cron",
  "schedule.expression": "0 2 * * *",
  "schedule.timezone": "UTC",
  "schedule.dst.gap": "shift",
  "schedule.dst.repeat": "auto",
  overlap_policy: "skip",
});

/** The submitted form's values (unknown fields ignored, everything as text). */
export function fromForm(body: Record<string, unknown>): Values {
  const v = { ...EMPTY };
  for (const f of FIELDS) v[f] = typeof body[f] === "string" ? (body[f] as string) : "";
  return v;
}

/** An existing task's values, for Edit. */
export function fromTask(t: Task): Values {
  const s = t.schedule as Record<string, unknown>;
  const text = (x: unknown) => (x === undefined || x === null ? "" : String(x));
  return {
    ...EMPTY,
    name: t.name,
    description: t.description ?? "",
    type: t.type,
    parameters: JSON.stringify(t.parameters, null, 2),
    "schedule.kind": t.schedule.kind,
    "schedule.expression": text(s.expression),
    "schedule.rule": text(s.rule),
    "schedule.dtstart": text(s.dtstart),
    "schedule.timezone": text(s.timezone),
    "schedule.except": Array.isArray(s.except) ? s.except.join("\n") : "",
    "schedule.dst.gap": text((s.dst as Record<string, unknown> | undefined)?.gap) || "shift",
    "schedule.dst.repeat": text((s.dst as Record<string, unknown> | undefined)?.repeat) || "auto",
    "schedule.also": Array.isArray(s.also) ? s.also.join("\n") : "",
    "schedule.at": text(s.at),
    "schedule.delay_seconds": text(s.delay_seconds),
    "schedule.event": text(s.event),
    timeout_seconds: String(t.timeout_seconds),
    "retry.max_retries": String(t.retry.max_retries),
    overlap_policy: t.overlap_policy,
  };
}

const list = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((x) => x.trim())
    .filter(Boolean);

/** An integer field: undefined when empty, NaN (an error) when not a whole number. */
function int(text: string): number | undefined {
  if (text.trim() === "") return undefined;
  return /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
}

/** The schedule the form describes, or the field errors that stop it being sent. */
export function toSchedule(v: Values): { schedule?: Schedule; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const tz = v["schedule.timezone"].trim() || "UTC";
  const except = list(v["schedule.except"]);
  const also = list(v["schedule.also"]);
  // The DST policy is sent only when it is not the default, so an untouched form keeps the default.
  const gap: "shift" | "skip" = v["schedule.dst.gap"] === "skip" ? "skip" : "shift";
  const asked = v["schedule.dst.repeat"];
  const repeat: "auto" | "first" | "both" = asked === "first" || asked === "both" ? asked : "auto";
  const dst = gap !== "shift" || repeat !== "auto" ? { gap, repeat } : undefined;
  switch (v["schedule.kind"]) {
    case "cron":
      return {
        schedule: {
          kind: "cron",
          expression: v["schedule.expression"].trim(),
          timezone: tz,
          ...(dst && { dst }),
          ...(except.length && { except }),
        },
        errors,
      };
    case "rrule":
      return {
        schedule: {
          kind: "rrule",
          rule: v["schedule.rule"].trim(),
          timezone: tz,
          ...(v["schedule.dtstart"].trim() && { dtstart: v["schedule.dtstart"].trim() }),
          ...(dst && { dst }),
          ...(except.length && { except }),
          ...(also.length && { also }),
        },
        errors,
      };
    case "once":
      return { schedule: { kind: "once", at: v["schedule.at"].trim() }, errors };
    case "delayed": {
      const n = int(v["schedule.delay_seconds"]);
      if (n === undefined || Number.isNaN(n)) return { errors: { "schedule.delay_seconds": "Enter a whole number of seconds." } };
      return { schedule: { kind: "delayed", delay_seconds: n }, errors };
    }
    case "event":
      return { schedule: { kind: "event", event: v["schedule.event"].trim() }, errors };
    default:
      return { errors: { "schedule.kind": "Choose a schedule kind." } };
  }
}

/** The /v1 body the form describes, or the field errors found before sending it. */
export function toInput(v: Values): { input?: TaskInput; errors: FieldErrors } {
  const { schedule, errors } = toSchedule(v);
  let parameters: Record<string, unknown> | undefined;
  try {
    const parsed = v.parameters.trim() ? JSON.parse(v.parameters) : {};
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
    parameters = parsed;
  } catch {
    errors.parameters = 'Parameters must be a JSON object, e.g. {"url": "https://example.com/hook"}.';
  }
  const timeout = int(v.timeout_seconds);
  if (Number.isNaN(timeout)) errors.timeout_seconds = "Enter a whole number of seconds.";
  const retries = int(v["retry.max_retries"]);
  if (Number.isNaN(retries)) errors["retry.max_retries"] = "Enter a whole number.";
  if (!schedule || Object.keys(errors).length) return { errors };
  return {
    input: {
      name: v.name,
      description: v.description.trim() || null,
      type: v.type as TaskInput["type"],
      parameters,
      schedule,
      ...(timeout !== undefined && { timeout_seconds: timeout }),
      ...(retries !== undefined && { retry: { max_retries: retries } }),
      ...(v.overlap_policy && { overlap_policy: v.overlap_policy as TaskInput["overlap_policy"] }),
    },
    errors,
  };
}

const BY_CODE: Record<string, Field> = {
  invalid_cron: "schedule.expression",
  invalid_rrule: "schedule.rule",
  invalid_timezone: "schedule.timezone",
  invalid_parameters: "parameters",
  private_target: "parameters",
  name_taken: "name",
};

/** The form field an API error path names ("schedule.except[2]" → schedule.except; "parameters.url" → parameters). */
export function fieldOf(path: string, kind: string): Field | "form" {
  const clean = path.replace(/\[\d+\]/g, "");
  if (clean === "parameters" || clean.startsWith("parameters.")) return "parameters";
  if (clean === "schedule") return "schedule.kind";
  if (clean === "schedule.dst.repeat") return "schedule.dst.repeat";
  if (clean === "schedule.dst" || clean.startsWith("schedule.dst.")) return "schedule.dst.gap";
  if (clean === "retry" || clean.startsWith("retry.")) return "retry.max_retries";
  if ((FIELDS as readonly string[]).includes(clean)) return clean as Field;
  if (clean.startsWith("schedule.")) return kind === "rrule" ? "schedule.rule" : "schedule.expression";
  return "form";
}

/** An API refusal as field errors: each detail next to its field, the message for the code's field otherwise. */
export function apiErrors(e: { code: string; message: string; details: { path: string; message: string }[] }, kind: string): FieldErrors {
  const errors: FieldErrors = {};
  for (const d of e.details) {
    const f = fieldOf(d.path, kind);
    errors[f] = errors[f] ? `${errors[f]} ${d.message}` : d.message;
  }
  if (Object.keys(errors).length === 0) errors[BY_CODE[e.code] ?? "form"] = e.message;
  return errors;
}
