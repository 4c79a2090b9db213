import { z } from "@hono/zod-openapi";
import { EmailSchema, OptionalFormEmailSchema } from "../../../schemas/email.js";

export const CheckSchema = z
  .object({
    id: z.enum(["format", "schema", "proof", "issuer", "validity", "status", "recipient"]),
    outcome: z.enum(["passed", "failed", "not-checked"]),
    title: z.string(),
    message: z.string().openapi({ description: "One plain-language sentence saying what was found" }),
    code: z
      .string()
      .optional()
      .openapi({ description: "Stable machine-readable reason, e.g. revoked, expired, tampered" }),
  })
  .openapi("VerificationCheck");

const DisplaySchema = z
  .object({
    openBadgesVersion: z.enum(["3.0", "2.0"]),
    id: z.string().optional(),
    name: z.string(),
    description: z.string().optional(),
    achievementId: z.string().optional(),
    achievementType: z.string().optional(),
    criteriaNarrative: z.string().optional(),
    criteriaUrl: z.string().optional(),
    imageUrl: z.string().optional(),
    imageCaption: z.string().optional(),
    recipientName: z.string().optional(),
    issuer: z.object({
      id: z.string().optional(),
      name: z.string().optional(),
      url: z.string().optional(),
      imageUrl: z.string().optional(),
      email: z.string().optional(),
    }),
    issuedOn: z.string().optional(),
    awardedDate: z.string().optional(),
    validFrom: z.string().optional(),
    validUntil: z.string().optional(),
    evidence: z.array(
      z.object({
        name: z.string().optional(),
        description: z.string().optional(),
        narrative: z.string().optional(),
        url: z.string().optional(),
      }),
    ),
    results: z.array(
      z.object({
        description: z.string().optional(),
        value: z.string().optional(),
        status: z.string().optional(),
        resultType: z.string().optional().openapi({ description: "From the ResultDescription, e.g. Percent" }),
        valueMax: z.string().optional(),
      }),
    ),
  })
  .openapi("CredentialDisplay", { description: "What the credential says, read from untrusted content (plain text)" });

export const VerificationReportSchema = z
  .object({
    verdict: z
      .enum(["valid", "expired", "not-yet-valid", "revoked", "suspended", "not-genuine", "invalid", "unverified"])
      .openapi({ description: "The headline, worst first; `unverified` when a check that applies could not be made" }),
    checks: z.array(CheckSchema),
    format: z.enum(["json", "jwt", "png", "svg", "url"]).optional(),
    credential: z.record(z.string(), z.unknown()).optional().openapi({ description: "The credential as read" }),
    display: DisplaySchema.optional(),
    checkedAt: z.string().openapi({ description: "When the checks were made (ISO 8601)" }),
  })
  .openapi("VerificationReport");

export const VerifyJsonRequestSchema = z
  .object({
    credential: z
      .union([z.record(z.string(), z.unknown()), z.string().min(1)])
      .optional()
      .openapi({ description: "The credential JSON (object or text) or a compact JWS (VC-JWT)" }),
    url: z.string().min(1).max(2048).optional().openapi({
      description: "The address of a credential issued by this service (read from its records, never fetched)",
    }),
    recipientEmail: EmailSchema.optional().openapi({ description: "Compared with the credential's recipient" }),
  })
  .refine((body) => (body.credential === undefined) !== (body.url === undefined), {
    path: ["credential"],
    error: "give exactly one of credential or url",
  })
  .openapi("VerifyRequest");

export const VerifyFormRequestSchema = z
  .object({
    file: z
      .custom<File>((value) => value instanceof File, { error: "must be a file" })
      .optional()
      .openapi({ type: "string", format: "binary", description: "A baked PNG or SVG, or a JSON or JWT file" }),
    credential: z.string().optional().openapi({ description: "Pasted credential JSON or JWS, instead of a file" }),
    recipientEmail: OptionalFormEmailSchema.openapi({
      description: "Compared with the credential's recipient (left empty: not checked)",
    }),
  })
  .openapi("VerifyUpload");
