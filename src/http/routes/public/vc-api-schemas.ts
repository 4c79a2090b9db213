import { z } from "@hono/zod-openapi";
import { VC_API_CHECKS } from "../../../services/vc-api-verify.js";
import { CheckSchema, VerificationReportSchema } from "./verify-api-schemas.js";

const CHECK_NAMES = Object.keys(VC_API_CHECKS);

/** `options.checks`: each name must be one this verifier makes; an unknown one is named in the 400. */
const ChecksSchema = z
  .array(z.string())
  .superRefine((names, ctx) => {
    names.forEach((name, i) => {
      if (!Object.hasOwn(VC_API_CHECKS, name)) {
        ctx.addIssue({
          code: "custom",
          path: [i],
          message: `unknown check "${name.slice(0, 60)}": the checks are ${CHECK_NAMES.join(", ")}`,
        });
      }
    });
  })
  .openapi({
    description:
      "The checks that decide `verified` (format, proof and issuer always do): " +
      `${CHECK_NAMES.join(", ")}. Every check is still made and reported; a failure of one not named is a warning. ` +
      "Absent: every check decides.",
    example: ["proof", "status"],
  });

const CredentialValueSchema = z.union([z.record(z.string(), z.unknown()), z.string().min(1)]);

export const VcApiVerifyRequestSchema = z
  .object({
    verifiableCredential: CredentialValueSchema.openapi({
      description:
        "The credential with embedded proofs (VC Data Model 1.1 or 2.0), a compact JWS (VC-JWT), or an " +
        "EnvelopedVerifiableCredential whose id is `data:application/vc+jwt,<JWS>` (VC-JOSE-COSE)",
    }),
    options: z
      .looseObject({ checks: ChecksSchema.optional() })
      .optional()
      .openapi({ description: "VC API verify options; other members are accepted and ignored" }),
  })
  .openapi("VerifyCredentialRequest");

export const VcApiVerifyResultSchema = z
  .object({
    verified: z.boolean(),
    checks: z.array(z.string()).openapi({ description: "The checks that passed" }),
    warnings: z
      .array(z.string())
      .openapi({ description: "Checks that could not be made, and failures of checks not among options.checks" }),
    errors: z.array(z.string()).openapi({ description: "Checks that failed, in plain words" }),
    verdict: VerificationReportSchema.shape.verdict,
    results: z.array(CheckSchema),
  })
  .openapi("VerifyCredentialResult");

const DomainSchema = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const VcApiPresentationRequestSchema = z
  .object({
    verifiablePresentation: z.record(z.string(), z.unknown()).optional().openapi({
      description: "A signed presentation: its proof (purpose `authentication`) must verify",
    }),
    presentation: z.record(z.string(), z.unknown()).optional().openapi({
      description: "The VC API's proofless request: a presentation without proof, whose credentials alone are verified",
    }),
    options: z
      .looseObject({
        challenge: z.string().min(1).optional().openapi({ description: "The challenge the proof must carry" }),
        domain: DomainSchema.optional().openapi({ description: "The domain (or domains) the proof must carry" }),
        checks: ChecksSchema.optional(),
      })
      .optional(),
  })
  .refine((body) => (body.verifiablePresentation === undefined) !== (body.presentation === undefined), {
    path: ["verifiablePresentation"],
    error: "give exactly one of verifiablePresentation or presentation",
  })
  .openapi("VerifyPresentationRequest");

const PresentationCheckSchema = z
  .object({
    id: z.enum(["format", "proof", "holder", "challenge", "domain", "credentials"]),
    outcome: z.enum(["passed", "failed", "not-checked"]),
    title: z.string(),
    message: z.string(),
    code: z.string(),
  })
  .openapi("PresentationCheck");

export const VcApiPresentationResultSchema = z
  .object({
    verified: z.boolean(),
    checks: z.array(z.string()).openapi({ description: "The presentation's checks that passed" }),
    warnings: z.array(z.string()),
    errors: z.array(z.string()),
    verdict: VerificationReportSchema.shape.verdict.openapi({
      description: "The worst of the presentation's own verdict and its credentials'",
    }),
    results: z.array(PresentationCheckSchema),
    credentials: z
      .array(VcApiVerifyResultSchema)
      .openapi({ description: "Each credential, as /credentials/verify answers" }),
  })
  .openapi("VerifyPresentationResult");
