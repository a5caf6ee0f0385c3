import { createRoute } from "@hono/zod-openapi";
import { requireAdmin } from "../../middleware/auth";
import { IdParam, body, errorResponses, json } from "../schemas";
import { ApiKeyInput, ApiKeyListQuery, ApiKeyListSchema, ApiKeySchema, NewApiKeySchema } from "./schemas";

// The admin token only: keys are issued for any organization, named in the body.
const tags = ["API keys"];

export const createApiKeyRoute = createRoute({
  method: "post",
  path: "/v1/api-keys",
  operationId: "createApiKey",
  tags,
  middleware: [requireAdmin],
  summary: "Issue an API key (the key is shown once)",
  request: { body: body(ApiKeyInput) },
  responses: { 201: json(NewApiKeySchema, "The key, with its secret shown this once"), ...errorResponses },
});
export const listApiKeysRoute = createRoute({
  method: "get",
  path: "/v1/api-keys",
  operationId: "listApiKeys",
  tags,
  middleware: [requireAdmin],
  summary: "List API keys (never their secrets)",
  request: { query: ApiKeyListQuery },
  responses: { 200: json(ApiKeyListSchema, "Keys"), ...errorResponses },
});
export const revokeApiKeyRoute = createRoute({
  method: "delete",
  path: "/v1/api-keys/{id}",
  operationId: "revokeApiKey",
  tags,
  middleware: [requireAdmin],
  summary: "Revoke an API key",
  request: { params: IdParam },
  responses: { 200: json(ApiKeySchema, "The revoked key"), ...errorResponses },
});
