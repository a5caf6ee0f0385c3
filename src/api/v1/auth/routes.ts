import { createRoute, z } from "@hono/zod-openapi";
import { ErrorSchema, errorResponses, json } from "../schemas";
import { TokenSchema } from "./schemas";

export const issueTokenRoute = createRoute({
  method: "post",
  path: "/v1/auth/token",
  operationId: "issueToken",
  tags: ["Auth"],
  summary: "Exchange an API key (or the admin token with X-Org-Id) for a short-lived JWT",
  description:
    "An API key gets a JWT of its organization and scopes. The admin token gets one with the admin scope for the organization its `X-Org-Id` header names (400 `org_required` without it).",
  request: {
    headers: z.object({
      "x-org-id": z.string().max(100).optional().openapi({ description: "With the admin token: the organization the token acts for" }),
    }),
  },
  responses: {
    200: json(TokenSchema, "The token"),
    ...errorResponses,
    400: json(
      ErrorSchema,
      "The credential is a JWT (api_key_required), the admin token names no organization (org_required), or JWTs are not configured (jwt_not_configured)",
    ),
  },
});
