import type { ExecutionContext } from "hono";
import type { TasksClient } from "../client";
import type { Env } from "../env";

/**
 * How the dashboard reaches /v1: the Worker's own app, called in-process with a Request
 * (app.ts passes `app.fetch`), so every page goes through /v1's auth, scopes, rate limit
 * and validation exactly as an outside client would.
 */
export type Dispatch = (request: Request, env: Env, ctx: ExecutionContext | undefined) => Response | Promise<Response>;

/** Who is looking: the session's organization and scopes, and the time zone times are shown in. */
export type Viewer = { org: string; scopes: string[]; zone: string; admin: boolean };

export type DashEnv = {
  Bindings: Env;
  Variables: { requestId: string; api: TasksClient; viewer: Viewer };
};
