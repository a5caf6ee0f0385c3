import { eq } from "drizzle-orm";
import type { Db } from "./client";
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
  const row = await selectSecrets(db, orgId);
  if (!row) return [];
  return row.next ? [row.current, row.next] : [row.current];
}
