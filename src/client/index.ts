/**
 * The typed client for /v1, for users and for the dashboard: openapi-fetch over the types
 * generated from this service's own /openapi.json (schema.gen.ts, `npm run client`).
 * Every method's path, parameters, body and answer are checked against the document.
 */
import createClient from "openapi-fetch";
import type { paths } from "./schema.gen";

export type { components, operations, paths } from "./schema.gen";

export type TasksClient = ReturnType<typeof createClient<paths>>;

export type TasksClientOptions = {
  /** Where the API is, e.g. http://localhost:8787. */
  baseUrl: string;
  /** An API key (tk_…), a JWT, or the admin token. */
  token: string;
  /** Other headers on every request (e.g. X-Org-Id with the admin token). */
  headers?: Record<string, string>;
  /** Sends each request (default: the global fetch). The dashboard dispatches to the Worker's own app. */
  fetch?: (request: Request) => Promise<Response>;
};

/** A client whose every request carries `Authorization: Bearer <token>`. */
export function createTasksClient(o: TasksClientOptions): TasksClient {
  return createClient<paths>({
    baseUrl: o.baseUrl,
    headers: { ...o.headers, authorization: `Bearer ${o.token}` },
    ...(o.fetch && { fetch: o.fetch }),
  });
}
