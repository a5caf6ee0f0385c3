import { createRoute, z } from "@hono/zod-openapi";
import { requireScope } from "../../middleware/auth";
import { body, errorResponsesFor, json } from "../../openapi";
import { PLATFORM_STATUS } from "./errors";

// The container platform's (001) request and response shapes, as its reference shows them.
// Zod checks the shape only; the core checks meaning (cron, timezone, parameters, project).

export const VENDOR_TYPES = ["health-check", "backup", "container-update", "custom"] as const;
export type VendorType = (typeof VENDOR_TYPES)[number];

const instant = z.string().openapi({ format: "date-time", example: "2026-01-20T07:00:00Z" });

export const HealthCheckConfig = z
  .strictObject({
    checkContainers: z
      .boolean()
      .optional()
      .openapi({ description: "Recorded; container checks run through project runners (not at the edge). Default true" }),
    checkConnectivity: z.boolean().optional().openapi({ description: "Probe the project's url from the edge. Must be true. Default true" }),
    alertOnFailure: z.boolean().optional().openapi({ description: "Recorded; a failed check shows as lastStatus failed. Default true" }),
  })
  .openapi("PlatformHealthCheckConfig");
export const BackupConfig = z
  .strictObject({
    type: z.enum(["full"], { error: 'backupConfig.type must be "full": each run copies the whole source' }).optional(),
    destination: z
      .enum(["s3"], { error: 'backupConfig.destination must be "s3": backups are stored in S3-compatible object storage (R2)' })
      .optional(),
    encrypt: z.boolean().optional().openapi({ description: "AES-GCM at rest (needs the deployment's BACKUP_KEY). Default false" }),
  })
  .openapi("PlatformBackupConfig");
export const ContainerUpdateConfig = z
  .strictObject({
    pullImages: z.boolean().optional().openapi({ description: "Default true" }),
    restartAfterUpdate: z.boolean().optional().openapi({ description: "Default true" }),
  })
  .openapi("PlatformContainerUpdateConfig");
export const CustomConfig = z.strictObject({ command: z.string().min(1).max(10_000) }).openapi("PlatformCustomConfig");

export type HealthCheckConfigT = z.infer<typeof HealthCheckConfig>;
export type BackupConfigT = z.infer<typeof BackupConfig>;
export type ContainerUpdateConfigT = z.infer<typeof ContainerUpdateConfig>;
export type CustomConfigT = z.infer<typeof CustomConfig>;

const configs = {
  healthCheckConfig: HealthCheckConfig.nullable().optional(),
  backupConfig: BackupConfig.nullable().optional(),
  containerUpdateConfig: ContainerUpdateConfig.nullable().optional(),
  customConfig: CustomConfig.nullable().optional(),
};
const name = z.string().trim().min(1).max(200);
const cron = z
  .string()
  .min(1)
  .max(200)
  .openapi({ description: "5-field cron: minute hour day-of-month month day-of-week", example: "0 2 * * *" });
const timezone = z.string().min(1).max(64).openapi({ description: "IANA time zone (default UTC)", example: "America/New_York" });
const projectId = z.string().min(1).max(100);

export const CreateBody = z
  .strictObject({
    name,
    enabled: z.boolean().optional(),
    type: z.enum(VENDOR_TYPES),
    projectId,
    cronExpression: cron,
    timezone: timezone.optional(),
    ...configs,
  })
  .openapi("PlatformTaskCreate");
export type CreateBodyT = z.infer<typeof CreateBody>;

// A client that PUTs back what it read sends the read-only fields too: they are accepted and ignored.
const readOnly = {
  id: z.unknown().optional(),
  projectName: z.unknown().optional(),
  nextRun: z.unknown().optional(),
  lastRun: z.unknown().optional(),
  lastStatus: z.unknown().optional(),
  history: z.unknown().optional(),
  createdAt: z.unknown().optional(),
};
export const UpdateBody = z
  .strictObject({
    name: name.optional(),
    enabled: z.boolean().optional(),
    type: z.enum(VENDOR_TYPES).optional(),
    projectId: projectId.optional(),
    cronExpression: cron.optional(),
    timezone: timezone.optional(),
    ...configs,
    ...readOnly,
  })
  .openapi("PlatformTaskUpdate");
export type UpdateBodyT = z.infer<typeof UpdateBody>;

export const ListQuery = z.object({
  projectId: projectId.optional().openapi({ example: "my-project" }),
  type: z.enum(VENDOR_TYPES).optional(),
  enabled: z.enum(["true", "false"], { error: 'enabled must be "true" or "false"' }).optional(),
});
export const IdParam = z.object({ id: z.string().min(1).max(100) });

