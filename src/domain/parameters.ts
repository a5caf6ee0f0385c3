import { z } from "zod";
import { invalid, issueDetails } from "./errors";
import type { TaskType } from "./task";

// Per-type parameters. The engine and executors give them meaning; here we only
// guarantee their shape, so a task that is stored can always be executed.

const httpUrl = z
  .string()
  .max(2048)
  .refine((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === "http:" || u.protocol === "https:") && !u.username && !u.password;
    } catch {
      return false;
    }
  }, "must be an absolute http(s) URL without credentials");
// Header names are RFC 7230 tokens; values may not carry CR/LF (no header injection).
const headers = z.record(
  z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/, "invalid header name"),
  z
    .string()
    .max(8192)
    .regex(/^[^\r\n]*$/, "header values may not contain line breaks"),
);
const statusCode = z.number().int().min(100).max(599);
const timeout = z.number().int().min(1).max(86_400);
const method = z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

export const HttpParameters = z.strictObject({
  url: httpUrl,
  method: method.default("POST"),
  headers: headers.optional(),
  body: z.unknown().optional(),
  expected_status: z.union([statusCode, z.array(statusCode).min(1).max(50)]).optional(),
  timeout_seconds: timeout.optional(),
});

export const HealthCheckParameters = z
  .strictObject({
    targets: z
      .array(
        z.strictObject({
          name: z.string().max(200).optional(),
          url: httpUrl,
          method: method.optional(),
          expected_status: statusCode.optional(),
          body_contains: z.string().max(1000).optional(),
          max_latency_ms: z.number().int().min(1).max(600_000).optional(),
        }),
      )
      .max(100),
    timeout_seconds: timeout.optional(),
    alert: z.strictObject({ url: httpUrl }).optional(),
    // 001's flags. alert_on_failure: false silences the alert; check_containers: true adds a
    // container check done by a runner on the task's project hosts (see domain/placement.ts).
    alert_on_failure: z.boolean().optional(),
    check_containers: z.boolean().optional(),
    // runner_connectivity: true: the runner checks connectivity from the project's hosts,
    // for a project with no public url for the edge to probe (001's checkConnectivity).
    runner_connectivity: z.boolean().optional(),
  })
  .refine((p) => p.targets.length > 0 || p.check_containers === true || p.runner_connectivity === true, {
    message:
      "a health check needs at least one target (or check_containers: true for a container-only check on a runner, or runner_connectivity: true for a connectivity check by a runner)",
    path: ["targets"],
  });

export const BackupParameters = z
  .strictObject({
    sources: z
      .array(z.strictObject({ name: z.string().max(200).optional(), url: httpUrl, headers: headers.optional() }))
      .max(100)
      .optional(),
    // 000's shape: devices whose configuration is captured.
    device_ids: z.array(z.string().min(1).max(200)).max(1000).optional(),
    capture_running: z.boolean().optional(),
    capture_startup: z.boolean().optional(),
    retention: z.number().int().min(1).max(10_000).optional(),
    encrypt: z.boolean().optional(),
    // "runner": a runner on the user's hosts does the backup (sources, if any, are handed to it).
    // Without sources a backup is always a runner's (see domain/placement.ts).
    run_on: z.enum(["edge", "runner"]).optional(),
    // 001's backupConfig, kept for the runner: what to back up and where it goes.
    type: z.enum(["full"]).optional(),
    destination: z.enum(["s3"]).optional(),
  })
  .refine((p) => (p.sources?.length ?? 0) + (p.device_ids?.length ?? 0) > 0 || p.run_on === "runner", {
    message: 'a backup needs at least one entry in sources (copied by the edge), device_ids, or run_on: "runner"',
    path: ["sources"],
  })
  .refine((p) => p.run_on !== "edge" || (p.sources?.length ?? 0) > 0, {
    message: 'run_on: "edge" needs sources: the edge can only copy URLs',
    path: ["run_on"],
  });

export const CustomScriptParameters = z.strictObject({
  command: z.string().min(1).max(10_000),
  shell: z.string().max(200).optional(),
  cwd: z.string().max(1000).optional(),
  env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, "invalid variable name"), z.string().max(8192)).optional(),
  timeout_seconds: timeout.optional(),
});

export const ContainerUpdateParameters = z.strictObject({
  images: z.array(z.string().min(1).max(500)).max(100).optional(),
  pull: z.boolean().default(true),
  restart: z.boolean().default(true),
  commands: z.array(z.string().min(1).max(10_000)).max(50).optional(),
});

export const AgentTaskParameters = z.strictObject({
  prompt: z.string().min(1).max(20_000),
  agent_id: z.string().max(200).optional(),
  model: z.string().max(200).optional(),
  max_tokens: z.number().int().min(1).max(200_000).optional(),
  context: z.unknown().optional(),
});

export const WorkflowParameters = z
  .strictObject({
    callback_type: z.enum(["workflow", "webhook"]),
    callback_id: z.string().min(1).max(200),
    url: httpUrl.optional(),
    input: z.unknown().optional(),
  })
  .refine((p) => p.callback_type !== "webhook" || p.url !== undefined, {
    message: "a webhook callback needs a url",
    path: ["url"],
  });

/** The discriminated union of `{type, parameters}` pairs. */
export const TypedParameters = z.discriminatedUnion("type", [
  z.object({ type: z.literal("http"), parameters: HttpParameters }),
  z.object({ type: z.literal("health_check"), parameters: HealthCheckParameters }),
  z.object({ type: z.literal("backup"), parameters: BackupParameters }),
  z.object({ type: z.literal("custom_script"), parameters: CustomScriptParameters }),
  z.object({ type: z.literal("container_update"), parameters: ContainerUpdateParameters }),
  z.object({ type: z.literal("agent_task"), parameters: AgentTaskParameters }),
  z.object({ type: z.literal("workflow"), parameters: WorkflowParameters }),
]);

/** Validates parameters for a type and returns them with their defaults; throws `invalid_parameters`. */
export function validateParameters(type: TaskType, parameters: unknown): Record<string, unknown> {
  const parsed = TypedParameters.safeParse({ type, parameters });
  if (parsed.success) return parsed.data.parameters as Record<string, unknown>;
  const details = issueDetails(parsed.error.issues);
  const first = details[0];
  throw invalid(
    "invalid_parameters",
    `parameters are not valid for a ${type} task${first ? `: ${first.path}: ${first.message}` : ""}`,
    details,
  );
}
