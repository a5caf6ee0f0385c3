import { createRoute } from "@hono/zod-openapi";
import { ErrorSchema, json } from "../schemas";
import { TokenSchema } from "./schemas";

export const issueTokenRoute = createRoute({
  method: "post", path: "/v1/auth/token", tags: ["Auth"], summary: "Exchange an API key for a short-lived JWT",
  responses: {
    200: json(TokenSchema, "The token"),
    400: json(ErrorSchema, "The credential is not an API key"),
    401: json(ErrorSchema, "Missing or invalid credential"),
  },
});
