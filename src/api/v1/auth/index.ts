import { createRouter } from "../../router";
import * as h from "./handlers";
import * as r from "./routes";

/** /v1/auth: credentials exchanged for tokens. */
export const authRouter = createRouter().openapi(r.issueTokenRoute, h.issueTokenHandler);
