import { describe, expect, it } from "vitest";
import { signatureHeader } from "../../src/executors/signature";
import { ADMIN, call, newOrg, tenant } from "../helpers/api";

const asAdmin = (org: string) => ({ token: ADMIN, headers: { "x-org-id": org } });
const getSecrets = (org: string) => call("GET", "/v1/signing-secrets", asAdmin(org));
const rotate = (org: string, body?: unknown) => call("POST", "/v1/signing-secrets/rotate", { ...asAdmin(org), body });

/** What a receiver does: recompute HMAC-SHA256 of "t.body" with its secret and look for it among the v1= values. */
async function verify(header: string, body: string, secret: string): Promise<boolean> {
  const parts = header.split(",").map((p) => p.split("=", 2) as [string, string]);
  const t = parts.find(([k]) => k === "t")?.[1];
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${t}.${body}`));
  const hex = [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return parts.some(([k, v]) => k === "v1" && v === hex);
}

describe("signing secrets", () => {
  it("are shown only to the admin token", async () => {
    const { org, key } = await tenant(["tasks:read", "tasks:write"]);
    expect((await call("GET", "/v1/signing-secrets", { token: key })).status).toBe(403);
    const r = await call("POST", "/v1/signing-secrets/rotate", { token: key });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("forbidden");
    expect((await call("GET", "/v1/signing-secrets")).status).toBe(401);
    // The admin token belongs to no organization: it must name one.
    expect((await call("GET", "/v1/signing-secrets", { token: ADMIN })).status).toBe(400);
    const ok = await getSecrets(org);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ current: { secret: expect.stringMatching(/^whsec_[A-Za-z0-9_-]{40,}$/) }, next: null });
  });

  it("rotate creates next (idempotently); both sign, and each signature verifies", async () => {
    const org = newOrg();
    const before = (await getSecrets(org)).body;
    const r = await rotate(org);
    expect(r.status).toBe(200);
    expect(r.body.current).toEqual(before.current);
    expect(r.body.next.secret).toMatch(/^whsec_/);
    expect(r.body.next.secret).not.toBe(before.current.secret);
    // A second start changes nothing: the rotation is already in progress.
    expect((await rotate(org, { complete: false })).body).toEqual(r.body);
    const shown = (await getSecrets(org)).body;
    expect(shown).toEqual(r.body);

    const body = JSON.stringify({ event: "run.succeeded", run_id: "r1" });
    const t = 1_767_225_600;
    const header = await signatureHeader([shown.current.secret, shown.next.secret], body, t);
    expect(header).toMatch(/^t=1767225600,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(await verify(header, body, shown.current.secret)).toBe(true);
    expect(await verify(header, body, shown.next.secret)).toBe(true);
    // A tampered body or a wrong secret does not verify.
    expect(await verify(header, `${body} `, shown.current.secret)).toBe(false);
    expect(await verify(header, body, "whsec_wrong")).toBe(false);
  });

  it("complete promotes next to current; completing with no rotation is 409", async () => {
    const org = newOrg();
    const none = await rotate(org, { complete: true });
    expect(none.status).toBe(409);
    expect(none.body.error.code).toBe("no_rotation");
    const old = (await getSecrets(org)).body.current.secret;
    const started = (await rotate(org)).body;
    const done = await rotate(org, { complete: true });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ current: { secret: started.next.secret }, next: null });
    expect((await getSecrets(org)).body.current.secret).not.toBe(old);
    expect((await rotate(org, { complete: true })).status).toBe(409);
  });

  it("refuses unknown fields in the body", async () => {
    const r = await rotate(newOrg(), { completed: true });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe("validation_failed");
  });

  it("keeps tenants apart: one organization's rotation leaves another's secrets alone", async () => {
    const a = newOrg();
    const b = newOrg();
    const bBefore = (await getSecrets(b)).body;
    const aBefore = (await getSecrets(a)).body;
    expect(aBefore.current.secret).not.toBe(bBefore.current.secret);
    await rotate(a);
    await rotate(a, { complete: true });
    expect((await getSecrets(b)).body).toEqual(bBefore);
    expect((await rotate(b, { complete: true })).status).toBe(409);
  });
});
