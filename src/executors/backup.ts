import type { Run } from "../domain/run";
import type { Task } from "../domain/task";
import { backupKey } from "./backup-crypto";
import { objectKey, pruneRuns, putBuffered, putStreamed } from "./backup-store";
import type { Stored } from "./backup-store";
import { signatureHeader } from "./signature";
import { isPrivateTarget } from "./safety";
import type { ExecContext, Executor, Outcome } from "./types";

type Source = { name?: string; url: string; headers?: Record<string, string> };
type Params = { sources?: Source[]; device_ids?: string[]; retention?: number; encrypt?: boolean };

/** What the run records for one source. Headers given to a source are never recorded. */
export type BackupTarget = {
  name: string;
  url: string;
  ok: boolean;
  key: string | null;
  size: number | null;
  /** Hex SHA-256 of the plaintext. */
  sha256: string | null;
  content_type: string | null;
  encrypted: boolean;
  error: string | null;
};

/** The run's `result`: sizes are plaintext bytes; `pruned` counts older runs deleted by retention. */
export type BackupResult = {
  backup_id: string;
  size: number;
  objects: number;
  encrypted: boolean;
  pruned: number;
  prune_error?: string;
  device_ids_skipped?: number;
};

/**
 * Largest body held in memory: bodies to encrypt (AES-GCM is one-shot, and plaintext
 * and ciphertext coexist) and bodies without a usable Content-Length. 32 MiB keeps
 * both copies well inside a Worker's 128 MB.
 */
export const BUFFER_CAP = 32 * 1024 * 1024;
/** Largest streamed body: under R2's single-upload limit (just below 5 GiB). */
export const STREAM_CAP = 5_000_000_000;
const MiB = 1024 * 1024;
const REFUSED = "private or loopback address refused (set ALLOW_PRIVATE_TARGETS=true to allow)";

/**
 * Backs up each source (an HTTP GET) into env.BACKUPS at `org/task/run/name`, one
 * source at a time so at most one buffered body is in memory. Succeeds only when every
 * source is stored; then applies `retention`. With `encrypt` and no BACKUP_KEY it
 * fails before fetching anything, so plaintext is never stored when encryption was asked.
 */
