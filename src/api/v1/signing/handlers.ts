import type { z } from "@hono/zod-openapi";
import { completeRotation, getSigningSecrets, startRotation } from "../../../services/signing";
import type { SigningSecrets } from "../../../services/signing";
import { serviceContext } from "../../context";
import type { AppRouteHandler } from "../../router";
import type * as routes from "./routes";
import type { SigningSecretsSchema } from "./schemas";

const secretsJson = (s: SigningSecrets): z.infer<typeof SigningSecretsSchema> => ({
  current: { secret: s.current },
  next: s.next === null ? null : { secret: s.next },
});

export const getSigningSecretsHandler: AppRouteHandler<typeof routes.getSigningSecretsRoute> = async (c) =>
  c.json(secretsJson(await getSigningSecrets(await serviceContext(c))), 200);

export const rotateSigningSecretsHandler: AppRouteHandler<typeof routes.rotateSigningSecretsRoute> = async (c) => {
  const ctx = await serviceContext(c);
  // The body is optional: an absent one leaves valid("json") undefined.
  const complete = (c.req.valid("json") as { complete?: boolean } | undefined)?.complete === true;
  return c.json(secretsJson(complete ? await completeRotation(ctx) : await startRotation(ctx)), 200);
};
