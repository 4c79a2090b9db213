import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ERROR_REGISTRY, type ErrorCode } from "../../src/errors.js";
import { createApiKey } from "../../src/services/api-keys.js";
import { issue, issueRequest, readProblem } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { refuseWrites } from "../helpers/store.js";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

type Operation = {
  responses: Record<string, unknown>;
  security?: unknown[];
  parameters?: unknown[];
  requestBody?: { required?: boolean };
};
type OpenApiDoc = { openapi: string; paths: Record<string, Record<string, Operation>>; components: any };

describe("OpenAPI document", () => {
  it("describes every API route, with problem responses, from the validating zod schemas", async () => {
    const res = await t.app.request("/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as OpenApiDoc;
    expect(doc.openapi).toBe("3.0.3");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/admin/credentials",
        "/admin/credentials/{id}",
        "/credentials/{id}",
        "/credentials/{id}/jwt",
        "/.well-known/did.json",
        "/.well-known/jwks.json",
        "/keys/{name}",
        "/issuer",
        "/achievements",
        "/achievements/{id}",
        "/achievements/{id}/image",
        "/admin/evidence",
        "/admin/evidence/batch",
        "/admin/people/{email}/progress",
        "/admin/certifications/{id}/candidates",
        "/admin/approvals",
        "/admin/approvals/{id}/approve",
        "/admin/approvals/{id}/reject",
      ]),
    );
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const statuses = Object.keys(op.responses);
        if (path.startsWith("/admin/")) {
          expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining(["401", "403", "500"]));
          expect(op.security, `${method} ${path}`).toEqual([{ bearerAuth: [] }]);
          // 400 wherever there is a request to validate (GET /admin/approvals takes none, so it cannot be one)
          if (op.parameters?.length || op.requestBody) {
            expect(statuses, `${method} ${path}`).toContain("400");
          }
        }
        // Routes addressing a resource by id answer 404 for an unknown one (a person's progress
        // by email does not: someone with no evidence yet simply has progress of zero).
        if (/\{(id|name)\}/.test(path)) {
          expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining(["400", "404"]));
        }
      }
    }
    const issue = doc.paths["/admin/credentials"]?.post;
    expect(issue?.requestBody?.required).toBe(true);
    expect(doc.components.schemas.IssueCredentialRequest.required).toEqual(["achievementId", "recipient"]);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("serves a readable API reference page with its assets locally", async () => {
    const page = await t.app.request("/docs");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Laurel API reference");
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    for (const asset of ["/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css", "/docs/assets/init.js"]) {
      expect(html).toContain(asset);
      const res = await t.app.request(asset);
      expect(res.status, asset).toBe(200);
      expect((await res.text()).length).toBeGreaterThan(50);
    }
    expect((await t.app.request("/docs/assets/..%2Fpackage.json")).status).toBe(404);
  });
});

type Schema = {
  $ref?: string;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  properties?: { code?: { enum?: string[] } };
};
type DocResponse = { description: string; content?: Record<string, { schema: Schema }> };

/**
 * The codes a problem schema allows (undefined: any): an allOf allows what every part allows, an anyOf or oneOf what
 * any branch allows.
 */
function codesOf(schema: Schema, doc: OpenApiDoc): Set<string> | undefined {
  if (schema.$ref) {
    return codesOf(doc.components.schemas[schema.$ref.replace("#/components/schemas/", "")], doc);
  }
  if (schema.allOf) {
    const parts = schema.allOf.map((part) => codesOf(part, doc)).filter((p): p is Set<string> => p !== undefined);
    return parts.length === 0 ? undefined : new Set([...(parts[0] ?? [])].filter((c) => parts.every((p) => p.has(c))));
  }
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) {
    const parts = branches.map((branch) => codesOf(branch, doc));
    return parts.some((p) => p === undefined) ? undefined : new Set(parts.flatMap((p) => [...(p ?? [])]));
  }
  const allowed = schema.properties?.code?.enum;
  return allowed ? new Set(allowed) : undefined;
}

