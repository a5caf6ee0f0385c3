import type { z } from "@hono/zod-openapi";
import { createApiKey, listApiKeys, revokeApiKey } from "../../../services/auth/api-keys";
import type { ApiKeyView } from "../../../services/auth/api-keys";
import { adminContext } from "../../context";
import type { AppRouteHandler } from "../../router";
import type * as routes from "./routes";
import type { ApiKeySchema } from "./schemas";
import { iso, isoOrNull } from "../../../domain/time";

const keyJson = (k: ApiKeyView): z.infer<typeof ApiKeySchema> => ({
  ...k,
  created_at: iso(k.created_at),
  revoked_at: isoOrNull(k.revoked_at),
  last_used_at: isoOrNull(k.last_used_at),
});

export const createApiKeyHandler: AppRouteHandler<typeof routes.createApiKeyRoute> = async (c) => {
  const k = await createApiKey(adminContext(c), c.req.valid("json"));
  return c.json({ ...keyJson(k), key: k.key }, 201);
};

export const listApiKeysHandler: AppRouteHandler<typeof routes.listApiKeysRoute> = async (c) =>
  c.json({ api_keys: (await listApiKeys(adminContext(c), c.req.valid("query").org)).map(keyJson) }, 200);

export const revokeApiKeyHandler: AppRouteHandler<typeof routes.revokeApiKeyRoute> = async (c) =>
  c.json(keyJson(await revokeApiKey(adminContext(c), c.req.valid("param").id)), 200);
