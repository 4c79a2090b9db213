import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { AppError } from "../../../errors.js";
import { verifyPresentationForVcApi } from "../../../services/vc-api-presentations.js";
import { verifyForVcApi } from "../../../services/vc-api-verify.js";
import { optionalApiPrincipal } from "../../admin-auth.js";
import type { AppEnv } from "../../env.js";
import { BODY_PROBLEMS, jsonBody, problems, STORAGE_PROBLEMS } from "../../openapi.js";
import { verifyRateLimit } from "../../rate-limit.js";
import {
  VcApiPresentationRequestSchema,
  VcApiPresentationResultSchema,
  VcApiVerifyRequestSchema,
  VcApiVerifyResultSchema,
} from "./vc-api-schemas.js";

const verifyCredentialRoute = createRoute({
  method: "post",
  path: "/credentials/verify",
  tags: ["Verification"],
  summary: "Verify a credential (W3C VC API)",
  description:
    "The VC API verifier endpoint, for any verifiable credential (VC Data Model 1.1 or 2.0; Data Integrity proofs " +
    "eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019, Ed25519Signature2020, proof sets and chains; VC-JWT and " +
    "VC-JOSE-COSE vc+jwt envelopes). 200 with the checks when it verifies; 400 problem details carrying the checks " +
    "when it does not (not genuine, revoked, expired, or a check that could not be made).",
  middleware: [optionalApiPrincipal(), verifyRateLimit()] as const,
  request: { body: jsonBody(VcApiVerifyRequestSchema) },
  responses: {
    200: { description: "Verified", content: { "application/json": { schema: VcApiVerifyResultSchema } } },
    ...problems(
      ...BODY_PROBLEMS,
      {
        code: "CREDENTIAL_NOT_VERIFIED",
        when: "The credential did not verify: the problem carries `verified: false` and the checks",
        fields: VcApiVerifyResultSchema.shape,
      },
      "TOO_MANY_REQUESTS",
      ...STORAGE_PROBLEMS,
    ),
  },
});

const verifyPresentationRoute = createRoute({
  method: "post",
  path: "/presentations/verify",
  tags: ["Verification"],
  summary: "Verify a presentation (W3C VC API)",
  description:
    "Verifies a presentation's proof (purpose `authentication`; `options.challenge` and `options.domain` must be what " +
    "it carries; a holder must be who signed) and every credential it carries, as /credentials/verify does. An " +
    "unsigned presentation is verified only when sent as `presentation` (the VC API's proofless request); as " +
    "`verifiablePresentation` it needs its proof. 200 when all of it verifies, else 400 problem details carrying the checks.",
  middleware: [optionalApiPrincipal(), verifyRateLimit()] as const,
  request: { body: jsonBody(VcApiPresentationRequestSchema) },
  responses: {
    200: { description: "Verified", content: { "application/json": { schema: VcApiPresentationResultSchema } } },
    ...problems(
      ...BODY_PROBLEMS,
      {
        code: "PRESENTATION_NOT_VERIFIED",
        when: "The presentation or one of its credentials did not verify: the problem carries the checks",
        fields: VcApiPresentationResultSchema.shape,
      },
      "TOO_MANY_REQUESTS",
      ...STORAGE_PROBLEMS,
    ),
  },
});

/** The W3C VC API verifier: /credentials/verify and /presentations/verify. */
export function registerVcApi(app: OpenAPIHono<AppEnv>): void {
  app.openapi(verifyCredentialRoute, async (c) => {
    const { verifiableCredential, options } = c.req.valid("json");
    const { result, why } = await verifyForVcApi(c.get("ctx"), verifiableCredential, { checks: options?.checks });
    if (result.verified) {
      return c.json(result, 200, { "cache-control": "no-store" });
    }
    // a credential that does not verify is the VC API's 400, told apart from a malformed request by its code
    throw new AppError("CREDENTIAL_NOT_VERIFIED", `The credential did not verify (${result.verdict}): ${why}`, result);
  });

  app.openapi(verifyPresentationRoute, async (c) => {
    const { verifiablePresentation, presentation, options = {} } = c.req.valid("json");
    const { challenge, domain, checks } = options;
    const { result, why } = await verifyPresentationForVcApi(c.get("ctx"), {
      presentation: (verifiablePresentation ?? presentation) as Record<string, unknown>,
      signed: verifiablePresentation !== undefined,
      options: { challenge, domain, checks },
    });
    if (result.verified) {
      return c.json(result, 200, { "cache-control": "no-store" });
    }
    throw new AppError(
      "PRESENTATION_NOT_VERIFIED",
      `The presentation did not verify (${result.verdict}): ${why}`,
      result,
    );
  });
}
