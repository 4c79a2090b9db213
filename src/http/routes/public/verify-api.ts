import { createRoute, type OpenAPIHono, type z } from "@hono/zod-openapi";
import { validationError } from "../../../errors.js";
import { credentialInput, type VerifyInput, verifyCredentialInput } from "../../../services/verify-credential.js";
import type { AppEnv } from "../../env.js";
import { BODY_PROBLEMS, jsonContent, problems, STORAGE_PROBLEMS } from "../../openapi.js";
import { verifyRateLimit } from "../../rate-limit.js";
import { VerificationReportSchema, VerifyFormRequestSchema, VerifyJsonRequestSchema } from "./verify-api-schemas.js";

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
    const report = await verifyCredentialInput(c.get("ctx"), input, { recipientEmail: email });
    return c.json(report, 200, { "cache-control": "no-store" });
  });
}
