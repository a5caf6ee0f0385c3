import { DomainError } from "../../domain/errors";
import type { Env } from "../../env";
import { listArtifacts, readArtifact } from "../../executors/backup-store";
import type { Artifact, ArtifactInfo } from "../../executors/backup-store";
import type { ServiceContext } from "../context";
import { getRun } from "./read";

// What a backup run stored in R2 is reached through the run that made it, so the
// run's organization scoping is the only access rule.

/** The objects a run stored (none once retention pruned them); not found for another organization's run. */
export async function listRunArtifacts(ctx: ServiceContext, bucket: R2Bucket, runId: string): Promise<ArtifactInfo[]> {
  const run = await getRun(ctx, runId);
  return listArtifacts(bucket, ctx.orgId, run.task_id, run.id);
}

/** One stored object of a run, decrypted when it was encrypted; `artifact_not_found` when absent. */
export async function readRunArtifact(
  ctx: ServiceContext,
  env: Pick<Env, "BACKUPS" | "BACKUP_KEY">,
  runId: string,
  name: string,
): Promise<Artifact> {
  const run = await getRun(ctx, runId);
  const artifact = await readArtifact(env, ctx.orgId, run.task_id, run.id, name);
  if (!artifact)
    throw new DomainError(
      "not_found",
      "artifact_not_found",
      `run ${run.id} has no stored artifact named ${JSON.stringify(name)} (never stored, or pruned by retention)`,
    );
  return artifact;
}
