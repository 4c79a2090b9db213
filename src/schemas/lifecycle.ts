import { z } from "@hono/zod-openapi";
import { MAX_REASON_LENGTH } from "../domain/status/transitions.js";
import { DisplayNameSchema } from "./display-name.js";
import { EmailSchema } from "./email.js";

/** The request shapes of a credential's lifecycle operations, shared by the admin API and the CLI. */
const Reason = z
  .string({ error: "is required: say why" })
  .trim()
  .min(1, "is required: say why")
  .max(MAX_REASON_LENGTH)
  .openapi({ description: "Why (audited with the acting key and time)", example: "Exam misconduct confirmed" });

const ReasonPublic = z.boolean().default(false).openapi({
  description: "Show the reason on the credential's public verification page (default: keep it private)",
});

export const RevokeRequestSchema = z
  .strictObject({ reason: Reason, reasonPublic: ReasonPublic })
  .openapi("RevokeCredentialRequest");

export const SuspendRequestSchema = z
  .strictObject({ reason: Reason, reasonPublic: ReasonPublic })
  .openapi("SuspendCredentialRequest");

export const ReinstateRequestSchema = z.strictObject({ reason: Reason }).openapi("ReinstateCredentialRequest");

export const ReissueRequestSchema = z
  .strictObject({
    reason: Reason,
    recipient: z
      .strictObject({
        name: DisplayNameSchema.optional().openapi({ description: "The corrected display name" }),
        email: EmailSchema.optional().openapi({ description: "The corrected email address" }),
      })
      .refine((r) => r.name !== undefined || r.email !== undefined, "give the corrected name, email or both"),
  })
  .openapi("ReissueCredentialRequest");
