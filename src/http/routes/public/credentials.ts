import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { checkEmail } from "../../../domain/email.js";
import { fromShortCode } from "../../../domain/short-id.js";
import { CredentialIdParamSchema, CredentialIdSchema } from "../../../schemas/credential-id.js";
import { loadCredentialPage } from "../../../services/credential-page-data.js";
import { readFastCredentialPage } from "../../../services/credential-page-fast.js";
import type { ServiceContext } from "../../../services/deps.js";
import { getCredentialJwt, getSignedCredential } from "../../../services/read-credentials.js";
import type { AppEnv } from "../../env.js";
import { problems, STORAGE_PROBLEMS } from "../../openapi.js";
import { CredentialPage } from "../../pages/credential-page.js";
import { fillFastPage, registerFastPage, renderCredentialPageBody } from "../../pages/credential-page-template.js";
import { prefersHtml } from "../../pages/negotiate.js";
import { type Site, siteOf } from "../../pages/site.js";
import { problemResponse } from "../../problem.js";
import { verifyRateLimit } from "../../rate-limit.js";
import { sendNotFoundPage } from "../../send-not-found.js";
import { htmlBody, type PageOptions, pageHeaders, sendHtml, sendPage } from "../../send-page.js";
import { tooManyPage } from "./verify-page.js";

const IdParam = CredentialIdParamSchema;

/** A lower-case UUID of a version 1 to 8 and the RFC 9562 variant: a subset of what CredentialIdSchema takes as itself. */
const PLAIN_CREDENTIAL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * A path's credential id as the route's schema (CredentialIdSchema) gives it, or undefined when the schema refuses it.
 * The id of nearly every view is a lower-case UUID, which the schema gives back as it is (its transform lower-cases,
 * its check takes every such UUID): that one is answered by one regular expression, without the schema's parse (a
 * pipe of a transform and a check: 1.3 % of a page view's CPU at 100,000 credentials, by perf); anything else (upper
 * case, the nil UUID, garbage) is parsed by the schema itself. test/unit/credential-id-of.test.ts holds the two
 * answers equal.
 */
export function credentialIdOf(value: string | undefined): string | undefined {
  if (value !== undefined && PLAIN_CREDENTIAL_ID.test(value)) {
    return value;
  }
  const parsed = CredentialIdSchema.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}

const FormatQuery = z.object({
  format: z
    .enum(["json", "html"], { error: 'must be "json" or "html"' })
    .optional()
    .openapi({ description: "Overrides content negotiation (e.g. a download link to the JSON from a browser)" }),
});

const jsonRoute = createRoute({
  method: "get",
  path: "/credentials/{id}",
  tags: ["Public"],
  summary: "A credential: signed JSON-LD, or its verification page for browsers",
  description:
    "The OpenBadgeCredential exactly as issued, with its Data Integrity proof. Clients whose `Accept` prefers " +
    "`text/html` (browsers) get the public verification page instead (`Vary: Accept`).",
  request: { params: IdParam, query: FormatQuery },
  responses: {
    200: {
      description: "The signed credential, or the verification page",
      content: {
        "application/vc+ld+json": { schema: z.record(z.string(), z.unknown()) },
        "text/html": { schema: z.string() },
      },
    },
    ...problems("VALIDATION_FAILED", "NOT_FOUND", ...STORAGE_PROBLEMS),
  },
});

const jwtRoute = createRoute({
  method: "get",
  path: "/credentials/{id}/jwt",
  tags: ["Public"],
  summary: "A credential as VC-JWT",
  description: "The compact JWS (ES256) whose header `kid` points at the signing key's JWK.",
  request: { params: IdParam },
  responses: {
    200: {
      description: "The VC-JWT (text/plain, as OB 3.0 §docformat says)",
      content: { "text/plain": { schema: z.string() } },
    },
    ...problems("VALIDATION_FAILED", "NOT_FOUND", ...STORAGE_PROBLEMS),
  },
});

