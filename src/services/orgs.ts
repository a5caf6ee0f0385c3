import { organizations } from "../db/schema";
import type { Db } from "../db/client";

const ORG_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

/** Organization ids are slugs chosen by whoever issues credentials. */
export const isValidOrgId = (id: string) => ORG_ID.test(id);

/** Random 32-byte secret, base64url. */
export function randomSecret(bytes = 32): string {
  const buf = crypto.getRandomValues(new Uint8Array(bytes));
  return btoa(String.fromCharCode(...buf))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

/** Creates the organization on first use (idempotent: a concurrent creation is a no-op). */
export async function ensureOrg(db: Db, orgId: string, now: number): Promise<void> {
  await db
    .insert(organizations)
    .values({ id: orgId, signingSecret: `whsec_${randomSecret()}`, createdAt: now })
    .onConflictDoNothing();
}
