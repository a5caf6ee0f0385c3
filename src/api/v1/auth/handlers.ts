import { issueToken } from "../../../services/auth/authenticate";
import type { AppRouteHandler } from "../../router";
import type * as routes from "./routes";

// The caller's identity, not an organization's data: no service context.
export const issueTokenHandler: AppRouteHandler<typeof routes.issueTokenRoute> = async (c) =>
  c.json(await issueToken(c.env, c.get("identity"), Date.now(), c.req.header("x-org-id")), 200);
