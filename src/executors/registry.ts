import type { TaskType } from "../domain/task";
import { httpExecutor } from "./http";
import type { Executor } from "./types";

/**
 * Task type → executor. Types whose executor is not built yet are absent: their
 * runs fail with a clear error rather than pretending to succeed.
 */
export const executors: Partial<Record<TaskType, Executor>> = {
  http: httpExecutor,
};
