// Encryption at rest for backup objects.
//
// Key: the 32-byte SHA-256 digest of BACKUP_KEY's UTF-8 text, imported as a raw
// AES-GCM-256 key. A plain hash (not HKDF) is enough because BACKUP_KEY is a
// high-entropy secret chosen by the operator, not a password; it lets the secret
// have any length and lets anyone holding it rebuild the key with one command.
//
// Object format: `IV (12 random bytes) || AES-GCM ciphertext (with its 16-byte tag)`.
// The object's R2 key (`org/task/run/name`) is the GCM additional data, so a
// ciphertext copied under another path (another run, another organization) fails
// to decrypt instead of being served as that path's plaintext.

export const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Bytes an encrypted object has beyond its plaintext. */
export const ENCRYPTION_OVERHEAD = IV_BYTES + TAG_BYTES;
/** The `encrypted` customMetadata value of an encrypted object. */
export const CIPHER = "aes-256-gcm";

/** Derives the AES-GCM-256 key from BACKUP_KEY: SHA-256 of its UTF-8 bytes. */
export async function backupKey(secret: string): Promise<CryptoKey> {
  const raw = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret));
  return crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
}

/** Encrypts one object's plaintext, bound to its storage key: returns `IV || ciphertext`. */
export async function encryptObject(key: CryptoKey, objectKey: string, plaintext: Uint8Array): Promise<Uint8Array> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: new TextEncoder().encode(objectKey) }, key, plaintext);
  const out = new Uint8Array(IV_BYTES + sealed.byteLength);
  out.set(iv, 0);
  out.set(new Uint8Array(sealed), IV_BYTES);
  return out;
}

/**
 * Decrypts `IV || ciphertext` stored under `objectKey`. Returns null when the key is
 * wrong, the data was altered or it was stored under another key (GCM authenticates
 * all three), so a caller can never serve anything but the true plaintext.
 */
export async function decryptObject(key: CryptoKey, objectKey: string, stored: Uint8Array): Promise<Uint8Array<ArrayBuffer> | null> {
  if (stored.byteLength < ENCRYPTION_OVERHEAD) return null;
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: stored.subarray(0, IV_BYTES), additionalData: new TextEncoder().encode(objectKey) },
      key,
      stored.subarray(IV_BYTES),
    );
    return new Uint8Array(plain);
  } catch {
    return null;
  }
}

/** Lower-case hex of bytes (digests). */
export function toHex(buf: ArrayBuffer | Uint8Array): string {
  return [...(buf instanceof Uint8Array ? buf : new Uint8Array(buf))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Hex SHA-256 of bytes held in memory. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return toHex(await crypto.subtle.digest("SHA-256", bytes));
}
