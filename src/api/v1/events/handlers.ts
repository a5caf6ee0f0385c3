import { publishEvent } from "../../../services/runs/trigger";
import { serviceContext } from "../../context";
import type { AppRouteHandler } from "../../router";
import type * as routes from "./routes";

export const publishEventHandler: AppRouteHandler<typeof routes.publishEventRoute> = async (c) => {
  const { name, payload } = c.req.valid("json");
  const runs = await publishEvent(await serviceContext(c), name, payload);
  return c.json({ event: name, run_ids: runs.map((r) => r.id) }, 202);
};
