import { z } from "@hono/zod-openapi";

export const SigningSecretsSchema = z
  .object({
    current: z.object({ secret: z.string().openapi({ example: "whsec_…" }) }),
    next: z
      .object({ secret: z.string() })
      .nullable()
      .openapi({ description: "Set while a rotation is in progress; outbound requests then carry a v1= signature for each secret" }),
  })
  .openapi("SigningSecrets");
export const RotateBody = z
  .strictObject({
    complete: z.boolean().optional().openapi({ description: "true: promote next to current and stop signing with the old secret" }),
  })
  .openapi("RotateInput");