const shortRoute = createRoute({
  method: "get",
  path: "/c/{code}",
  tags: ["Public"],
  summary: "Short link to a credential",
  description:
    "The credential's UUID in base58 (22 characters). Browsers get the verification page (its canonical URL is " +
    "the credential URL); other clients are redirected to `/credentials/{id}`.",
  request: {
    params: z.object({
      code: z.string().openapi({ param: { name: "code", in: "path" }, example: "2Vd7rT9pq5S1M3cGzWkYb4" }),
    }),
  },
  responses: {
    200: { description: "The verification page", content: { "text/html": { schema: z.string() } } },
    308: { description: "Redirect to the credential URL" },
    ...problems({ code: "NOT_FOUND", when: "Not a short link to a credential" }, ...STORAGE_PROBLEMS),
  },
});

/**
 * The verification page of a stored credential (404 page when there is none). Not itself async: it hands back the
 * promise of the page it chose, where an async function returning that promise would add a promise of its own and the
 * microtask turns of resolving one promise with another (every promise also runs the async hooks' init while an
 * AsyncLocalStorage is on), on every page view.
 */
function credentialPage(
  c: Context<AppEnv>,
  id: string,
  recipient?: { email?: string; error?: string },
  send: HtmlSender = sendHtml,
): Promise<Response> {
  const ctx = c.get("ctx");
  const site = siteOf(ctx);
  return recipient ? recipientCredentialPage(c, ctx, site, id, recipient) : plainCredentialPage(c, ctx, site, id, send);
}

/** What answers a page's HTML (sendHtml; the page answered ahead of the chain: its own, see aheadSender). */
type HtmlSender = (c: Context<AppEnv>, html: string | Uint8Array<ArrayBuffer>, options: PageOptions) => Response;

/** The page with the answer to the recipient form (never from a template: it shows what the visitor typed). */
async function recipientCredentialPage(
  c: Context<AppEnv>,
  ctx: ServiceContext,
  site: Site,
  id: string,
  recipient: { email?: string; error?: string },
): Promise<Response> {
  const data = await loadCredentialPage(ctx, id, { recipientEmail: recipient.email });
  if (!data) {
    return sendNotFoundPage(c, "credential", { varyAccept: true });
  }
  return sendPage(
    c,
    CredentialPage({ site, data, recipient: { result: data.recipientCheck, error: recipient.error } }),
    {
      status: recipient.error ? 400 : 200,
      cache: "no-store",
      varyAccept: true,
    },
  );
}

/**
 * The page of a plain view (no recipient answer). From its page row alone when a template is registered for its fast
 * key (services/credential-page-fast.ts: the live checks run, status and expiry as of this view; no page data is built);
 * else from its page data (the checks ran, status and expiry are live), filled into the template of its certification
 * and outcome (rendering in full being most of a page view's own cost), and the template then registered for the fast
 * key when it fills the fast view's values into the very page rendered in full.
 */
async function plainCredentialPage(c: Context<AppEnv>, ctx: ServiceContext, site: Site, id: string, send: HtmlSender) {
  const templates = ctx.state.credentialPageTemplates;
  const read = await readFastCredentialPage(ctx, id);
  if (!read.found) {
    return sendNotFoundPage(c, "credential", { varyAccept: true });
  }
  const filled = read.fast && fillFastPage(site, templates, read.fast);
  if (filled) {
    return send(c, filled, { varyAccept: true });
  }
  const data = await loadCredentialPage(ctx, id, { read });
  if (!data) {
    return sendNotFoundPage(c, "credential", { varyAccept: true });
  }
  const body = renderCredentialPageBody(site, data, templates);
  if (read.fast && filled === undefined) {
    registerFastPage(site, templates, read.fast, data);
  }
  return send(c, body, { varyAccept: true });
}

/** A typed email from the form, or the sentence saying what is wrong with it (the address is never logged). */
function readEmail(value: unknown): { email: string } | { error: string } {
  const verdict = checkEmail(typeof value === "string" ? value : "");
  if (verdict.ok) {
    return { email: verdict.email };
  }
  return {
    error:
      verdict.problem === "empty"
        ? "Enter the recipient's email address."
        : "Enter an email address such as name@example.org.",
  };
}

/**
 * The middleware every request passes through before a route (app.ts), as the page answered ahead of them uses it:
 * `requestId` and `requestLog` run as they are; `headers` only add headers to the answer (security headers, CORS).
 */
export type AheadChain = {
  requestId: MiddlewareHandler<AppEnv>;
  requestLog: MiddlewareHandler<AppEnv>;
  headers: Array<MiddlewareHandler<AppEnv>>;
};

