import { invalid } from "../../../domain/errors";
import type { Run } from "../../../domain/run";
import type { Schedule } from "../../../domain/schedule";
import type { Task, TaskType } from "../../../domain/task";
import type { Project } from "../../../services/projects";
import type { BackupConfigT, ContainerUpdateConfigT, CustomConfigT, HealthCheckConfigT, VendorType } from "./schemas";
import { isoSeconds, isoSecondsOrNull } from "../../../domain/time";
import { inView } from "../../../services/tasks/read";
import type { TaskView } from "../../../services/tasks/read";

// Vendor task ↔ core task. Pure functions: no I/O, no HTTP.

export const CORE_TYPE: Record<VendorType, TaskType> = {
  "health-check": "health_check",
  backup: "backup",
  "container-update": "container_update",
  custom: "custom_script",
};
const VENDOR_TYPE: Partial<Record<TaskType, VendorType>> = {
  health_check: "health-check",
  backup: "backup",
  container_update: "container-update",
  custom_script: "custom",
};
export const CONFIG_KEY = {
  "health-check": "healthCheckConfig",
  backup: "backupConfig",
  "container-update": "containerUpdateConfig",
  custom: "customConfig",
} as const satisfies Record<VendorType, string>;

type CronSchedule = Extract<Schedule, { kind: "cron" }>;
/** A core task this face can express: one of its four types on a cron schedule. */
export type PlatformTask = Task & { schedule: CronSchedule };

/** What this face shows: its four types on a cron schedule. */
export const PLATFORM_VIEW: TaskView = { types: Object.values(CORE_TYPE), schedule_kinds: ["cron"] };

/** Narrows a task read through PLATFORM_VIEW to what the face's views need. */
export const expressible = (t: Task): t is PlatformTask => inView(t, PLATFORM_VIEW);
export const vendorTypeOf = (t: PlatformTask): VendorType => VENDOR_TYPE[t.type] ?? "custom";

export type Config = {
  healthCheckConfig?: HealthCheckConfigT;
  backupConfig?: BackupConfigT;
  containerUpdateConfig?: ContainerUpdateConfigT;
  customConfig?: CustomConfigT;
};
type FullHealth = Required<HealthCheckConfigT>;

/** The vendor config of a core task, read back from its parameters. */
export function configOf(t: PlatformTask): Config {
  const p = t.parameters;
  switch (vendorTypeOf(t)) {
    case "health-check": {
      const targets = Array.isArray(p.targets) ? p.targets : [];
      return {
        healthCheckConfig: {
          checkContainers: p.check_containers === true,
          checkConnectivity: targets.length > 0 || p.runner_connectivity === true,
          alertOnFailure: typeof p.alert_on_failure === "boolean" ? p.alert_on_failure : p.alert !== undefined,
        },
      };
    }
    case "backup":
      return { backupConfig: { type: "full", destination: "s3", encrypt: p.encrypt === true } };
    case "container-update":
      return { containerUpdateConfig: { pullImages: p.pull !== false, restartAfterUpdate: p.restart !== false } };
    case "custom":
      return { customConfig: { command: typeof p.command === "string" ? p.command : "" } };
  }
}

export type Mapped = { parameters: Record<string, unknown> };

/**
 * Core parameters for a vendor config. `base` (the current parameters, when neither the
 * type nor the project changes) keeps what only /v1 can set, such as extra targets.
 */
