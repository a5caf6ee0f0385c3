import type { Task } from "./task";

/**
 * Where a task's runs execute. The Worker (the "edge") can only call URLs; work on
 * the user's own hosts is pulled by runners (POST /v1/runners/claim), and a task
 * with a project goes only to runners labelled `project=<its id>`.
 *
 * - `custom_script`, `container_update`: runner only.
 * - `backup`: the edge copies `sources` (URLs) into R2. A backup without sources or
 *   with `device_ids` (000's network devices, 001's project backups), or with
 *   `run_on: "runner"`, is done by a runner on the hosts that can reach the devices or
 *   the project's data; `run_on: "edge"` keeps it on the edge (device_ids are then
 *   reported as skipped).
 * - `health_check`: the edge probes `targets` (connectivity); with
 *   `check_containers: true` a runner also checks the containers, and with
 *   `runner_connectivity: true` the runner checks connectivity from the hosts (for a
 *   project with no public url). With no targets, only the runner's check. Both parts
 *   make one run: the edge part first, then the runner's, and the run fails if either does.
 * - `http`, `agent_task`, `workflow`: edge only.
 */
export type Placement = { edge: boolean; runner: boolean };

export function placementOf(task: Pick<Task, "type" | "parameters">): Placement {
  const p = (task.parameters ?? {}) as Record<string, unknown>;
  switch (task.type) {
    case "custom_script":
    case "container_update":
      return { edge: false, runner: true };
    case "backup": {
      const sources = Array.isArray(p.sources) ? p.sources.length : 0;
      const devices = Array.isArray(p.device_ids) ? p.device_ids.length : 0;
      const onRunner = p.run_on === "runner" || (p.run_on !== "edge" && (sources === 0 || devices > 0));
      return { edge: !onRunner, runner: onRunner };
    }
    case "health_check": {
      const targets = Array.isArray(p.targets) ? p.targets.length : 0;
      return { edge: targets > 0, runner: p.check_containers === true || p.runner_connectivity === true };
    }
    default:
      return { edge: true, runner: false };
  }
}

/** The task types a runner may ask for: every type some part of which can run on a runner. */
export const RUNNER_CLAIM_TYPES = ["custom_script", "container_update", "backup", "health_check"] as const;
