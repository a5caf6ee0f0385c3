import { eq } from "drizzle-orm";
import type { Db } from "./client";
import { inJson } from "./client";
import { organizations } from "./schema";

/** An organization's signing secrets row: `next` is set while a rotation is in progress. */
export const selectSecrets = (db: Db, orgId: string) =>
  db
    .select({ current: organizations.signingSecret, next: organizations.nextSigningSecret })
    .from(organizations)
    .where(eq(organizations.id, orgId))
    .get();

/**
 * The secrets outbound requests are signed with, current first, then next during a
 * rotation (one `v1=` each, so receivers holding either secret can verify).
 * An unknown organization signs with nothing.
 */
export async function signingSecrets(db: Db, orgId: string): Promise<string[]> {
  return secretsOf(await selectSecrets(db, orgId));
}

/** The signing-secret rows of several organizations (one statement; for a batch of runs). */
export const selectSecretsOf = (db: Db, orgIds: string[]) =>
  db
    .select({ id: organizations.id, current: organizations.signingSecret, next: organizations.nextSigningSecret })
    .from(organizations)
    .where(inJson(organizations.id, orgIds));

/** A secrets row as the list outbound requests are signed with (current first, then next). */
export const secretsOf = (row: { current: string; next: string | null } | undefined): string[] =>
  !row ? [] : row.next ? [row.current, row.next] : [row.current];
