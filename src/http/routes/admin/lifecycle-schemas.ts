import { z } from "@hono/zod-openapi";
import { CredentialViewSchema } from "./credential-schemas.js";

export const ReissueResultSchema = z
  .object({
    credential: CredentialViewSchema.openapi({ description: "The new credential (keeps the original awardedDate)" }),
    superseded: CredentialViewSchema.openapi({ description: "The old credential, now revoked as superseded" }),
  })
  .openapi("ReissueResult");
