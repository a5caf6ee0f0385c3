import { conflict } from "../domain/errors";
import type { Env } from "../env";
import { CIPHER, ENCRYPTION_OVERHEAD, backupKey, decryptObject, encryptObject, sha256Hex, toHex } from "./backup-crypto";

// Layout of env.BACKUPS: one object per source at `${org}/${task}/${run}/${name}`, so
// a run's backup is one prefix and a task's backups are the run prefixes under
// `${org}/${task}/`. Every object carries customMetadata `created_at` (epoch ms of
// the backup), `content_type` (the source's), and when known before the upload
// `sha256` (hex of the plaintext); encrypted objects add `encrypted: "aes-256-gcm"`.

/** Stored names: the source's name (or `source-<index>`) reduced to these characters. */
export const ARTIFACT_NAME = /^[A-Za-z0-9._-]{1,200}$/;
const DELETE_BATCH = 1000;

/** A run's backup: the prefix of every object it stored. */
export const runPrefix = (org: string, task: string, run: string) => `${org}/${task}/${run}/`;
/** Where one source of a run is stored. */
export const objectKey = (org: string, task: string, run: string, name: string) => `${runPrefix(org, task, run)}${name}`;

/** What the backup writes about an object besides its bytes. */
export type ObjectMeta = { createdAt: number; contentType: string };
/** The plaintext's size and hex SHA-256. */
export type Stored = { size: number; sha256: string };

/**
 * Streams a body of announced length into R2 (FixedLengthStream gives R2 the length
 * it needs) while hashing it, so no copy is held in memory. The digest is only known
 * after the upload, so this object's metadata has no `sha256` (the run's targets do).
 * A body shorter or longer than `length` makes the upload fail.
 */
export async function putStreamed(
  bucket: R2Bucket,
  key: string,
  body: ReadableStream<Uint8Array>,
  length: number,
  meta: ObjectMeta,
): Promise<Stored> {
  const digest = new crypto.DigestStream("SHA-256");
  const hashing = digest.getWriter();
  // A pass-through that hashes each chunk: it pulls only as fast as R2 takes bytes
  // (unlike tee(), whose faster branch would pile the whole body up in memory).
  let seen = 0;
  const hasher = new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, out) {
      seen += chunk.byteLength;
      if (seen > length) throw new Error(`the source sent more than the ${length} bytes it announced`);
      await hashing.write(chunk.slice()); // a copy: the digest sink may take ownership of what it is given
      out.enqueue(chunk);
    },
    async flush() {
      if (seen < length) throw new Error(`the source sent ${seen} of the ${length} bytes it announced`);
      await hashing.close();
    },
  });
  const customMetadata = { created_at: String(meta.createdAt), content_type: meta.contentType };
  const fixed = new FixedLengthStream(length);
  const piping = body.pipeThrough(hasher).pipeTo(fixed.writable);
  try {
    await Promise.all([piping, bucket.put(key, fixed.readable, { httpMetadata: { contentType: meta.contentType }, customMetadata })]);
  } catch (e) {
    // The upload failed (R2 stores nothing partial): stop hashing, and let the digest's rejection go unheard.
    void digest.digest.catch(() => undefined);
    await hashing.abort(e).catch(() => undefined);
    throw e;
  }
  return { size: length, sha256: toHex(await digest.digest) };
}

/**
 * Stores a body held in memory, encrypted with `encryptWith` when given (the raw
 * object is then `IV || ciphertext`, typed application/octet-stream, and the source's
 * type lives in customMetadata). Plaintext uploads are checked by R2 against their SHA-256.
 */
export async function putBuffered(
  bucket: R2Bucket,
  key: string,
  bytes: Uint8Array,
  meta: ObjectMeta,
  encryptWith?: CryptoKey,
): Promise<Stored> {
  const sha256 = await sha256Hex(bytes);
  const customMetadata: Record<string, string> = { created_at: String(meta.createdAt), content_type: meta.contentType, sha256 };
  if (encryptWith) {
    const sealed = await encryptObject(encryptWith, key, bytes);
    await bucket.put(key, sealed, {
      httpMetadata: { contentType: "application/octet-stream" },
      customMetadata: { ...customMetadata, encrypted: CIPHER },
    });
  } else {
    await bucket.put(key, bytes, { httpMetadata: { contentType: meta.contentType }, customMetadata, sha256 });
  }
  return { size: bytes.byteLength, sha256 };
}

/** One stored object of a run, as the artifacts listing shows it (size is the plaintext's). */
export type ArtifactInfo = { name: string; size: number; encrypted: boolean; content_type: string };

