import { createRouter } from "../../router";
import * as h from "./handlers";
import * as r from "./routes";

/** /v1/api-keys: issue, list and revoke keys (admin token). */
export const apiKeysRouter = createRouter()
  .openapi(r.createApiKeyRoute, h.createApiKeyHandler)
  .openapi(r.listApiKeysRoute, h.listApiKeysHandler)
  .openapi(r.revokeApiKeyRoute, h.revokeApiKeyHandler);
