import { z } from "@hono/zod-openapi";

export const TokenSchema = z
  .object({ access_token: z.string(), token_type: z.literal("Bearer"), expires_in: z.number().int() })
  .openapi("Token");
