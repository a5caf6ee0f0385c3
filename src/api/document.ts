/**
 * The OpenAPI document's metadata (app.ts serves it at /openapi.json; the operations come
 * from the route contracts). `npm run lint` lints the whole document with Redocly
 * (redocly.yaml), and test/api/openapi-document.test.ts checks what this file promises.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";

type DocumentConfig = Parameters<OpenAPIHono<AppEnv>["getOpenAPI31Document"]>[0];

// One description per tag an operation uses (the route contracts name them).
const TAGS: { name: string; description: string }[] = [
  { name: "Tasks", description: "Create, read, change and delete tasks; run, pause, resume, snooze, skip, cancel and backfill them." },
  { name: "Runs", description: "Every execution of a task across the organization: read, retry, and what a backup run stored." },
  { name: "Events", description: "Publish an event: every active task scheduled on it gets a run." },
  { name: "Schedules", description: "Preview a schedule's next fire times (UTC and local, with DST notes) without creating a task." },
  { name: "Runners", description: "Runners on your own hosts long-poll for runs they can execute, heartbeat and report the outcome." },
  {
    name: "Projects",
    description: "Projects of your organization (`{id, name, url}`) that tasks belong to; 001's health checks probe a project's URL.",
  },
  { name: "Auth", description: "Exchange an API key for a short-lived JWT." },
  { name: "API keys", description: "Issue, list and revoke API keys for any organization (the admin token); a key is shown once." },
  { name: "Signing secrets", description: "The secret that signs outbound requests (`X-Signature`), and its rotation without downtime." },
  {
    name: "Dialect: NetStacks (000)",
    description: "NetStacks' Tasks API (`/api/tasks/schedules`, `/api/tasks/agent-schedules`) over the same tasks as `/v1`.",
  },
  { name: "Dialect: container platform (001)", description: "A container platform's per-project Tasks API (`/api/v1/tasks`), camelCase." },
  {
    name: "Dialect: agent workflow Tasks (002)",
    description: "An agent workflow platform's Tasks API (`/tasks`): cron, RRULE, once and event schedules.",
  },
  {
    name: "Dialect: Kubiya Scheduled Tasks (003)",
    description: "Kubiya's Scheduled Tasks API (`/api/v1/scheduled_tasks`, `UserKey` auth).",
  },
  { name: "Dialect: agent Schedules (004)", description: "An agent platform's Schedules API (`/api/agents/{id}/schedules`)." },
];

// No open-source license has been chosen (package.json is private, no LICENSE file): the
// API is proprietary until one is. `identifier` (an SPDX expression) is OpenAPI 3.1's; the
// config type @hono/zod-openapi declares is 3.0's, so it is passed as a variable.
const license = { name: "Proprietary", identifier: "LicenseRef-Proprietary" };

export const DOCUMENT: DocumentConfig = {
  openapi: "3.1.0",
  info: {
    title: "Tasks API",
    version: "1.0.0",
    description: "Scheduled tasks on Cloudflare Workers: cron, RRULE, once, delayed and event schedules.",
    license,
  },
  servers: [
    { url: "http://localhost:8787", description: "Local development (`npm start`)" },
    {
      // A placeholder until deployed: a generated client fills in its own subdomain (or
      // lists a custom domain here instead).
      url: "https://tasks-api.{subdomain}.workers.dev",
      description: "The deployed Worker (`npm run deploy`) on your workers.dev subdomain",
      variables: {
        subdomain: { default: "your-subdomain", description: "Your account's workers.dev subdomain (dashboard: Workers & Pages)" },
      },
    },
  ],
  tags: TAGS,
  security: [{ bearer: [] }],
};
