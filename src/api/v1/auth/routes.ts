import { createRoute } from "@hono/zod-openapi";
import { ErrorSchema, errorResponses, json } from "../schemas";
import { TokenSchema } from "./schemas";

export const issueTokenRoute = createRoute({
  method: "post",
  path: "/v1/auth/token",
  operationId: "issueToken",
  tags: ["Auth"],
  summary: "Exchange an API key for a short-lived JWT",
  responses: {
    200: json(TokenSchema, "The token"),
    ...errorResponses,
    400: json(ErrorSchema, "The credential is not an API key (api_key_required), or JWTs are not configured (jwt_not_configured)"),
  },
});