export function toParameters(
  type: VendorType,
  given: Config,
  current: Config | undefined,
  project: Project | null,
  base?: Record<string, unknown>,
): Mapped {
  switch (type) {
    case "health-check": {
      const c: FullHealth = {
        checkContainers: true,
        checkConnectivity: true,
        alertOnFailure: true,
        ...current?.healthCheckConfig,
        ...given.healthCheckConfig,
      };
      if (!c.checkConnectivity && !c.checkContainers) {
        throw invalid(
          "validation_failed",
          "healthCheckConfig: checkConnectivity or checkContainers must be true: a health check has to check something",
        );
      }
      if (!project)
        throw invalid(
          "validation_failed",
          "projectId is required for a health check (its url is probed, or a runner labelled with the project checks it)",
        );
      const kept = Array.isArray(base?.targets) && base.targets.length > 0 ? base.targets : undefined;
      // Connectivity: the edge probes the project's url; a project without one (its
      // containers live on its hosts) is checked by the project's runner instead.
      const edgeTargets = kept ?? (project.url ? [{ name: project.name, url: project.url }] : []);
      const targets = c.checkConnectivity ? edgeTargets : [];
      const { runner_connectivity: _old, ...rest } = base ?? {};
      return {
        parameters: {
          ...rest,
          targets,
          check_containers: c.checkContainers,
          alert_on_failure: c.alertOnFailure,
          ...(c.checkConnectivity && targets.length === 0 && { runner_connectivity: true }),
        },
      };
    }
    case "backup": {
      const encrypt = given.backupConfig?.encrypt ?? current?.backupConfig?.encrypt ?? false;
      if (!project) throw invalid("validation_failed", "projectId is required for a backup (a runner labelled with the project does it)");
      return { parameters: { ...base, run_on: "runner", type: "full", destination: "s3", encrypt } };
    }
    case "container-update": {
      const c = { pullImages: true, restartAfterUpdate: true, ...current?.containerUpdateConfig, ...given.containerUpdateConfig };
      return { parameters: { ...base, pull: c.pullImages, restart: c.restartAfterUpdate } };
    }
    case "custom": {
      const command = given.customConfig?.command ?? current?.customConfig?.command;
      if (!command) throw invalid("validation_failed", "customConfig.command is required for a custom task");
      return { parameters: { ...base, command } };
    }
  }
}

/** The vendor's instants: ISO-8601 UTC to the second, as its reference writes them. */

export const vendorStatus = (s: string | null): "success" | "failed" | null =>
  s === null ? null : s === "succeeded" ? "success" : "failed";

const camel = (k: string) => k.replace(/_([a-z0-9])/g, (_m, ch: string) => ch.toUpperCase());
/**
 * A run's result with its top-level keys in camelCase (`backup_id` → `backupId`);
 * nested data is the task's own. A runner's report that carries a structured
 * `result` (e.g. a backup's `{backup_id, size}`) is shown as that result, as the
 * vendor's executions show it; a bare command report shows `{exitCode, stdoutTail, stderrTail}`.
 */
export function vendorResult(r: unknown): unknown {
  if (typeof r !== "object" || r === null || Array.isArray(r)) return r;
  const o = r as Record<string, unknown>;
  const reported = "exit_code" in o && typeof o.output === "object" && o.output !== null && !Array.isArray(o.output) ? o.output : o;
  return Object.fromEntries(Object.entries(reported).map(([k, v]) => [camel(k), v]));
}

/** Why a run did not succeed, in words. */
export const runError = (r: Run) => r.error ?? `the execution was ${r.status}${r.reason ? ` (${r.reason})` : ""}`;

/** History: executions that ran to an end (skipped and canceled occurrences never executed). */
export function history(runs: Run[]) {
  return runs
    .filter((r) => r.status === "succeeded" || r.status === "failed" || r.status === "timed_out")
    .map((r) => ({
      executedAt: isoSeconds(r.started_at ?? r.scheduled_for),
      status: r.status === "succeeded" ? ("success" as const) : ("failed" as const),
      duration: r.duration_ms,
      result: vendorResult(r.result) ?? null,
      ...(r.status !== "succeeded" && { error: runError(r) }),
    }));
}

export function summary(t: PlatformTask, projectName: string | null) {
  return {
    id: t.id,
    name: t.name,
    type: vendorTypeOf(t),
    enabled: t.enabled,
    projectId: t.project_id,
    projectName,
    cronExpression: t.schedule.expression,
    timezone: t.schedule.timezone,
    nextRun: isoSecondsOrNull(t.next_run_at),
    lastRun: isoSecondsOrNull(t.last_run_at),
    lastStatus: vendorStatus(t.last_status),
    createdAt: isoSeconds(t.created_at),
  };
}

export function fullView(t: PlatformTask & { latest_runs: Run[] }, projectName: string | null) {
  const { createdAt, ...rest } = summary(t, projectName);
  // Field order follows the reference: config after timezone, history before createdAt.
  const { nextRun, lastRun, lastStatus, ...head } = rest;
  return { ...head, ...configOf(t), nextRun, lastRun, lastStatus, history: history(t.latest_runs), createdAt };
}

export const createdView = (t: PlatformTask) => ({
  id: t.id,
  name: t.name,
  type: vendorTypeOf(t),
  enabled: t.enabled,
  nextRun: isoSecondsOrNull(t.next_run_at),
  createdAt: isoSeconds(t.created_at),
});
export const updatedView = (t: PlatformTask) => ({
  id: t.id,
  name: t.name,
  enabled: t.enabled,
  cronExpression: t.schedule.expression,
  nextRun: isoSecondsOrNull(t.next_run_at),
});
