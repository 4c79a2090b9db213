import { z } from "@hono/zod-openapi";
import { DisplayNameSchema } from "../../../schemas/display-name.js";
import { EmailSchema } from "../../../schemas/email.js";

export const IssueCredentialRequestSchema = z
  .strictObject({
    achievementId: z
      .string()
      .min(1)
      .max(200)
      .openapi({ description: "Id of a certification in the catalog", example: "gitlab-certified-associate" }),
    recipient: z.strictObject({
      email: EmailSchema,
      name: DisplayNameSchema.meta({ description: "Display name shown on the credential", example: "Ada Lovelace" }),
    }),
  })
  .openapi("IssueCredentialRequest");

const StatusChangeSchema = z
  .object({
    at: z.string(),
    reason: z.string().openapi({ description: '"superseded" when a newer credential replaced it' }),
    reasonPublic: z.boolean().openapi({ description: "Whether the public verification page shows the reason" }),
  })
  .openapi("StatusChange");

export const CredentialStatusViewSchema = z
  .object({
    state: z.enum(["active", "suspended", "revoked"]),
    revocation: StatusChangeSchema.nullable().openapi({ description: "Null unless revoked" }),
    suspension: StatusChangeSchema.nullable().openapi({ description: "Null unless suspended now" }),
    supersededBy: z.string().nullable().openapi({ description: "Id of the credential that replaced this one" }),
    supersedes: z.string().nullable().openapi({ description: "Id of the credential this one replaced" }),
    entries: z
      .array(
        z.object({
          purpose: z.string(),
          listId: z.string(),
          index: z.number().int(),
          statusListCredential: z.url(),
        }),
      )
      .openapi({ description: "Its Bitstring Status List entries" }),
  })
  .openapi("CredentialStatus");

export const CredentialViewSchema = z
  .object({
    id: z.string().openapi({ example: "0b4f8a9e-5c1d-4f3e-9a7b-2c6d8e1f0a3b" }),
    url: z.url(),
    achievementId: z.string(),
    achievementName: z.string(),
    achievementVersion: z.string().openapi({ description: "Hash of the definition the credential was issued from" }),
    recipient: z.object({ email: z.string(), name: z.string() }),
    validFrom: z.string(),
    validUntil: z.string().nullable(),
    issuedBy: z.string().openapi({ description: "Actor that issued it (api-key:<id>)" }),
    issuedAt: z.string(),
    verificationMethod: z.string(),
    links: z.object({
      json: z.url().openapi({ description: "The signed credential as JSON-LD (its `id`)" }),
      jwt: z.url().openapi({ description: "The VC-JWT form" }),
      page: z.url().openapi({ description: "The public verification page (the same URL: browsers get HTML)" }),
      shortLink: z.url().openapi({ description: "Short link to the page: /c/<22 base58 characters>" }),
    }),
    credential: z.record(z.string(), z.unknown()).openapi({ description: "The signed OpenBadgeCredential" }),
    jwt: z.string().openapi({ description: "The VC-JWT (compact JWS) form" }),
    decision: z
      .record(z.string(), z.unknown())
      .nullable()
      .openapi({ description: "For automatic awards: definition version, evidence ids and the evaluation report" }),
    status: CredentialStatusViewSchema,
  })
  .openapi("Credential");

export const CredentialPageSchema = z
  .object({ items: z.array(CredentialViewSchema), nextCursor: z.string().nullable() })
  .openapi("CredentialPage");

export const CredentialListQuerySchema = z.object({
  achievementId: z.string().min(1).max(200).optional(),
  email: EmailSchema.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(500).optional(),
});
