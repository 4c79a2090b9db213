import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiKey } from "../../src/services/api-keys.js";
import { ACCESS_TOKEN_SECONDS } from "../../src/services/oauth.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { credentialV2, type Json } from "../helpers/vc-signing.js";

/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4) for the VC API, per-key rate limits, and the whole round an outside
 * client makes through the HTTP API alone: token → issue → verify → status update → verify (issue 18).
 */
let t: TestApp;
let client: { id: string; secret: string };
beforeEach(async () => {
  t = await makeTestApp();
  const created = await createApiKey(t.ctx, {
    name: "conformance suite",
    scopes: ["credentials:issue", "credentials:status"],
    actor: "test",
    kind: "oauth-client",
  });
  client = { id: created.id, secret: created.secret };
});
afterEach(() => t.close());

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`;

function tokenRequest(form: Record<string, string>, authorization?: string) {
  return t.app.request("/oauth/token", {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      ...(authorization ? { authorization } : {}),
    },
    body: new URLSearchParams(form).toString(),
  });
}

async function accessToken(scope?: string): Promise<string> {
  const res = await tokenRequest(
    { grant_type: "client_credentials", ...(scope ? { scope } : {}) },
    basic(client.id, client.secret),
  );
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

const api = (path: string, body: unknown, token?: string) =>
  t.app.request(path, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

describe("POST /oauth/token (client credentials)", () => {
  it("gives a client authenticated by HTTP Basic a short-lived opaque bearer token, not cached", async () => {
    const res = await tokenRequest({ grant_type: "client_credentials" }, basic(client.id, client.secret));
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = (await res.json()) as Json;
    expect(body).toEqual({
      access_token: expect.stringMatching(/^lrt_[A-Za-z0-9_-]{43}$/),
      token_type: "Bearer",
      expires_in: ACCESS_TOKEN_SECONDS,
      scope: "credentials:issue credentials:status",
    });
    // only its hash is stored
    const rows = await t.store.conn().select().from(t.store.conn().t.oauthTokens);
    expect(JSON.stringify(rows)).not.toContain(String(body.access_token).slice(4));
  });

  it("accepts the client's credentials in the body too (client_secret_post), and narrows to the scope asked", async () => {
    const res = await tokenRequest({
      grant_type: "client_credentials",
      client_id: client.id,
      client_secret: client.secret,
      scope: "credentials:issue",
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; scope: string };
    expect(body.scope).toBe("credentials:issue");
    const refused = await api("/credentials/status", { credentialId: "x", credentialStatus: [] }, body.access_token);
    expect(refused.status).toBe(403);
  });

  it.each([
    [
      "a wrong secret",
      () => ({ form: { grant_type: "client_credentials" }, auth: basic(client.id, "x".repeat(43)) }),
      401,
      "invalid_client",
    ],
    [
      "an unknown client",
      () => ({ form: { grant_type: "client_credentials" }, auth: basic("nosuchclient", client.secret) }),
      401,
      "invalid_client",
    ],
    [
      "no client authentication",
      () => ({ form: { grant_type: "client_credentials" }, auth: undefined }),
      401,
      "invalid_client",
    ],
    [
      "another grant type",
      () => ({ form: { grant_type: "password" }, auth: basic(client.id, client.secret) }),
      400,
      "unsupported_grant_type",
    ],
    ["no grant type", () => ({ form: {}, auth: basic(client.id, client.secret) }), 400, "invalid_request"],
    [
      "a scope the client does not hold",
      () => ({ form: { grant_type: "client_credentials", scope: "admin" }, auth: basic(client.id, client.secret) }),
      400,
      "invalid_scope",
    ],
    [
      "an unknown scope",
      () => ({
        form: { grant_type: "client_credentials", scope: "everything" },
        auth: basic(client.id, client.secret),
      }),
      400,
      "invalid_scope",
    ],
    [
      "both Basic and body credentials",
      () => ({
        form: { grant_type: "client_credentials", client_id: client.id, client_secret: client.secret },
        auth: basic(client.id, client.secret),
      }),
      400,
      "invalid_request",
    ],
  ])("answers %s with the RFC 6749 error", async (_what, make, status, error) => {
    const { form, auth } = make();
    const res = await tokenRequest(form as Record<string, string>, auth);
    expect(res.status).toBe(status);
    const body = (await res.json()) as Json;
    expect(body.error).toBe(error);
    expect(typeof body.error_description).toBe("string");
    expect(JSON.stringify(body)).not.toContain(client.secret);
    if (status === 401 && auth) {
      expect(res.headers.get("www-authenticate")).toBe('Basic realm="laurel"');
    }
  });

  it("refuses an API key's secret as client credentials, and a JSON body", async () => {
    const key = await createApiKey(t.ctx, { name: "plain key", scopes: ["admin"], actor: "test" });
    const res = await tokenRequest({ grant_type: "client_credentials" }, basic(key.id, key.secret));
    expect(((await res.json()) as Json).error).toBe("invalid_client");
    const json = await t.app.request("/oauth/token", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: basic(client.id, client.secret) },
      body: JSON.stringify({ grant_type: "client_credentials" }),
    });
    expect([json.status, ((await json.json()) as Json).error]).toEqual([400, "invalid_request"]);
  });

  it("does not take the client's secret as a bearer key", async () => {
    const res = await api("/credentials/issue", { credential: {} }, `lrl_${client.id}_${client.secret}`);
    expect(res.status).toBe(401);
  });

  it("refuses a token once expired, or once its client is revoked (401)", async () => {
    const body = { credential: credentialV2(t.ctx.keys.current().keyring.did) };
    let token = await accessToken();
    expect((await api("/credentials/issue", body, token)).status).toBe(201);
    t.clock.advance(ACCESS_TOKEN_SECONDS * 1000);
    expect((await api("/credentials/issue", body, token)).status).toBe(401);
    token = await accessToken();
    const { revokeApiKey } = await import("../../src/services/api-keys.js");
    await revokeApiKey(t.ctx, { id: client.id, actor: "test" });
    expect((await api("/credentials/issue", body, token)).status).toBe(401);
    expect((await tokenRequest({ grant_type: "client_credentials" }, basic(client.id, client.secret))).status).toBe(
      401,
    );
  });

  it("never logs the secret or the token", async () => {
    const token = await accessToken();
    await api("/credentials/issue", { credential: credentialV2(t.ctx.keys.current().keyring.did) }, token);
    const log = t.logLines.join("\n");
    expect(log).not.toContain(client.secret);
    expect(log).not.toContain(token.slice(4));
  });
});

describe("an outside client through the HTTP API alone", () => {
  it("gets a token, issues, verifies, revokes and verifies again", async () => {
    const token = await accessToken();
    const issued = await api(
      "/credentials/issue",
      {
        credential: {
          "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
          type: ["VerifiableCredential", "ExampleAlumniCredential"],
          credentialSubject: { id: "did:example:alumnus", alumniOf: "The School of Examples" },
        },
        options: { credentialStatus: { type: "BitstringStatusListEntry", statusPurpose: "revocation" } },
      },
      token,
    );
    expect(issued.status).toBe(201);
    const { verifiableCredential } = (await issued.json()) as { verifiableCredential: Json };

    const first = await api("/credentials/verify", { verifiableCredential }, token);
    expect(first.status).toBe(200);
    expect(((await first.json()) as Json).verified).toBe(true);

    const update = await api(
      "/credentials/status",
      {
        credentialId: verifiableCredential.id,
        credentialStatus: [{ type: "BitstringStatusListEntry", status: "revoked" }],
      },
      token,
    );
    expect(update.status).toBe(200);

    const second = await api("/credentials/verify", { verifiableCredential });
    expect(second.status).toBe(400);
    const problem = (await second.json()) as Json;
    expect([problem.verified, problem.verdict]).toEqual([false, "revoked"]);
    const audit = await t.store.conn().select().from(t.store.conn().t.auditLog);
    expect(audit.filter((a) => a.action === "credential.revoked").map((a) => a.actor)).toEqual([
      `oauth-client:${client.id}`,
    ]);
  });
});

describe("rate limits per API key or client", () => {
  it("counts a key on its own, with its own limit, while anonymous callers keep the address's default", async () => {
    const limited = await makeTestApp({ env: { LAUREL_VERIFY_RATE_LIMIT: "2" } });
    try {
      const batch = await createApiKey(limited.ctx, {
        name: "batch",
        scopes: ["credentials:issue"],
        actor: "test",
        rateLimitPerMinute: 5,
      });
      const body = { verifiableCredential: "x" };
      const send = (token?: string) =>
        limited.app.request("/credentials/verify", {
          method: "POST",
          headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify(body),
        });
      const anonymous = [await send(), await send(), await send()].map((r) => r.status);
      expect(anonymous).toEqual([400, 400, 429]);
      const keyed: number[] = [];
      for (let i = 0; i < 6; i++) {
        keyed.push((await send(batch.token)).status);
      }
      expect(keyed).toEqual([400, 400, 400, 400, 400, 429]);
      // a key without a limit of its own has the default, counted apart from the others
      const plain = await createApiKey(limited.ctx, { name: "plain", scopes: ["credentials:issue"], actor: "test" });
      expect([
        (await send(plain.token)).status,
        (await send(plain.token)).status,
        (await send(plain.token)).status,
      ]).toEqual([400, 400, 429]);
      // and an Authorization header that holds no valid key is refused, not counted as anonymous
      expect((await send("lrl_nope")).status).toBe(401);
    } finally {
      await limited.close();
    }
  });

  it("applies a client's limit to /credentials/issue through its OAuth tokens", async () => {
    const limited = await makeTestApp({ env: { LAUREL_VERIFY_RATE_LIMIT: "1" } });
    try {
      const c = await createApiKey(limited.ctx, {
        name: "suite",
        scopes: ["credentials:issue"],
        actor: "test",
        kind: "oauth-client",
        rateLimitPerMinute: 3,
      });
      const res = await limited.app.request("/oauth/token", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", authorization: basic(c.id, c.secret) },
        body: "grant_type=client_credentials",
      });
      const { access_token } = (await res.json()) as { access_token: string };
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const r = await limited.app.request("/credentials/issue", {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${access_token}` },
          body: JSON.stringify({
            credential: credentialV2(limited.ctx.keys.current().keyring.did, { id: `urn:uuid:${i}` }),
          }),
        });
        statuses.push(r.status);
      }
      expect(statuses).toEqual([201, 201, 201, 429]);
    } finally {
      await limited.close();
    }
  });
});
