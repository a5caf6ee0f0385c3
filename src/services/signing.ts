import { and, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { organizations } from "../db/schema";
import { selectSecrets } from "../db/secrets";
import { conflict, notFound } from "../domain/errors";
import type { ServiceContext } from "./context";
import { randomSecret } from "./orgs";

/** An organization's signing secrets: `next` is set while a rotation is in progress. */
export type SigningSecrets = { current: string; next: string | null };

const newSecret = () => `whsec_${randomSecret()}`;

/** The organization's secrets, for the admin who hands them to receivers. */
export async function getSigningSecrets(ctx: ServiceContext): Promise<SigningSecrets> {
  const row = await selectSecrets(ctx.db, ctx.orgId);
  if (!row) throw notFound("organization");
  return row;
}

/**
 * Starts a rotation: creates a `next` secret unless one exists (idempotent). Both
 * secrets sign from now on, so receivers can switch to the new one before it is the only one.
 */
export async function startRotation(ctx: ServiceContext): Promise<SigningSecrets> {
  const { db, orgId } = ctx;
  // Conditional write: of two concurrent calls only one sets `next`; the other reads it.
  const [row] = await db
    .update(organizations)
    .set({ nextSigningSecret: newSecret() })
    .where(and(eq(organizations.id, orgId), isNull(organizations.nextSigningSecret)))
    .returning({ current: organizations.signingSecret, next: organizations.nextSigningSecret });
  return row ?? getSigningSecrets(ctx);
}

/** Ends a rotation: `next` becomes `current` and the old secret stops signing. 409 when no rotation is in progress. */
export async function completeRotation(ctx: ServiceContext): Promise<SigningSecrets> {
  const { db, orgId } = ctx;
  // One statement promotes and clears, so a concurrent start or complete cannot interleave.
  const [row] = await db
    .update(organizations)
    .set({ signingSecret: sql`${organizations.nextSigningSecret}`, nextSigningSecret: null })
    .where(and(eq(organizations.id, orgId), isNotNull(organizations.nextSigningSecret)))
    .returning({ current: organizations.signingSecret, next: organizations.nextSigningSecret });
  if (row) return row;
  await getSigningSecrets(ctx);
  throw conflict("no_rotation", "no rotation is in progress: start one with POST /v1/signing-secrets/rotate before completing it");
}
