import { z } from "@hono/zod-openapi";
import { STATUS_PURPOSES } from "../../../domain/status/status-list-credential.js";
import { MAX_REASON_LENGTH } from "../../../domain/status/transitions.js";
import { ISSUE_CRYPTOSUITES } from "../../../services/vc-api-issue.js";
import type { VcApiStatusOperation } from "../../../services/vc-api-status.js";

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const PurposeSchema = z.enum(STATUS_PURPOSES);

export const VcApiIssueOptionsSchema = z
  .looseObject({
    type: z
      .literal("DataIntegrityProof")
      .optional()
      .openapi({ description: "The proof type: `DataIntegrityProof` (the default and only one)" }),
    cryptosuite: z
      .enum(ISSUE_CRYPTOSUITES)
      .optional()
      .openapi({ description: "The Data Integrity cryptosuite: `eddsa-rdfc-2022` (the default and only one)" }),
    created: z
      .string()
      .regex(DATE_TIME, "must be a date-time with a time zone")
      .refine((s) => !Number.isNaN(Date.parse(s)), "must be a real date-time")
      .optional()
      .openapi({ description: "The proof's `created` date-time (default: now)", example: "2026-03-02T09:30:00Z" }),
    credentialStatus: z
      .object({
        type: z.literal("BitstringStatusListEntry"),
        statusPurpose: z.union([PurposeSchema, z.array(PurposeSchema).min(1).max(2)]).optional(),
      })
      .optional()
      .openapi({
        description:
          "Add Bitstring Status List entries (this service's lists): `statusPurpose` `revocation` (default), " +
          "`suspension`, or both. A credential without an `id` then gets `urn:uuid:…`, by which /credentials/status names it.",
        example: { type: "BitstringStatusListEntry", statusPurpose: ["revocation", "suspension"] },
      }),
    envelope: z
      .literal("application/vc+jwt")
      .optional()
      .openapi({
        description:
          "Secure it as VC-JOSE-COSE instead (VC Data Model 2.0 only): an EnvelopedVerifiableCredential whose id is " +
          "`data:application/vc+jwt,<JWS>` (ES256, `typ: vc+jwt`)",
      }),
  })
  .openapi("VcApiIssueCredentialOptions");

export const VcApiIssueRequestSchema = z
  .object({
    credential: z.record(z.string(), z.unknown()).openapi({
      description:
        "Any VC Data Model 2.0 (or 1.1) credential without a proof. Its `issuer` must be this service's DID, or is " +
        "filled in; every VC Data Model rule is checked (400 naming the rule).",
      example: {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        type: ["VerifiableCredential", "ExampleAlumniCredential"],
        credentialSubject: { id: "did:example:abc", alumniOf: "Example University" },
      },
    }),
    options: VcApiIssueOptionsSchema.optional(),
  })
  .openapi("VcApiIssueCredentialRequest");

export const VcApiIssueResponseSchema = z
  .object({ verifiableCredential: z.record(z.string(), z.unknown()) })
  .openapi("VcApiIssueCredentialResponse");

const STATUS_WORDS = ["revoked", "suspended", "active", "reinstated", "unsuspended"] as const;

const StatusItemSchema = z
  .object({
    type: z.literal("BitstringStatusListEntry"),
    statusPurpose: PurposeSchema.optional(),
    status: z.union([z.boolean(), z.enum(STATUS_WORDS)]).openapi({
      description:
        "`revoked`, `suspended`, or `active` (lifts a suspension); or, with `statusPurpose`, the bit: true sets it",
    }),
  })
  .transform((item, ctx): VcApiStatusOperation => {
    const purpose =
      item.statusPurpose ??
      (item.status === "revoked" ? "revocation" : typeof item.status === "string" ? "suspension" : undefined);
    const on =
      typeof item.status === "boolean" ? item.status : item.status === "revoked" || item.status === "suspended";
    if (!purpose) {
      ctx.addIssue({ code: "custom", path: ["statusPurpose"], message: "is required when status is a boolean" });
      return z.NEVER;
    }
    if (typeof item.status === "string" && (purpose === "revocation") !== (item.status === "revoked")) {
      ctx.addIssue({
        code: "custom",
        path: ["status"],
        message: `"${String(item.status)}" is not a ${purpose} status`,
      });
      return z.NEVER;
    }
    if (purpose === "revocation" && !on) {
      ctx.addIssue({ code: "custom", path: ["status"], message: "revocation is final: it cannot be cleared" });
      return z.NEVER;
    }
    return purpose === "revocation" ? "revoke" : on ? "suspend" : "reinstate";
  });

export const VcApiStatusRequestSchema = z
  .object({
    credentialId: z.string().min(1).max(2048).openapi({
      description:
        "The credential's id: one issued here through /credentials/issue, or one of our Open Badges (URL or UUID)",
    }),
    credentialStatus: z.union([StatusItemSchema, z.array(StatusItemSchema).min(1).max(2)]),
    reason: z.string().trim().min(1).max(MAX_REASON_LENGTH).optional().openapi({
      description: 'Why (audited; default: "status update through the VC API")',
    }),
    reasonPublic: z.boolean().optional().openapi({ description: "Show the reason on an Open Badge's public page" }),
  })
  .openapi("VcApiUpdateCredentialStatusRequest");

export const VcApiStatusResponseSchema = z
  .object({
    credentialId: z.string(),
    state: z.enum(["active", "revoked", "suspended"]),
    statusPurposes: z.array(PurposeSchema),
  })
  .openapi("VcApiUpdateCredentialStatusResponse");
