import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { AppError } from "../../../errors.js";
import { verifyPresentationForVcApi } from "../../../services/vc-api-presentations.js";
import {
  answerBodyOnWorker,
  answersOnWorker,
  type VcApiVerifyResult,
  verifyForVcApi,
} from "../../../services/vc-api-verify.js";
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

/** The media types this route's validator reads as JSON that a worker may read too (the rest: the validator's). */
const PLAIN_JSON = /^application\/json(?:;\s*charset=utf-8)?$/i;

/**
 * `/credentials/verify` answered whole on a worker of the signing pool when it has any (services/vc-api-verify.ts
 * `answerBodyOnWorker`): the body's text goes to the worker as read and its answer comes back as sent, the same bytes
 * as the handler's below. After the rate limit, ahead of the validator: whatever the worker hands back (anything that
 * is not plainly a valid request of a credential it can vouch for) goes on to the validator and the handler, which
 * read the body read here again.
 */
function answerOnWorker(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const ctx = c.get("ctx");
    if (!answersOnWorker(ctx) || !PLAIN_JSON.test(c.req.header("content-type") ?? "")) {
      return next();
    }
    const answer = await answerBodyOnWorker(ctx, await c.req.text());
    if (answer.verified === undefined) {
      if (!answer.onWorker) {
        onThisThread.add(c.req.raw);
      }
      return next();
    }
    if (answer.verified) {
      return c.body(answer.text, 200, { "Content-Type": "application/json", "cache-control": "no-store" });
    }
    throw notVerified(answer.result, answer.why);
  };
}

/** Requests a worker handed back that it could not make (the network wanted…): the handler makes them here. */
const onThisThread = new WeakSet<Request>();

function notVerified(result: VcApiVerifyResult, why: string): AppError {
  // a credential that does not verify is the VC API's 400, told apart from a malformed request by its code
  return new AppError("CREDENTIAL_NOT_VERIFIED", `The credential did not verify (${result.verdict}): ${why}`, result);
}

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
  middleware: [optionalApiPrincipal(), verifyRateLimit(), answerOnWorker()] as const,
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
    const { result, why } = await verifyForVcApi(c.get("ctx"), verifiableCredential, {
      checks: options?.checks,
      ...(onThisThread.has(c.req.raw) ? { onWorker: false } : {}),
    });
    if (result.verified) {
      return c.json(result, 200, { "cache-control": "no-store" });
    }
    throw notVerified(result, why);
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