/** The problem codes /openapi.json documents for one operation, by status. */
function documentedCodes(doc: OpenApiDoc, method: string, path: string): Map<string, Set<string>> {
  const op = doc.paths[path]?.[method];
  expect(op, `${method} ${path} is documented`).toBeDefined();
  const found = new Map<string, Set<string>>();
  for (const [status, response] of Object.entries((op?.responses ?? {}) as Record<string, DocResponse>)) {
    const schema = response.content?.["application/problem+json"]?.schema;
    if (schema) {
      const codes = codesOf(schema, doc);
      expect(codes, `${method} ${path} ${status} names its codes`).toBeDefined();
      found.set(status, codes ?? new Set());
    }
  }
  return found;
}

const json = (body: unknown) => (typeof body === "string" ? body : JSON.stringify(body));

/** A request as a client sends it: JSON by default, with the test admin key unless `token` says otherwise. */
function send(
  x: TestApp,
  method: "GET" | "POST" | "DELETE",
  path: string,
  options: { body?: unknown; token?: string | null; contentType?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = {};
  const token = options.token === undefined ? x.adminToken : options.token;
  if (token) {
    headers.authorization = `Bearer ${token}`;
  }
  if (options.body !== undefined) {
    headers["content-type"] = options.contentType ?? "application/json";
  }
  const body = options.body === undefined ? undefined : json(options.body);
  return Promise.resolve(x.app.request(path, { method, headers, body }));
}

const UNKNOWN_ID = "0b9f3c2e-1111-4222-8333-444455556666";
const evidence = (overrides: Record<string, unknown> = {}) => ({
  kind: "assessment",
  externalId: "lms-1",
  person: { email: "ada@example.org" },
  occurredAt: "2026-03-01T10:00:00Z",
  assessment: "gitlab-associate-written",
  score: 72,
  ...overrides,
});
const tooLarge = () => JSON.stringify({ pad: "x".repeat(1_100_000) });

const U = UNKNOWN_ID;
const lifecycle = (x: TestApp, id: string, operation: string, body: unknown) =>
  send(x, "POST", `/admin/credentials/${id}/${operation}`, { body });

/** A failing request: `METHOD /path [json body]` sent with the admin key, or a function for anything more. */
type Failing = string | { what: string; env?: Record<string, string>; run: (x: TestApp) => Promise<Response> };
type Case = [route: string, code: ErrorCode, request: Failing];

/** A request that fails per route and what it fails with: the code must be among those the route documents. */
const CASES: Case[] = [
  // public documents
  ["GET /credentials/{id}", "VALIDATION_FAILED", "GET /credentials/not-a-uuid"],
  ["GET /credentials/{id}", "VALIDATION_FAILED", `GET /credentials/${U}?format=xml`],
  ["GET /credentials/{id}", "NOT_FOUND", `GET /credentials/${U}`],
  ["GET /credentials/{id}/jwt", "VALIDATION_FAILED", "GET /credentials/nope/jwt"],
  ["GET /credentials/{id}/jwt", "NOT_FOUND", `GET /credentials/${U}/jwt`],
  ["GET /c/{code}", "NOT_FOUND", "GET /c/not-a-code"],
  ["GET /credentials/{id}/badge.png", "VALIDATION_FAILED", `GET /credentials/${U}/badge.png?proof=xml`],
  ["GET /credentials/{id}/badge.svg", "NOT_FOUND", `GET /credentials/${U}/badge.svg`],
  ["GET /credentials/{id}/share-card.png", "NOT_FOUND", `GET /credentials/${U}/share-card.png`],
  ["GET /credentials/{id}/certificate.pdf", "NOT_FOUND", `GET /credentials/${U}/certificate.pdf`],
  ["GET /credentials/{id}/qr.svg", "NOT_FOUND", `GET /credentials/${U}/qr.svg`],
  ["GET /credentials/{id}/qr.png", "VALIDATION_FAILED", "GET /credentials/nope/qr.png"],
  ["GET /status-lists/{listId}", "NOT_FOUND", "GET /status-lists/abc"],
  ["GET /status-lists/{listId}", "NOT_FOUND", "GET /status-lists/999"],
  ["GET /achievements/{id}", "VALIDATION_FAILED", "GET /achievements/Not_An_Id"],
  ["GET /achievements/{id}", "NOT_FOUND", "GET /achievements/no-such-certification"],
  ["GET /achievements/{id}/image", "NOT_FOUND", "GET /achievements/no-such-certification/image"],
  ["GET /achievements/{id}/image.svg", "NOT_FOUND", "GET /achievements/no-such-certification/image.svg"],
  ["GET /keys/{name}", "VALIDATION_FAILED", "GET /keys/nope"],
  ["GET /keys/{name}", "NOT_FOUND", "GET /keys/key-99"],
  // operations
  [
    "GET /readyz",
    "NOT_READY",
    {
      what: "while shutting down",
      run: (x) => {
        x.ctx.state.lifecycle.shuttingDown = true;
        return Promise.resolve(x.app.request("/readyz"));
      },
    },
  ],
  // verification
  ["POST /api/verify", "MALFORMED_JSON", "POST /api/verify {"],
  ["POST /api/verify", "VALIDATION_FAILED", "POST /api/verify {}"],
  ["POST /api/verify", "VALIDATION_FAILED", 'POST /api/verify {"credential": {"__proto__": {}}}'],
  ["POST /api/verify", "UNSUPPORTED_MEDIA_TYPE", { what: "text/plain", run: (x) => plain(x, "/api/verify") }],
  [
    "POST /api/verify",
    "PAYLOAD_TOO_LARGE",
    {
      what: "an upload over the cap",
      env: { LAUREL_VERIFY_MAX_UPLOAD_BYTES: "1024" },
      run: (x) => send(x, "POST", "/api/verify", { body: tooLarge() }),
    },
  ],
  ["POST /api/verify", "TOO_MANY_REQUESTS", overTheLimit("/api/verify", { credential: "x" })],
  [
    "POST /credentials/verify",
    "CREDENTIAL_NOT_VERIFIED",
    {
      what: "a tampered credential",
      run: async (x) => {
        const { credential } = await issue(x);
        credential.credentialSubject.achievement.name = "Grandmaster";
        return send(x, "POST", "/credentials/verify", { body: { verifiableCredential: credential } });
      },
    },
  ],
  ["POST /credentials/verify", "VALIDATION_FAILED", 'POST /credentials/verify {"credential": {}}'],
  ["POST /credentials/verify", "MALFORMED_JSON", "POST /credentials/verify ["],
  [
    "POST /credentials/verify",
    "UNSUPPORTED_MEDIA_TYPE",
    { what: "text/plain", run: (x) => plain(x, "/credentials/verify") },
  ],
  ["POST /credentials/verify", "TOO_MANY_REQUESTS", overTheLimit("/credentials/verify", { verifiableCredential: "x" })],
  [
    "POST /presentations/verify",
    "PRESENTATION_NOT_VERIFIED",
    {
      what: "an unsigned verifiablePresentation",
      run: (x) =>
        send(x, "POST", "/presentations/verify", {
          body: {
            verifiablePresentation: {
              "@context": ["https://www.w3.org/ns/credentials/v2"],
              type: ["VerifiablePresentation"],
            },
          },
        }),
    },
  ],
  ["POST /presentations/verify", "VALIDATION_FAILED", 'POST /presentations/verify {"presentation": [], "options": {}}'],
  ["POST /presentations/verify", "MALFORMED_JSON", "POST /presentations/verify {"],
  [
    "POST /presentations/verify",
    "UNSUPPORTED_MEDIA_TYPE",
    { what: "text/plain", run: (x) => plain(x, "/presentations/verify") },
  ],
  ["POST /presentations/verify", "TOO_MANY_REQUESTS", overTheLimit("/presentations/verify", { presentation: {} })],
  // the VC API issuer, its status service and the OAuth token endpoint
  ["POST /credentials/issue", "VALIDATION_FAILED", 'POST /credentials/issue {"credential": {"credentialSubject": 1}}'],
  [
    "POST /credentials/issue",
    "UNAUTHENTICATED",
    { what: "no key", run: (x) => send(x, "POST", "/credentials/issue", { body: {}, token: null }) },
  ],
  [
    "POST /credentials/issue",
    "UNPROCESSABLE",
    `POST /credentials/issue ${json({ credential: { "@context": ["https://www.w3.org/ns/credentials/v2"], type: ["VerifiableCredential"], issuer: "did:example:other", credentialSubject: { id: "did:example:a" } } })}`,
  ],
  ["POST /credentials/status", "VALIDATION_FAILED", 'POST /credentials/status {"credentialId": ""}'],
  [
    "POST /credentials/status",
    "NOT_FOUND",
    'POST /credentials/status {"credentialId": "urn:uuid:nobody", "credentialStatus": {"type": "BitstringStatusListEntry", "status": "revoked"}}',
  ],
  [
    "POST /oauth/token",
    "PAYLOAD_TOO_LARGE",
    { what: "a body over the limit", run: (x) => send(x, "POST", "/oauth/token", { body: tooLarge(), token: null }) },
  ],
  // credentials
  [
    "POST /admin/credentials",
    "UNAUTHENTICATED",
    { what: "no key", run: (x) => send(x, "POST", "/admin/credentials", { body: issueRequest(), token: null }) },
  ],
  [
    "POST /admin/credentials",
    "FORBIDDEN",
    {
      what: "a key without the scope",
      run: async (x) => {
        const reader = await createApiKey(x.ctx, { name: "reader", scopes: ["credentials:read"], actor: "test" });
        return send(x, "POST", "/admin/credentials", { body: issueRequest(), token: reader.token });
      },
    },
  ],
  [
    "POST /admin/credentials",
    "VALIDATION_FAILED",
    `POST /admin/credentials ${json(issueRequest({ achievementId: "x" }))}`,
  ],
  ["POST /admin/credentials", "MALFORMED_JSON", 'POST /admin/credentials {"achievementId":'],
  [
    "POST /admin/credentials",
    "UNSUPPORTED_MEDIA_TYPE",
    { what: "text/plain", run: (x) => plain(x, "/admin/credentials") },
  ],
  [
    "POST /admin/credentials",
    "PAYLOAD_TOO_LARGE",
    { what: "a body over the limit", run: (x) => send(x, "POST", "/admin/credentials", { body: tooLarge() }) },
  ],
  [
    "POST /admin/credentials",
    "STORAGE_FULL",
    {
      what: "a full disk",
      run: async (x) => {
        await refuseWrites(x.store, "full");
        return send(x, "POST", "/admin/credentials", { body: issueRequest() });
      },
    },
  ],
  ["GET /admin/credentials", "VALIDATION_FAILED", "GET /admin/credentials?email=nope"],
  ["GET /admin/credentials", "VALIDATION_FAILED", "GET /admin/credentials?cursor=zzz"],
  ["GET /admin/credentials/{id}", "NOT_FOUND", `GET /admin/credentials/${U}`],
  [
    "GET /admin/credentials/{id}",
    "UNAUTHENTICATED",
    { what: "no key", run: (x) => send(x, "GET", `/admin/credentials/${U}`, { token: null }) },
  ],
  // lifecycle
  ["POST /admin/credentials/{id}/revoke", "NOT_FOUND", `POST /admin/credentials/${U}/revoke {"reason": "x"}`],
  [
    "POST /admin/credentials/{id}/revoke",
    "CONFLICT",
    {
      what: "a second revocation",
      run: async (x) => {
        const { id } = await issue(x);
        await lifecycle(x, id, "revoke", { reason: "error" });
        return lifecycle(x, id, "revoke", { reason: "error" });
      },
    },
  ],
  ["POST /admin/credentials/{id}/suspend", "VALIDATION_FAILED", `POST /admin/credentials/${U}/suspend {}`],
  [
    "POST /admin/credentials/{id}/suspend",
    "CONFLICT",
    {
      what: "a certification that is not suspendable",
      run: async (x) => lifecycle(x, (await issue(x)).id, "suspend", { reason: "check" }),
    },
  ],
  [
    "POST /admin/credentials/{id}/reinstate",
    "CONFLICT",
    { what: "an active credential", run: async (x) => lifecycle(x, (await issue(x)).id, "reinstate", { reason: "x" }) },
  ],
  [
    "POST /admin/credentials/{id}/reissue",
    "CONFLICT",
    {
      what: "a revoked credential",
      run: async (x) => {
        const { id } = await issue(x);
        await lifecycle(x, id, "revoke", { reason: "error" });
        return lifecycle(x, id, "reissue", { reason: "typo", recipient: { name: "Ada King" } });
      },
    },
  ],
  // events
  ["GET /admin/events", "VALIDATION_FAILED", "GET /admin/events?type=credential.nope"],
  ["POST /admin/events/claim", "VALIDATION_FAILED", "POST /admin/events/claim {}"],
  [
    "POST /admin/events/ack",
    "PAYLOAD_TOO_LARGE",
    { what: "a body over the limit", run: (x) => send(x, "POST", "/admin/events/ack", { body: tooLarge() }) },
  ],
  // evidence
  [
    "POST /admin/evidence",
    "CONFLICT",
    {
      what: "the same externalId for other content",
      run: async (x) => {
        await send(x, "POST", "/admin/evidence", { body: evidence() });
        return send(x, "POST", "/admin/evidence", { body: evidence({ score: 95 }) });
      },
    },
  ],
  ["POST /admin/evidence", "UNPROCESSABLE", `POST /admin/evidence ${json(evidence({ assessment: "no-such-exam" }))}`],
  ["POST /admin/evidence", "VALIDATION_FAILED", `POST /admin/evidence ${json(evidence({ occurredAt: "2030-01-01" }))}`],
  [
    "POST /admin/evidence",
    "FORBIDDEN",
    {
      what: "a grader role the key does not grade as",
      run: async (x) => {
        const grader = await createApiKey(x.ctx, { name: "grader", scopes: ["evidence:write"], actor: "test" });
        const body = evidence({ graderRole: "ps-engineer" });
        return send(x, "POST", "/admin/evidence", { body, token: grader.token });
      },
    },
  ],
  [
    "POST /admin/evidence",
    "STORAGE_UNAVAILABLE",
    {
      what: "a read-only database",
      run: async (x) => {
        await refuseWrites(x.store, "read-only");
        return send(x, "POST", "/admin/evidence", { body: evidence() });
      },
    },
  ],
  ["POST /admin/evidence/batch", "VALIDATION_FAILED", "POST /admin/evidence/batch {}"],
  ["GET /admin/evidence", "VALIDATION_FAILED", "GET /admin/evidence?email=nope"],
  // progress and approvals
  ["GET /admin/people/{email}/progress", "VALIDATION_FAILED", "GET /admin/people/nope/progress"],
  ["GET /admin/certifications/{id}/candidates", "NOT_FOUND", "GET /admin/certifications/nope/candidates"],
  [
    "GET /admin/approvals",
    "UNAUTHENTICATED",
    { what: "no key", run: (x) => send(x, "GET", "/admin/approvals", { token: null }) },
  ],
  ["POST /admin/approvals/{id}/approve", "NOT_FOUND", `POST /admin/approvals/${U}/approve`],
  ["POST /admin/approvals/{id}/approve", "VALIDATION_FAILED", "POST /admin/approvals/nope/approve"],
  ["POST /admin/approvals/{id}/reject", "NOT_FOUND", `POST /admin/approvals/${U}/reject {"reason": "no"}`],
  ["POST /admin/approvals/{id}/reject", "VALIDATION_FAILED", `POST /admin/approvals/${U}/reject {}`],
  // audit
  ["GET /admin/audit", "VALIDATION_FAILED", "GET /admin/audit?limit=0"],
  // catalog
  [
    "POST /admin/catalog/reload",
    "UNAUTHENTICATED",
    { what: "no key", run: (x) => send(x, "POST", "/admin/catalog/reload", { token: null }) },
  ],
  // delivery
  ["GET /admin/credentials/{id}/deliveries", "NOT_FOUND", `GET /admin/credentials/${U}/deliveries`],
  ["GET /admin/credentials/{id}/deliveries", "VALIDATION_FAILED", "GET /admin/credentials/nope/deliveries"],
  ["GET /admin/mail", "VALIDATION_FAILED", "GET /admin/mail?limit=0"],
  ["POST /admin/webhooks", "VALIDATION_FAILED", `POST /admin/webhooks {"url": "http://10.0.0.1/x"}`],
  ["POST /admin/webhooks", "MALFORMED_JSON", "POST /admin/webhooks {"],
  [
    "GET /admin/webhooks",
    "UNAUTHENTICATED",
    { what: "no key", run: (x) => send(x, "GET", "/admin/webhooks", { token: null }) },
  ],
  ["DELETE /admin/webhooks/{id}", "NOT_FOUND", `DELETE /admin/webhooks/${U}`],
  ["DELETE /admin/webhooks/{id}", "VALIDATION_FAILED", "DELETE /admin/webhooks/nope"],
  ["GET /admin/webhooks/{id}/deliveries", "NOT_FOUND", `GET /admin/webhooks/${U}/deliveries`],
  ["POST /admin/webhooks/{id}/replay", "NOT_FOUND", `POST /admin/webhooks/${U}/replay {"eventId": "x"}`],
  ["POST /admin/webhooks/{id}/replay", "VALIDATION_FAILED", `POST /admin/webhooks/${U}/replay {}`],
  ["GET /admin/webhooks/{id}/deliveries", "VALIDATION_FAILED", "GET /admin/webhooks/nope/deliveries"],
  // bulk jobs
  [
    "POST /admin/jobs",
    "JOB_FILE_INVALID",
    {
      what: "a CSV file delimited by semicolons",
      run: (x) =>
        send(x, "POST", "/admin/jobs?kind=awards", { body: "certification;email;name\n", contentType: "text/csv" }),
    },
  ],
  [
    "POST /admin/jobs",
    "UNSUPPORTED_MEDIA_TYPE",
    { what: "text/plain", run: (x) => plain(x, "/admin/jobs?kind=awards") },
  ],
  ["GET /admin/jobs", "VALIDATION_FAILED", "GET /admin/jobs?limit=0"],
  ["GET /admin/jobs/{id}", "NOT_FOUND", `GET /admin/jobs/${U}`],
  ["GET /admin/jobs/{id}/events", "NOT_FOUND", `GET /admin/jobs/${U}/events`],
  ["POST /admin/jobs/{id}/cancel", "NOT_FOUND", `POST /admin/jobs/${U}/cancel`],
  ["GET /admin/jobs/{id}/{file}", "NOT_FOUND", `GET /admin/jobs/${U}/results.csv`],
  ["GET /admin/jobs/templates/{file}", "NOT_FOUND", "GET /admin/jobs/templates/awards.csv?certification=nope"],
  ["GET /admin/jobs/templates/{file}", "VALIDATION_FAILED", "GET /admin/jobs/templates/people.csv"],
];

/** Sends a `METHOD /path [body]` line with the admin key, or runs the case's own request. */
function run(x: TestApp, request: Failing): Promise<Response> {
  if (typeof request !== "string") {
    return request.run(x);
  }
  const [, method, path, body] = /^(GET|POST|DELETE) (\S+)(?: (.*))?$/s.exec(request) ?? [];
  return send(x, method as "GET" | "POST" | "DELETE", path as string, body === undefined ? {} : { body });
}

function plain(x: TestApp, path: string): Promise<Response> {
  return send(x, "POST", path, { body: "x", contentType: "text/plain" });
}

function overTheLimit(path: string, body: unknown): Failing {
  return {
    what: "one request over the rate limit",
    env: { LAUREL_VERIFY_RATE_LIMIT: "1" },
    run: async (x) => {
      await send(x, "POST", path, { body });
      return send(x, "POST", path, { body });
    },
  };
}

/**
 * The OpenAPI document as a fresh app serves it, read once per file: it is built from the routes' schemas alone, so
 * what a test's request did to its own database cannot change it.
 */
let documentOnce: Promise<OpenApiDoc> | undefined;
const freshDocument = () => {
  documentOnce ??= (async () => {
    const fresh = await makeTestApp();
    try {
      return (await (await fresh.app.request("/openapi.json")).json()) as OpenApiDoc;
    } finally {
      await fresh.close();
    }
  })();
  return documentOnce;
};

describe("the problems each route documents", () => {
  const label = (request: Failing) => (typeof request === "string" ? request.slice(0, 70) : request.what);
  it.each(CASES.map(([route, code, request]) => ({ route, code, request, what: label(request) })))(
    "$route documents $code, which it answers for: $what",
    async ({ route, code, request }) => {
      if (typeof request !== "string" && request.env) {
        await t.close();
        t = await makeTestApp({ env: request.env });
      }
      const res = await run(t, request);
      const { status } = ERROR_REGISTRY[code];
      expect(res.status).toBe(status);
      expect((await readProblem(res)).code).toBe(code);
      // the failed request may have left the database read-only or full: the document comes from a fresh app
      const doc = await freshDocument();
      const [method = "", path = ""] = route.split(" ");
      const documented = documentedCodes(doc, method.toLowerCase(), path);
      expect([...(documented.get(String(status)) ?? [])], `${route} ${status}`).toContain(code);
    },
  );

  it("documents, for every route, each problem response's codes at their registry status, named in its description", async () => {
    const doc = (await (await t.app.request("/openapi.json")).json()) as OpenApiDoc;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const documented = documentedCodes(doc, method, path);
        expect([...(documented.get("500") ?? [])], `${method} ${path}`).toEqual(["INTERNAL"]);
        for (const [status, codes] of documented) {
          const description = (op.responses[status] as DocResponse).description;
          for (const code of codes) {
            expect(ERROR_REGISTRY[code as ErrorCode]?.status, `${method} ${path} ${status} ${code}`).toBe(
              Number(status),
            );
            expect(description, `${method} ${path} ${status}`).toContain(`\`${code}\``);
          }
        }
      }
    }
  });

  it("covers every route in the table above", async () => {
    const doc = (await (await t.app.request("/openapi.json")).json()) as OpenApiDoc;
    const covered = new Set(CASES.map(([route]) => route));
    // routes that can only fail unexpectedly (500): nothing a client sends makes them answer a problem
    const infallible = [
      "GET /healthz",
      "GET /achievements",
      "GET /issuer",
      "GET /.well-known/did.json",
      "GET /.well-known/jwks.json",
    ];
    const routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(routes.filter((r) => !covered.has(r) && !infallible.includes(r))).toEqual([]);
  });
});
