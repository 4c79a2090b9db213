import { createRoute, type OpenAPIHono, type z } from "@hono/zod-openapi";
import { AppError, validationError } from "../../../errors.js";
import { verifyForVcApi } from "../../../services/vc-api-verify.js";
import { credentialInput, type VerifyInput, verifyCredentialInput } from "../../../services/verify-credential.js";
import type { AppEnv } from "../../env.js";
import { BODY_PROBLEMS, jsonBody, jsonContent, problems, STORAGE_PROBLEMS } from "../../openapi.js";
import { verifyRateLimit } from "../../rate-limit.js";
import {
  VcApiVerifyRequestSchema,
  VcApiVerifyResultSchema,
  VerificationReportSchema,
  VerifyFormRequestSchema,
  VerifyJsonRequestSchema,
} from "./verify-api-schemas.js";

const verifyRoute = createRoute({
  method: "post",
  path: "/api/verify",
  tags: ["Verification"],
  summary: "Verify any Open Badge",
  description:
    "Checks a credential (JSON with an embedded proof, a VC-JWT, a baked PNG or SVG, or the address of one of ours) and " +
    "reports each check as passed, failed or not checked. A credential that does not verify is still a 200 report; " +
    "only a malformed or oversized request is a problem.",
  middleware: [verifyRateLimit()] as const,
  request: {
    body: {
      content: {
        ...jsonContent(VerifyJsonRequestSchema),
        "multipart/form-data": { schema: VerifyFormRequestSchema },
      },
    },
  },
  responses: {
    200: {
      description: "The verification report",
      content: { "application/json": { schema: VerificationReportSchema } },
    },
    ...problems(
      ...BODY_PROBLEMS,
      { code: "UNSUPPORTED_MEDIA_TYPE", when: "Not JSON or multipart/form-data" },
      "TOO_MANY_REQUESTS",
      ...STORAGE_PROBLEMS,
    ),
  },
});

const vcApiRoute = createRoute({
  method: "post",
  path: "/credentials/verify",
  tags: ["Verification"],
  summary: "Verify a credential (W3C VC API)",
  description:
    "The VC API verifier endpoint: 200 with the checks when the credential verifies; 400 problem details carrying the " +
    "checks when it does not (not genuine, revoked, expired, or a check that could not be made).",
  middleware: [verifyRateLimit()] as const,
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

type JsonBody = z.infer<typeof VerifyJsonRequestSchema>;
type FormBody = z.infer<typeof VerifyFormRequestSchema>;

/** What the JSON or multipart body asks to verify (the route's validators have already checked its shape). */
async function inputOf(body: { json: true; value: JsonBody } | { json: false; value: FormBody }) {
  if (body.json) {
    const { credential, url, recipientEmail } = body.value;
    const input =
      credential !== undefined ? credentialInput(credential, "credential") : { kind: "text" as const, text: url ?? "" };
    return { input, email: recipientEmail };
  }
  const { file, credential, recipientEmail } = body.value;
  const email = recipientEmail || undefined;
  if (file) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const input: VerifyInput = { kind: "bytes", bytes, filename: file.name, contentType: file.type || undefined };
    return { input, email };
  }
  if (credential?.trim()) {
    return { input: { kind: "text", text: credential } as VerifyInput, email };
  }
  throw validationError([{ path: "file", message: "send a file, or credential text" }]);
}

export function registerVerifyApi(app: OpenAPIHono<AppEnv>): void {
  app.openapi(verifyRoute, async (c) => {
    const json = /^application\/([a-z.+-]*\+)?json/i.test(c.req.header("content-type") ?? "");
    const body = json
      ? { json: true as const, value: c.req.valid("json") as JsonBody }
      : { json: false as const, value: c.req.valid("form") as FormBody };
    const { input, email } = await inputOf(body);
    const report = await verifyCredentialInput(c.var.ctx, input, { recipientEmail: email });
    return c.json(report, 200, { "cache-control": "no-store" });
  });

  app.openapi(vcApiRoute, async (c) => {
    const { result, why } = await verifyForVcApi(c.var.ctx, c.req.valid("json").verifiableCredential);
    if (result.verified) {
      return c.json(result, 200, { "cache-control": "no-store" });
    }
    // a credential that does not verify is the VC API's 400, told apart from a malformed request by its code
    throw new AppError("CREDENTIAL_NOT_VERIFIED", `The credential did not verify (${result.verdict}): ${why}`, result);
  });
}