export const backupExecutor: Executor = {
  async execute(task: Task, run: Run, ctx: ExecContext): Promise<Outcome> {
    const p = task.parameters as Params;
    const sources = p.sources ?? [];
    const encrypt = p.encrypt === true;
    const result: BackupResult = { backup_id: run.id, size: 0, objects: 0, encrypted: encrypt, pruned: 0 };
    if (sources.length === 0) {
      return { status: "failed", result, error: "the edge copies sources (URLs) only; a backup without sources is done by a runner" };
    }
    if (encrypt && !ctx.env.BACKUP_KEY) return { status: "failed", result, error: "encryption was requested but BACKUP_KEY is not set" };
    const job: Job = {
      task,
      run,
      ctx,
      createdAt: Date.now(),
      encryptWith: encrypt && ctx.env.BACKUP_KEY ? await backupKey(ctx.env.BACKUP_KEY) : undefined,
    };

    const targets: BackupTarget[] = [];
    const names = storedNames(sources);
    for (const [i, source] of sources.entries()) {
      const name = names[i] ?? `source-${i}`;
      targets.push(
        ctx.signal.aborted ? failure(name, source, "aborted: the run timed out or was canceled") : await backUp(source, name, job),
      );
    }
    const stored = targets.filter((t) => t.ok);
    result.objects = stored.length;
    result.size = stored.reduce((n, t) => n + (t.size ?? 0), 0);
    // Until device_ids map to sources, say so rather than skip them silently.
    if (p.device_ids?.length) result.device_ids_skipped = p.device_ids.length;

    const failing = targets.filter((t) => !t.ok);
    if (failing.length > 0) {
      // No pruning after a partial backup: older complete backups stay.
      if (ctx.signal.aborted)
        return { status: "timed_out", result, targets, error: `backup did not finish within ${task.timeout_seconds} s` };
      // A refused source fails every attempt alike: no retry can cure it.
      const permanent = failing.some((t) => t.error === REFUSED);
      return {
        status: "failed",
        result,
        targets,
        error: `${failing.length} of ${targets.length} sources failed: ${failing.map((t) => t.name).join(", ")}`,
        ...(permanent && { permanent }),
      };
    }
    if (p.retention !== undefined) {
      try {
        result.pruned = await pruneRuns(ctx.env.BACKUPS, task.org_id, task.id, run.id, p.retention);
      } catch (e) {
        // The backup itself is stored; a retention failure is reported, and the next run prunes again.
        result.prune_error = `retention not applied: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
    return { status: "succeeded", result, targets };
  },
};

type Job = { task: Task; run: Run; ctx: ExecContext; createdAt: number; encryptWith: CryptoKey | undefined };

/**
 * Names objects are stored under: the source's `name` (or `source-<index>`) with every
 * character outside `[A-Za-z0-9._-]` replaced by `_`; a name made only of dots becomes
 * `source-<index>` (it would be a path segment), and a repeated name gets `-2`, `-3`…
 */
export function storedNames(sources: Source[]): string[] {
  const used = new Set<string>();
  return sources.map((s, i) => {
    const clean = (s.name ?? "").replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 190);
    const base = clean === "" || /^\.+$/.test(clean) ? `source-${i}` : clean;
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
    used.add(name);
    return name;
  });
}

const failure = (name: string, s: Source, error: string): BackupTarget => ({
  name,
  url: s.url,
  ok: false,
  key: null,
  size: null,
  sha256: null,
  content_type: null,
  encrypted: false,
  error,
});

/** One source: never throws; every way of not storing it becomes an `error` string. */
async function backUp(s: Source, name: string, job: Job): Promise<BackupTarget> {
  const { task, run, ctx } = job;
  const url = new URL(s.url);
  if (!ctx.allowPrivateTargets && isPrivateTarget(url)) return failure(name, s, REFUSED);
  const headers = new Headers(s.headers);
  headers.set("x-task-id", task.id);
  headers.set("x-run-id", run.id);
  // A GET has no body; signing the empty body keeps "every outbound request is signed" true.
  if (ctx.signingSecrets.length > 0)
    headers.set("x-signature", await signatureHeader(ctx.signingSecrets, "", Math.floor(Date.now() / 1000)));
  const timeout = AbortSignal.timeout(task.timeout_seconds * 1000);
  try {
    const res = await fetch(url, { method: "GET", headers, signal: AbortSignal.any([ctx.signal, timeout]), redirect: "manual" });
    if (res.status < 200 || res.status > 299) {
      await res.body?.cancel().catch(() => undefined);
      return failure(
        name,
        s,
        res.status >= 300 && res.status < 400
          ? `source answered ${res.status} (redirects are not followed)`
          : `source answered ${res.status}`,
      );
    }
    const contentType = res.headers.get("content-type") ?? "application/octet-stream";
    const key = objectKey(task.org_id, task.id, run.id, name);
    const meta = { createdAt: job.createdAt, contentType };
    const length = announcedLength(res.headers);
    let stored: Stored;
    if (!job.encryptWith && length !== null && res.body) {
      if (length > STREAM_CAP) return tooLarge(res, name, s, `source is ${length} bytes; at most ${STREAM_CAP} bytes can be backed up`);
      stored = await putStreamed(ctx.env.BACKUPS, key, res.body, length, meta);
    } else {
      const why = job.encryptWith ? "an encrypted backup" : "a source without Content-Length";
      const capMessage = `source is larger than ${BUFFER_CAP / MiB} MiB, the limit for ${why}`;
      if (length !== null && length > BUFFER_CAP) return tooLarge(res, name, s, capMessage);
      const bytes = await readAll(res, BUFFER_CAP);
      if (!bytes) return failure(name, s, capMessage);
      stored = await putBuffered(ctx.env.BACKUPS, key, bytes, meta, job.encryptWith);
    }
    return {
      name,
      url: s.url,
      ok: true,
      key,
      size: stored.size,
      sha256: stored.sha256,
      content_type: contentType,
      encrypted: job.encryptWith !== undefined,
      error: null,
    };
  } catch (e) {
    if (ctx.signal.aborted) return failure(name, s, "aborted: the run timed out or was canceled");
    if (timeout.aborted) return failure(name, s, `timed out after ${task.timeout_seconds} s`);
    return failure(name, s, `backup failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

async function tooLarge(res: Response, name: string, s: Source, error: string): Promise<BackupTarget> {
  await res.body?.cancel().catch(() => undefined);
  return failure(name, s, error);
}

/**
 * The body's length when the bytes read will match it: a Content-Length without a
 * Content-Encoding (fetch decodes gzip/br, so an encoded length is not the body's).
 */
function announcedLength(h: Headers): number | null {
  const length = h.get("content-length");
  const encoding = h.get("content-encoding");
  if (length === null || !/^\d+$/.test(length.trim()) || (encoding !== null && encoding.trim().toLowerCase() !== "identity")) return null;
  return Number(length);
}

/** The whole body, or null as soon as it exceeds `cap` (the rest is never read). */
async function readAll(res: Response, cap: number): Promise<Uint8Array | null> {
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > cap) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.byteLength;
  }
  return all;
}
