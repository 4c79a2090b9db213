import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { checkEmail } from "../../../domain/email.js";
import { AppError } from "../../../errors.js";
import { type VerifyInput, verifyCredentialInput } from "../../../services/verify-credential.js";
import type { AppEnv } from "../../env.js";
import { siteOf } from "../../pages/site.js";
import { VerifyPage, VerifyResultPage } from "../../pages/verify-page.js";
import { type OnLimited, verifyRateLimit } from "../../rate-limit.js";
import { sendPage } from "../../send-page.js";

/** Over the verify rate limit, a person sees the form again with the wait, not a JSON document. */
export const tooManyPage: OnLimited = (c, retryAfter) =>
  sendPage(
    c,
    VerifyPage({
      site: siteOf(c.get("ctx")),
      error: `Too many verification requests from your address: please try again in ${retryAfter} seconds.`,
    }),
    { status: 429, cache: "no-store", headers: { "retry-after": String(retryAfter) } },
  );

/** An upload over the cap, posted from the form: the form again, saying what the cap is. */
export function tooLargePage(c: Context<AppEnv>, maxSize: number): Response | Promise<Response> {
  const megabytes = (maxSize / (1024 * 1024)).toLocaleString("en", { maximumFractionDigits: 1 });
  return sendPage(
    c,
    VerifyPage({
      site: siteOf(c.get("ctx")),
      error: `That file is too large: badges up to ${megabytes} MB can be verified here.`,
    }),
    { status: 413, cache: "no-store" },
  );
}

/** What the form carried: the input to verify and the optional email, or why there is nothing to verify. */
async function readForm(c: Context<AppEnv>): Promise<{ input: VerifyInput; email?: string } | { error: string }> {
  const type = c.req.header("content-type") ?? "";
  if (!/^(multipart\/form-data|application\/x-www-form-urlencoded)/i.test(type)) {
    return { error: "Send the form from this page (multipart/form-data)." };
  }
  let body: Awaited<ReturnType<typeof c.req.parseBody>>;
  try {
    body = await c.req.parseBody();
  } catch {
    // a multipart body without its boundary, or cut short: nothing of it can be read
    return { error: "The form could not be read. Choose the file or paste the credential again, then press Verify." };
  }
  // the same rule as the API (domain/email.ts); an empty field skips the recipient check
  const verdict = checkEmail(typeof body.email === "string" ? body.email : "");
  if (!verdict.ok && verdict.problem !== "empty") {
    return {
      error: "The recipient's email address does not look like one (name@example.org); leave it empty to skip.",
    };
  }
  const email = verdict.ok ? verdict.email : undefined;
  const file = body.file;
  if (file instanceof File && file.size > 0) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    return { input: { kind: "bytes", bytes, filename: file.name, contentType: file.type || undefined }, email };
  }
  const text = typeof body.text === "string" ? body.text.trim() : "";
  if (text) {
    return { input: { kind: "text", text }, email };
  }
  return { error: "Choose a badge file or paste a credential, then press Verify." };
}

/**
 * GET /verify: the "verify any badge" form; POST /verify: its result page. The upload is verified in memory and
 * never stored or served back (an uploaded SVG is only parsed for the credential inside it).
 */
export function registerVerifyPage(app: OpenAPIHono<AppEnv>): void {
  app.get("/verify", (c) => sendPage(c, VerifyPage({ site: siteOf(c.get("ctx")) }), { cache: "public" }));
  app.post("/verify", verifyRateLimit(tooManyPage), async (c) => {
    const site = siteOf(c.get("ctx"));
    const form = await readForm(c);
    if ("error" in form) {
      return sendPage(c, VerifyPage({ site, error: form.error }), { status: 400, cache: "no-store" });
    }
    try {
      const report = await verifyCredentialInput(c.get("ctx"), form.input, { recipientEmail: form.email });
      return sendPage(c, VerifyResultPage({ site, report }), { cache: "no-store" });
    } catch (error) {
      // Input the verifier refuses outright (too large, an image bomb, an unsupported type) is a message on the
      // form, not a JSON problem document in front of a person.
      if (error instanceof AppError && error.status < 500) {
        return sendPage(c, VerifyPage({ site, error: error.message }), {
          status: error.status as ContentfulStatusCode,
          cache: "no-store",
        });
      }
      throw error;
    }
  });
}
