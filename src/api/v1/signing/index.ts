import { createRouter } from "../../router";
import * as h from "./handlers";
import * as r from "./routes";

/** /v1/signing-secrets: the organization's outbound signing secrets and their rotation (admin token). */
export const signingRouter = createRouter()
  .openapi(r.getSigningSecretsRoute, h.getSigningSecretsHandler)
  .openapi(r.rotateSigningSecretsRoute, h.rotateSigningSecretsHandler);
