/**
 * The typed /v1 client of one dashboard request, and what a failed call becomes: an
 * ApiFailure that the dashboard's error handler turns into a page (401: back to sign-in;
 * 404: "not found", which is also what another organization's id answers).
 */
import type { Context, ExecutionContext } from "hono";
import { createTasksClient } from "../client";
import type { TasksClient } from "../client";
import type { DashEnv, Dispatch } from "./env";

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

type ApiError = { error?: { code?: string; message?: string; details?: { path: string; message: string }[] } };

/** The answer's data, or an ApiFailure carrying the /v1 error envelope. */
export function ok<T>(r: { data?: T; error?: unknown; response: Response }): T {
  if (r.error !== undefined || r.data === undefined) {
    const e = (r.error as ApiError | undefined)?.error;
    throw new ApiFailure(r.response.status, e?.code ?? "error", e?.message ?? `the API answered ${r.response.status}`, e?.details ?? []);
  }
  return r.data;
}

/** The request's ExecutionContext, when it has one (a bare `app.request` in a test has none). */
function executionCtx(c: Context<DashEnv>): ExecutionContext | undefined {
  try {
    return c.executionCtx;
  } catch {
    return undefined;
  }
}

/** A client that sends `token` to this same Worker's /v1, in-process. */
export function apiFor(c: Context<DashEnv>, dispatch: Dispatch, token: string, headers: Record<string, string> = {}): TasksClient {
  const ctx = executionCtx(c);
  return createTasksClient({
    baseUrl: new URL(c.req.url).origin,
    token,
    headers: { "x-request-id": c.get("requestId"), ...headers },
    fetch: async (request) => dispatch(request, c.env, ctx),
  });
}
