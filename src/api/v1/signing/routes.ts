import { createRoute } from "@hono/zod-openapi";
import { requireAdmin } from "../../middleware/auth";
import { body, errorResponses, json } from "../schemas";
import { RotateBody, SigningSecretsSchema } from "./schemas";

// Signing secrets are shown here and nowhere else, and only to the admin token (which
// names the organization with X-Org-Id): receivers need them to verify X-Signature.
const tags = ["Signing secrets"];

export const getSigningSecretsRoute = createRoute({
  method: "get",
  path: "/v1/signing-secrets",
  operationId: "getSigningSecrets",
  tags,
  middleware: [requireAdmin],
  summary: "The organization's signing secrets (admin token with X-Org-Id)",
  responses: { 200: json(SigningSecretsSchema, "Current secret, and next during a rotation"), ...errorResponses },
});
export const rotateSigningSecretsRoute = createRoute({
  method: "post",
  path: "/v1/signing-secrets/rotate",
  operationId: "rotateSigningSecrets",
  tags,
  middleware: [requireAdmin],
  summary: "Start a rotation (creates next; idempotent) or, with {complete: true}, finish it",
  request: { body: body(RotateBody, false) },
  responses: { 200: json(SigningSecretsSchema, "The secrets after the change"), ...errorResponses },
});
