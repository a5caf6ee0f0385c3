import type { TaskType } from "../domain/task";
import { agentExecutor } from "./agent";
import { backupExecutor } from "./backup";
import { healthCheckExecutor } from "./health-check";
import { httpExecutor } from "./http";
import { workflowExecutor } from "./workflow";
import type { Executor } from "./types";

/**
 * Task type → executor. custom_script and container_update have none here: a Worker
 * cannot run shell commands, so the consumer hands those runs to runners on the
 * user's hosts (POST /v1/runners/claim). A type without an executor fails clearly.
 */
export const executors: Partial<Record<TaskType, Executor>> = {
  http: httpExecutor,
  health_check: healthCheckExecutor,
  workflow: workflowExecutor,
  agent_task: agentExecutor,
  backup: backupExecutor,
};
