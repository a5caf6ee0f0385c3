/**
 * The one signature every outbound request carries (an executor's call, a health check's
 * alert, a backup source fetch, a run notification): `X-Signature` (README "Signatures").
 */

/** HMAC-SHA256 signatures of `t.body`, one `v1=` per secret: `t=<unix>,v1=<hex>[,v1=<hex>]`. */
export async function signatureHeader(secrets: string[], body: string, unixSeconds: number): Promise<string> {
  const parts = [`t=${unixSeconds}`];
  for (const secret of secrets) {
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${unixSeconds}.${body}`));
    parts.push(`v1=${[...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("")}`);
  }
  return parts.join(",");
}
