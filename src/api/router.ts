import { OpenAPIHono } from "@hono/zod-openapi";
import type { Hook, RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { validationHook } from "./validation";

// One folder per /v1 resource: schemas.ts (its public zod), routes.ts (createRoute
// contracts only), handlers.ts (a few lines over a service each), index.ts (its router).
// Names, the same in every folder:
//   route contract  <verb><Resource>Route   createTaskRoute, listTasksRoute, pauseTaskRoute, getRunArtifactRoute
//   its handler     <verb><Resource>Handler createTaskHandler, listTasksHandler, …
//   router          <resources>Router       tasksRouter, runsRouter, apiKeysRouter, …
//   operationId     <verb><Resource>        the contract's name without Route: createTask, listRuns, …;
//                   a dialect face's are prefixed with its name: kubiyaCreateScheduledTask,
//                   netstacksCreateSchedule (client generators name their methods from them,
//                   so they are stable; test/api/openapi-ids.test.ts checks each is set and unique)

/**
 * The one router factory: the app, every /v1 router and every dialect face (api/face.ts,
 * which passes its own wording of zod failures) are built here.
 */
export function createRouter(hook: Hook<unknown, AppEnv, string, unknown> = validationHook) {
  return new OpenAPIHono<AppEnv>({ defaultHook: hook });
}

/** A handler typed by its route contract (params, body and responses checked against it). */
export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>;
