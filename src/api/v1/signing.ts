import { OpenAPIHono, createRoute, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env";
import { completeRotation, getSigningSecrets, startRotation } from "../../services/signing";
import type { SigningSecrets } from "../../services/signing";
import { serviceContext } from "../context";
import { requireAdmin } from "../middleware/auth";
import { validationHook } from "../validation";
import { body, errorResponses, json } from "./schemas";

// Signing secrets are shown here and nowhere else, and only to the admin token (which
// names the organization with X-Org-Id): receivers need them to verify X-Signature.
export const signingRouter = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

const SigningSecretsSchema = z
  .object({
    current: z.object({ secret: z.string().openapi({ example: "whsec_…" }) }),
    next: z
      .object({ secret: z.string() })
      .nullable()
      .openapi({ description: "Set while a rotation is in progress; outbound requests then carry a v1= signature for each secret" }),
  })
  .openapi("SigningSecrets");
const RotateBody = z
  .strictObject({
    complete: z.boolean().optional().openapi({ description: "true: promote next to current and stop signing with the old secret" }),
  })
  .openapi("RotateInput");
const tags = ["Signing secrets"];

const secretsJson = (s: SigningSecrets): z.infer<typeof SigningSecretsSchema> => ({
  current: { secret: s.current },
  next: s.next === null ? null : { secret: s.next },
});

signingRouter.openapi(
  createRoute({
    method: "get", path: "/v1/signing-secrets", tags, middleware: [requireAdmin],
    summary: "The organization's signing secrets (admin token with X-Org-Id)",
    responses: { 200: json(SigningSecretsSchema, "Current secret, and next during a rotation"), ...errorResponses },
  }),
  async (c) => {
    const ctx = await serviceContext(c);
    return c.json(secretsJson(await getSigningSecrets(ctx.db, ctx.orgId)), 200);
  },
);

signingRouter.openapi(
  createRoute({
    method: "post", path: "/v1/signing-secrets/rotate", tags, middleware: [requireAdmin],
    summary: "Start a rotation (creates next; idempotent) or, with {complete: true}, finish it",
    request: { body: body(RotateBody, false) },
    responses: { 200: json(SigningSecretsSchema, "The secrets after the change"), ...errorResponses },
  }),
  async (c) => {
    const ctx = await serviceContext(c);
    const complete = (c.req.valid("json") as { complete?: boolean } | undefined)?.complete === true;
    const secrets = complete ? await completeRotation(ctx.db, ctx.orgId) : await startRotation(ctx.db, ctx.orgId);
    return c.json(secretsJson(secrets), 200);
  },
);
