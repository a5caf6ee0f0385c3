import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import type { MiddlewareHandler } from "hono";
import { DomainError } from "../../domain/errors";
import type { AppEnv } from "../../env";
import { authn } from "./auth";
import { rateLimit } from "./rate-limit";

// The guards every face runs before its routes, in this order: /v1 mounts them on
// /v1/*, each dialect on its own base path. They throw DomainErrors, which the face's
// own error handler renders in its shape (and, where its vendor words things its own
// way, in its words).

export const MAX_BODY_BYTES = 256 * 1024;

const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;

/** A body that is not JSON is refused up front, so it is never read as `{}` (which would make a partial update a silent no-op). */
export const jsonBodiesOnly = createMiddleware<AppEnv>(async (c, next) => {
  if (["POST", "PUT", "PATCH"].includes(c.req.method)) {
    const length = Number(c.req.header("content-length") ?? "0");
    const hasBody = length > 0 || c.req.header("transfer-encoding") !== undefined;
    if (hasBody && !JSON_TYPE.test(c.req.header("content-type") ?? "")) {
      throw new DomainError(
        "unsupported_media_type",
        "unsupported_media_type",
        "send the body as JSON with Content-Type: application/json",
      );
    }
  }
  await next();
});

/** Body limit (413), JSON-only bodies (415), the caller's identity (401), then its rate limit (429). */
export const requestGuards: MiddlewareHandler<AppEnv>[] = [
  bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw new DomainError("payload_too_large", "payload_too_large", "the body is larger than 256 KiB");
    },
  }),
  jsonBodiesOnly,
  authn,
  rateLimit,
];
