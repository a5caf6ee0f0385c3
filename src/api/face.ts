/**
 * The kit every dialect face is built from, so each one only translates: the request
 * guards (body limit, JSON only, auth, rate limit), its zod hook, its one error renderer
 * for everything thrown, and an answer in its own shape for unknown paths and methods
 * under its base paths. app.ts mounts the faces in one visible list.
 */
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Hook } from "@hono/zod-openapi";
import type { Context } from "hono";
import { DomainError } from "../domain/errors";
import type { AppEnv } from "../env";
import { requestGuards } from "./middleware/guards";
import { createRouter } from "./router";

export type FaceRouter = OpenAPIHono<AppEnv>;

export type FaceOptions = {
  /** The paths the face owns; guards and the unknown-route answer cover everything under each. */
  bases: readonly string[];
  /** The face's one error renderer (any thrown value → its envelope and status). */
  render: (c: Context<AppEnv>, err: unknown) => Response;
  /** How its zod failures read (default: /v1's wording). */
  hook?: Hook<unknown, AppEnv, string, unknown>;
  /** The answer to an unknown path or method (default: a not_found error through `render`). */
  unknownRoute?: (c: Context<AppEnv>) => Response;
};

export class Face {
  readonly router: FaceRouter;
  /** The unknown-route answer is added once, after every route (an app may be built more than once, as in tests). */
  private sealed = false;

  constructor(private readonly o: FaceOptions) {
    this.router = createRouter(o.hook);
    for (const base of o.bases) this.router.use(`${base}/*`, ...requestGuards);
    this.router.onError((err, c) => o.render(c, err));
  }

  /**
   * Mounts the face on the app. Unknown paths under its bases answer in its shape (a
   * mounted router's notFound is never consulted), added here, after every route.
   */
  mountOn(app: OpenAPIHono<AppEnv>): void {
    if (!this.sealed) {
      const unknown =
        this.o.unknownRoute ??
        ((c: Context<AppEnv>) => this.o.render(c, new DomainError("not_found", "not_found", `no route for ${c.req.method} ${c.req.path}`)));
      for (const base of this.o.bases) this.router.all(`${base}/*`, unknown);
      this.sealed = true;
    }
    app.route("/", this.router);
  }
}

export const createFace = (o: FaceOptions) => new Face(o);