const HistoryEntry = z.object({
  executedAt: instant,
  status: z.enum(["success", "failed"]),
  duration: z.number().int().nullable().openapi({ description: "Milliseconds" }),
  result: z.unknown(),
  error: z.string().optional().openapi({ description: "Why it failed (failed executions only)" }),
});
const common = {
  id: z.string(),
  name: z.string(),
  type: z.enum(VENDOR_TYPES),
  enabled: z.boolean(),
  projectId: z.string().nullable(),
  projectName: z.string().nullable(),
  cronExpression: z.string(),
  timezone: z.string(),
  nextRun: instant.nullable(),
  lastRun: instant.nullable(),
  lastStatus: z.enum(["success", "failed"]).nullable(),
  createdAt: instant,
};
export const ListItem = z.object(common).openapi("PlatformTaskSummary");
export const TaskView = z.object({ ...common, ...configs, history: z.array(HistoryEntry) }).openapi("PlatformTask");
export const Created = z
  .object({
    success: z.literal(true),
    task: z.object({
      id: z.string(),
      name: z.string(),
      type: z.enum(VENDOR_TYPES),
      enabled: z.boolean(),
      nextRun: instant.nullable(),
      createdAt: instant,
    }),
  })
  .openapi("PlatformTaskCreated");
export const Updated = z
  .object({
    success: z.literal(true),
    task: z.object({ id: z.string(), name: z.string(), enabled: z.boolean(), cronExpression: z.string(), nextRun: instant.nullable() }),
  })
  .openapi("PlatformTaskUpdated");
export const Deleted = z.object({ success: z.literal(true), message: z.literal("Task deleted") }).openapi("PlatformTaskDeleted");
export const Execution = z
  .object({
    success: z.boolean().openapi({ description: "true when the execution succeeded (or is still running: 202)" }),
    error: z.string().optional(),
    execution: z.object({
      id: z.string(),
      status: z.enum(["success", "failed", "running"]),
      duration: z.number().int().nullable().optional(),
      result: z.unknown().optional(),
    }),
  })
  .openapi("PlatformExecution");
export const PlatformError = z.object({ success: z.literal(false), error: z.string() }).openapi("PlatformError");

const errors = {
  ...errorResponsesFor(PlatformError, PLATFORM_STATUS, {
    describe: {
      invalid: 'Invalid input, e.g. {success:false, error:"Invalid cron expression"} or "Project not found"',
      forbidden: "The credential lacks tasks:read / tasks:write",
      not_found: '{success:false, error:"Task not found"}',
      conflict: "Conflict (duplicate name, canceled task)",
    },
  }),
};
const tags = ["Dialect: container platform (001)"];
const read = requireScope("tasks:read");
const write = requireScope("tasks:write");
const base = "/api/v1/tasks";

export const listTasksRoute = createRoute({
  method: "get",
  path: base,
  operationId: "platformListTasks",
  tags,
  middleware: read,
  summary: "List tasks",
  request: { query: ListQuery },
  responses: { 200: json(z.object({ tasks: z.array(ListItem) }), "The tasks"), ...errors },
});
export const createTaskRoute = createRoute({
  method: "post",
  path: base,
  operationId: "platformCreateTask",
  tags,
  middleware: write,
  summary: "Create task",
  request: { body: body(CreateBody) },
  responses: { 201: json(Created, "The task"), ...errors },
});
export const getTaskRoute = createRoute({
  method: "get",
  path: `${base}/{id}`,
  operationId: "platformGetTask",
  tags,
  middleware: read,
  summary: "Get task",
  request: { params: IdParam },
  responses: { 200: json(TaskView, "The task with its config and history"), ...errors },
});
export const updateTaskRoute = createRoute({
  method: "put",
  path: `${base}/{id}`,
  operationId: "platformUpdateTask",
  tags,
  middleware: write,
  summary: "Update task (only the fields sent change)",
  request: { params: IdParam, body: body(UpdateBody) },
  responses: { 200: json(Updated, "The task"), ...errors },
});
export const deleteTaskRoute = createRoute({
  method: "delete",
  path: `${base}/{id}`,
  operationId: "platformDeleteTask",
  tags,
  middleware: write,
  summary: "Delete task",
  request: { params: IdParam },
  responses: { 200: json(Deleted, "Deleted"), ...errors },
});
export const runTaskRoute = createRoute({
  method: "post",
  path: `${base}/{id}/run`,
  operationId: "platformRunTask",
  tags,
  middleware: write,
  summary: "Run immediately and wait for the execution",
  request: { params: IdParam },
  responses: { 200: json(Execution, "The finished execution"), 202: json(Execution, "Still running at the deadline"), ...errors },
});