const isEncrypted = (o: R2Object) => o.customMetadata?.encrypted === CIPHER;
const contentTypeOf = (o: R2Object) => o.customMetadata?.content_type ?? o.httpMetadata?.contentType ?? "application/octet-stream";

/** Every object under a prefix, following R2's cursor (a page may hold fewer than asked when metadata is included). */
async function listAll(bucket: R2Bucket, prefix: string): Promise<R2Object[]> {
  const all: R2Object[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await bucket.list({ prefix, cursor, include: ["customMetadata", "httpMetadata"] });
    all.push(...page.objects);
    if (!page.truncated) return all;
    cursor = page.cursor;
  }
}

/** The objects a run stored, by name. */
export async function listArtifacts(bucket: R2Bucket, org: string, task: string, run: string): Promise<ArtifactInfo[]> {
  const prefix = runPrefix(org, task, run);
  return (await listAll(bucket, prefix)).map((o) => ({
    name: o.key.slice(prefix.length),
    size: isEncrypted(o) ? Math.max(0, o.size - ENCRYPTION_OVERHEAD) : o.size,
    encrypted: isEncrypted(o),
    content_type: contentTypeOf(o),
  }));
}

/** An artifact ready to send: a stream from R2, or decrypted bytes. */
export type Artifact = { body: ReadableStream | Uint8Array<ArrayBuffer>; size: number; contentType: string; encrypted: boolean };

/**
 * Reads one stored object of a run; null when it is absent (pruned, never stored, or
 * not a valid name). Encrypted objects are decrypted with `env.BACKUP_KEY`; a missing
 * or wrong key is a 409 `decryption_failed` — never the ciphertext, never other bytes.
 */
export async function readArtifact(
  env: Pick<Env, "BACKUPS" | "BACKUP_KEY">,
  org: string,
  task: string,
  run: string,
  name: string,
): Promise<Artifact | null> {
  if (!ARTIFACT_NAME.test(name)) return null;
  const key = objectKey(org, task, run, name);
  const noKey = () => conflict("decryption_failed", "this artifact is encrypted and BACKUP_KEY is not set in this deployment");
  if (!env.BACKUP_KEY) {
    // Without the key, learn from the metadata alone whether the object can be served (no body fetched to be thrown away).
    const head = await env.BACKUPS.head(key);
    if (!head) return null;
    if (isEncrypted(head)) throw noKey();
  }
  const obj = await env.BACKUPS.get(key);
  if (!obj) return null;
  const contentType = contentTypeOf(obj);
  if (!isEncrypted(obj)) return { body: obj.body, size: obj.size, contentType, encrypted: false };
  if (!env.BACKUP_KEY) throw noKey();
  const plain = await decryptObject(await backupKey(env.BACKUP_KEY), key, new Uint8Array(await obj.arrayBuffer()));
  if (!plain)
    throw conflict(
      "decryption_failed",
      "this artifact could not be decrypted: BACKUP_KEY is not the key it was encrypted with, or the object was altered",
    );
  return { body: plain, size: plain.byteLength, contentType, encrypted: true };
}

/**
 * Retention: keeps the task's newest `keep` backups (run prefixes, the current run
 * always among them) and deletes every object of the older ones. A run's time is its
 * newest object's `created_at` (upload time for objects without it). Returns the
 * number of runs deleted.
 */
export async function pruneRuns(bucket: R2Bucket, org: string, task: string, currentRun: string, keep: number): Promise<number> {
  const prefix = `${org}/${task}/`;
  const runs = new Map<string, { at: number; keys: string[] }>();
  for (const o of await listAll(bucket, prefix)) {
    const runId = o.key.slice(prefix.length).split("/")[0] ?? "";
    const at = Number(o.customMetadata?.created_at ?? Number.NaN);
    const time = Number.isFinite(at) ? at : o.uploaded.getTime();
    const entry = runs.get(runId) ?? { at: 0, keys: [] };
    entry.at = Math.max(entry.at, time);
    entry.keys.push(o.key);
    runs.set(runId, entry);
  }
  const older = [...runs.entries()]
    .filter(([id]) => id !== currentRun)
    // Newest first; equal times fall back to the id so the choice is stable.
    .sort(([ia, a], [ib, b]) => b.at - a.at || (ib < ia ? -1 : ib > ia ? 1 : 0));
  const doomed = older.slice(Math.max(0, keep - 1));
  const keys = doomed.flatMap(([, r]) => r.keys);
  for (let i = 0; i < keys.length; i += DELETE_BATCH) await bucket.delete(keys.slice(i, i + DELETE_BATCH));
  return doomed.length;
}
