import { z } from "@hono/zod-openapi";
import { SCOPES } from "../../../domain/identity";

export const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    org: z.string(),
    scopes: z.array(z.enum(SCOPES)),
    project_id: z.string().nullable(),
    prefix: z.string().openapi({ description: "First characters of the key, to tell keys apart" }),
    created_at: z.string(),
    revoked_at: z.string().nullable(),
    last_used_at: z.string().nullable(),
  })
  .openapi("ApiKey");
export const NewApiKeySchema = ApiKeySchema.extend({ key: z.string() }).openapi("NewApiKey");
export const ApiKeyListSchema = z.object({ api_keys: z.array(ApiKeySchema) });
export const ApiKeyInput = z
  .strictObject({
    name: z.string().trim().min(1).max(200),
    org: z.string().min(1).max(100).openapi({ description: "Organization id (a slug); created on first use" }),
    scopes: z.array(z.enum(SCOPES)).min(1).max(4),
    project_id: z.string().min(1).max(100).nullable().optional(),
  })
  .openapi("ApiKeyInput");
export const ApiKeyListQuery = z.object({ org: z.string().max(100).optional() });