/**
 * The headers `middleware` adds to a GET answer without a request Origin, learned by running those very middleware
 * in front of an empty answer, twice; undefined when the two runs differ (they depend on the request: not learnable).
 */
async function learnHeaders(
  middleware: Array<MiddlewareHandler<AppEnv>>,
): Promise<Array<[string, string]> | undefined> {
  const probe = new Hono<AppEnv>();
  for (const handler of middleware) {
    probe.use(handler);
  }
  probe.get("*", (c) => c.body(null));
  const runs: string[] = [];
  let headers: Array<[string, string]> = [];
  for (const path of ["/credentials/00000000-0000-4000-8000-000000000000", "/credentials/x"]) {
    const answer = await probe.request(path, { headers: { accept: "text/html" } });
    headers = [...answer.headers];
    runs.push(JSON.stringify(headers));
  }
  return runs[0] === runs[1] && headers.every(([name]) => name !== "set-cookie") ? headers : undefined;
}

/**
 * The header `requestId` answers with the request id (its name as the answer's headers give it), learned by running
 * it in front of an empty answer: undefined unless that answer holds that one header, with the id the request got.
 */
async function learnIdHeader(requestId: MiddlewareHandler<AppEnv>): Promise<string | undefined> {
  const probe = new Hono<AppEnv>();
  let given: unknown;
  probe.use(requestId);
  probe.get("*", (c) => {
    given = c.get("requestId");
    return c.body(null);
  });
  const answer = await probe.request("/credentials/00000000-0000-4000-8000-000000000000", {
    headers: { accept: "text/html" },
  });
  const headers = [...answer.headers];
  const [only] = headers;
  return headers.length === 1 && only !== undefined && typeof given === "string" && only[1] === given
    ? only[0]
    : undefined;
}

/**
 * The page's answer with every header it gets ahead of the chain in one plain object, made once: the request id
 * (as `requestId` set it), the page's own headers over it, the learned headers over those, as the chain would set
 * them one after the other on the answer's Headers. (@hono/node-server writes a plain object's headers as they are,
 * where a Headers object, made and set header by header, is read back into one; a browser's plain view was ~18
 * validated header sets and that conversion.) An answer with headers of the caller's (options.headers, whose names
 * need not be lower case) is sendHtml's, and gets the learned headers set as before. Answers it made are in `made`.
 */
function aheadSender(learned: Array<[string, string]>, idHeader: string, made: WeakSet<Response>): HtmlSender {
  return (c, html, options) => {
    if (options.headers) {
      return sendHtml(c, html, options);
    }
    const headers = pageHeaders(c, options);
    if (headers[idHeader] === undefined) {
      headers[idHeader] = c.get("requestId");
    }
    for (const [name, value] of learned) {
      headers[name] = value;
    }
    const res = new Response(htmlBody(html), { status: options.status ?? 200, headers });
    made.add(res);
    return res;
  };
}

const done = async () => {};
/** Thrown through `requestLog` when the page fails, so that it logs nothing and the chain answers from the start. */
const PAGE_FAILED = new Error("credential page failed ahead of the chain");

/**
 * A browser's plain GET of a credential page (no query, no Origin, HTML preferred, an id the route's schema takes),
 * answered ahead of the middleware chain: every such view used to pass six middleware layers (a fifth of its CPU at
 * 100,000 credentials). It does what the chain does for it, from the chain's own pieces: the request id
 * (`requestId` itself), the service context, the log line (`requestLog` itself, around the page), the headers the
 * header middleware add (security headers, CORS: learned once from those very middleware, set over the page's as
 * they would be); the body limit has nothing to limit in a GET. Anything else goes on to the chain, as does a view
 * whose page throws (the chain then answers it from the start, its error handling included), and every view while
 * the headers cannot be learned. test/integration/pages-ahead.test.ts holds both answers equal.
 */
