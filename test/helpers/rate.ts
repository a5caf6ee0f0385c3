import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { renderError } from "../../src/api/errors";
import { rateLimit } from "../../src/api/middleware/rate-limit";
import { requestId } from "../../src/api/middleware/request-id";
import type { Identity } from "../../src/domain/identity";
import type { AppEnv } from "../../src/env";

/** A small app behind the real rate-limit middleware, as `identity`: `GET /v1/ping` answers `{ ok: true }`. */
export function rateLimitedApp(identity: Identity) {
  const app = new Hono<AppEnv>();
  app.use("*", requestId);
  app.use(
    "*",
    createMiddleware<AppEnv>(async (c, next) => {
      c.set("identity", identity);
      await next();
    }),
  );
  app.use("*", rateLimit);
  app.onError((err, c) => renderError(c, err));
  app.get("/v1/ping", (c) => c.json({ ok: true }));
  return app;
}
