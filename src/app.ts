import { docsPage } from "./api/docs";
import { DOCUMENT } from "./api/document";
import { renderError } from "./api/errors";
import { requestGuards } from "./api/middleware/guards";
import { requestId } from "./api/middleware/request-id";
import { createRouter } from "./api/router";
import { apiKeysRouter } from "./api/v1/api-keys";
import { authRouter } from "./api/v1/auth";
import { eventsRouter } from "./api/v1/events";
import { projectsRouter } from "./api/v1/projects";
import { runnersRouter } from "./api/v1/runners";
import { runsRouter } from "./api/v1/runs";
import { schedulesRouter } from "./api/v1/schedules";
import { signingRouter } from "./api/v1/signing";
import { tasksRouter } from "./api/v1/tasks";
import { agentflowFace } from "./api/dialects/agentflow";
import { agentSchedulesFace } from "./api/dialects/agent-schedules";
import { kubiyaFace } from "./api/dialects/kubiya";
import { netstacksFace } from "./api/dialects/netstacks";
import { platformFace } from "./api/dialects/platform";
import { createDashboard } from "./dashboard";

/** The HTTP face: native /v1 routes, health, and the OpenAPI document with its rendered reference. */
export function createApp() {
  const app = createRouter();
  app.use("*", requestId);
  app.onError((err, c) => renderError(c, err));
  app.notFound((c) =>
    c.json({ error: { code: "not_found", message: `no route for ${c.req.method} ${c.req.path}`, request_id: c.get("requestId") } }, 404),
  );

  app.get("/healthz", (c) => c.json({ ok: true }));
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "A JWT (HS256/RS256/ES256), an API key (tk_…), or the admin token. API keys also work as `UserKey <key>` or `X-API-Key`.",
  });
  app.doc31("/openapi.json", DOCUMENT);
  app.get("/docs", docsPage);

  app.use("/v1/*", ...requestGuards);

  // Mounted routers, in one visible list.
  app.route("/", tasksRouter);
  app.route("/", eventsRouter);
  app.route("/", schedulesRouter);
  app.route("/", authRouter);
  app.route("/", apiKeysRouter);
  app.route("/", projectsRouter);
  app.route("/", signingRouter);
  app.route("/", runsRouter);
  app.route("/", runnersRouter);

  // The dashboard (README "Dashboard"): HTML pages that call /v1 through this same app, in-process.
  app.route(
    "/dashboard",
    createDashboard((request, env, ctx) => app.fetch(request, env, ctx)),
  );

  // The five dialect faces (README "Dialects"), each under its own base paths.
  for (const face of [kubiyaFace, platformFace, netstacksFace, agentflowFace, agentSchedulesFace]) face.mountOn(app);
  return app;
}