export function credentialPageAhead(ctx: ServiceContext, chain: AheadChain): MiddlewareHandler<AppEnv> {
  let learning: Promise<[Array<[string, string]> | undefined, string | undefined]> | undefined;
  // what `learning` resolved to (null: the headers cannot be learned; undefined: not known yet)
  let learned: Array<[string, string]> | null | undefined;
  // the page's own sender once the request id's header is learned too (else sendHtml, then the learned headers set)
  let send: HtmlSender = sendHtml;
  const made = new WeakSet<Response>();
  // the last Accept header's answer (browsers send one Accept string for every navigation; prefersHtml is pure)
  let lastAccept: string | undefined;
  let lastPrefersHtml = false;
  return async (c, next) => {
    const accept = c.req.header("accept");
    if (accept !== lastAccept) {
      lastPrefersHtml = prefersHtml(accept);
      lastAccept = accept;
    }
    if (!lastPrefersHtml || c.req.url.includes("?") || c.req.header("origin") !== undefined) {
      return next();
    }
    const id = credentialIdOf(c.req.param("id"));
    if (id === undefined) {
      return next();
    }
    // (once learned, the headers are read without an await: no microtask turn per view for a settled promise)
    if (learned === undefined) {
      learning ??= Promise.all([learnHeaders(chain.headers), learnIdHeader(chain.requestId)]);
      const [headers, idHeader] = await learning;
      learned = headers ?? null;
      if (headers && idHeader !== undefined) {
        send = aheadSender(headers, idHeader, made);
      }
    }
    const headers = learned;
    if (!headers) {
      return next();
    }
    c.set("ctx", ctx);
    c.set("principal", null);
    await chain.requestId(c, done);
    try {
      await chain.requestLog(c, async () => {
        let res: Response;
        try {
          res = await credentialPage(c, id, undefined, send);
        } catch {
          throw PAGE_FAILED;
        }
        if (!made.has(res)) {
          for (const [name, value] of headers) {
            res.headers.set(name, value);
          }
        }
        c.res = res;
      });
    } catch (error) {
      if (error === PAGE_FAILED) {
        return next();
      }
      throw error;
    }
    return c.res;
  };
}

export function registerPublicCredentials(app: OpenAPIHono<AppEnv>): void {
  // A browser's plain GET of a credential (no query), the page every visitor opens: its id checked by the route's own
  // schema, synchronously, and the page served without the OpenAPI validator's asynchronous round (about a fifth of a
  // page view's CPU at 100,000 credentials). Anything else (a query, another Accept, an id the schema refuses) goes
  // on to the route below, which answers it as before.
  app.get("/credentials/:id", (c, next) => {
    const id = credentialIdOf(c.req.param("id"));
    if (id === undefined || c.req.url.includes("?") || !prefersHtml(c.req.header("accept"))) {
      return next();
    }
    return credentialPage(c, id);
  });
  // A truncated or mistyped credential URL is "no such credential" to a person (the shared validation hook).
  app.openapi(jsonRoute, async (c) => {
    const { id } = c.req.valid("param");
    const { format } = c.req.valid("query");
    if (format === "html" || (format === undefined && prefersHtml(c.req.header("accept")))) {
      return credentialPage(c, id);
    }
    const document = await getSignedCredential(c.get("ctx"), id);
    // Re-serialising the stored JSON yields the same bytes; c.json keeps the route typed.
    return c.json(JSON.parse(document) as Record<string, never>, 200, {
      "content-type": "application/vc+ld+json",
      "cache-control": "no-cache",
      vary: "Accept",
    });
  });
  app.openapi(jwtRoute, async (c) => {
    const jwt = await getCredentialJwt(c.get("ctx"), c.req.valid("param").id);
    return c.text(jwt, 200, { "cache-control": "no-cache" });
  });
  app.openapi(shortRoute, async (c) => {
    const id = fromShortCode(c.req.valid("param").code);
    const html = prefersHtml(c.req.header("accept"));
    if (!id) {
      return html
        ? sendNotFoundPage(c, "short-link", { varyAccept: true })
        : problemResponse(c, "NOT_FOUND", "This short link does not point to a credential.");
    }
    return html ? credentialPage(c, id) : c.redirect(`/credentials/${id}`, 308);
  });
  // The "check the recipient" form of the page: the email arrives in the POST body only. It shares the verify rate
  // limit, so the page cannot be used to guess a recipient's address at speed.
  app.post("/credentials/:id/recipient", verifyRateLimit(tooManyPage), async (c) => {
    const parsed = CredentialIdSchema.safeParse(c.req.param("id"));
    if (!parsed.success) {
      return sendNotFoundPage(c, "credential");
    }
    const body = await c.req.parseBody();
    const email = readEmail(body.email);
    return credentialPage(c, parsed.data, "email" in email ? { email: email.email } : { error: email.error });
  });
}
