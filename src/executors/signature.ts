/**
 * The one signature every outbound request carries (an executor's call, a health check's
 * alert, a backup source fetch, a run notification): `X-Signature` (README "Signatures").
 */

/** Imported HMAC keys by secret: a burst signs a thousand bodies with one organization's key. Bounded; never exported. */
const keys = new Map<string, Promise<CryptoKey>>();
const KEYS_KEPT = 1000;

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    if (keys.size >= KEYS_KEPT) keys.clear();
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    keys.set(secret, key);
    key.catch(() => keys.delete(secret));
  }
  return key;
}

/** HMAC-SHA256 signatures of `t.body`, one `v1=` per secret: `t=<unix>,v1=<hex>[,v1=<hex>]`. */
export async function signatureHeader(secrets: string[], body: string, unixSeconds: number): Promise<string> {
  const parts = [`t=${unixSeconds}`];
  for (const secret of secrets) {
    const key = await hmacKey(secret);
    const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${unixSeconds}.${body}`));
    parts.push(`v1=${[...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("")}`);
  }
  return parts.join(",");
}
