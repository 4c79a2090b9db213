import { readFileSync } from "node:fs";
import { eq } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiKey, revokeApiKey } from "../../src/services/api-keys.js";
import { listAudit } from "../../src/storage/audit-repo.js";
import { adminGet, adminPost, issue, issueRequest, readProblem } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

describe("API key authentication", () => {
  const tokens: Array<[string, (t: TestApp) => Record<string, string>]> = [
    ["no Authorization header", () => ({})],
    ["a non-bearer scheme", (x) => ({ authorization: `Basic ${x.adminToken}` })],
    ["a malformed token", () => ({ authorization: "Bearer not-a-laurel-key" })],
    ["a wrong secret for a real key id", (x) => ({ authorization: `Bearer ${x.adminToken.slice(0, -4)}AAAA` })],
  ];

  it.each(tokens)("%s → 401 problem with a Bearer challenge, nothing written", async (_label, headers) => {
    const res = await t.app.request("/admin/credentials", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers(t) },
      body: JSON.stringify(issueRequest()),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain("Bearer");
    expect((await readProblem(res)).code).toBe("UNAUTHENTICATED");
    expect((await adminGet(t, "/admin/credentials")).status).toBe(200);
    const list = (await (await adminGet(t, "/admin/credentials")).json()) as { items: unknown[] };
    expect(list.items).toHaveLength(0);
  });

  it("a revoked key is refused", async () => {
    const key = await createApiKey(t.ctx, { name: "temp", scopes: ["admin"], actor: "test" });
    expect((await adminGet(t, "/admin/credentials", key.token)).status).toBe(200);
    await revokeApiKey(t.ctx, { id: key.id, actor: "test" });
    expect((await adminGet(t, "/admin/credentials", key.token)).status).toBe(401);
    expect((await listAudit(t.store.conn(), 1))[0]).toMatchObject({ action: "api-key.revoked", targetId: key.id });
  });

  it("a key without the scope gets 403 naming the scope", async () => {
    const reader = await createApiKey(t.ctx, { name: "reader", scopes: ["credentials:read"], actor: "test" });
    const res = await adminPost(t, "/admin/credentials", issueRequest(), reader.token);
    expect(res.status).toBe(403);
    const problem = await readProblem(res);
    expect(problem.code).toBe("FORBIDDEN");
    expect(problem.detail).toContain("credentials:issue");
    expect((await adminGet(t, "/admin/credentials", reader.token)).status).toBe(200);

    const issuer = await createApiKey(t.ctx, { name: "issuer", scopes: ["credentials:issue"], actor: "test" });
    expect((await adminPost(t, "/admin/credentials", issueRequest(), issuer.token)).status).toBe(201);
    expect((await adminGet(t, "/admin/credentials", issuer.token)).status).toBe(403);
  });

  it("stores only a hash of the secret, never the token", async () => {
    const key = await createApiKey(t.ctx, { name: "k", scopes: ["admin"], actor: "test" });
    const secret = key.token.split("_").slice(2).join("_");
    const { apiKeys } = t.store.conn().t;
    const [row] = await t.store.conn().select().from(apiKeys).where(eq(apiKeys.id, key.id));
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(row?.secretHash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("private key material never leaves the keys", () => {
  it("appears in no response body, header or log line", async () => {
    const secrets = t.keys.flatMap((k) => [k.ed25519.secretKeyMultibase, k.p256.privateJwk?.d]).filter(Boolean);
    expect(secrets.length).toBe(2);
    const issued = await issue(t);
    const paths = [
      "/",
      "/.well-known/did.json",
      "/.well-known/jwks.json",
      "/keys/key-1",
      "/issuer",
      "/achievements",
      "/achievements/gitlab-certified-associate",
      "/openapi.json",
      `/credentials/${issued.id}`,
      `/credentials/${issued.id}/jwt`,
      `/admin/credentials/${issued.id}`,
      "/admin/credentials",
      "/nope",
    ];
    const seen: string[] = [JSON.stringify(issued)];
    for (const path of paths) {
      const res = await adminGet(t, path);
      seen.push(await res.text(), JSON.stringify([...res.headers]));
    }
    seen.push(...t.logLines, JSON.stringify(t.ctx.keys.current().keyring));
    const everything = seen.join("\n");
    for (const secret of secrets) {
      expect(everything).not.toContain(secret);
    }
    expect(everything).not.toMatch(/"d"\s*:/);
    expect(everything).not.toContain("secretKeyMultibase");
  });

  it("no API token appears in a log line", async () => {
    await issue(t);
    await adminGet(t, "/admin/credentials");
    const secret = t.adminToken.split("_").slice(2).join("_");
    expect(t.logLines.length).toBeGreaterThan(0);
    expect(t.logLines.join("\n")).not.toContain(secret);
  });

  it("a 500 never echoes the internal error message", async () => {
    t.ctx.catalog.get = () => {
      throw new Error("secret internal detail /etc/passwd");
    };
    const res = await adminPost(t, "/admin/credentials", issueRequest());
    expect(res.status).toBe(500);
    const problem = await readProblem(res);
    expect(problem.detail).toBe("Unexpected error");
    expect(JSON.stringify(problem)).not.toContain("secret internal detail");
  });
});

describe("the repository keeps keys out of git", () => {
  it("keys/.gitignore ignores everything but itself and the README", () => {
    const ignore = readFileSync("keys/.gitignore", "utf8");
    expect(ignore).toMatch(/^\*$/m);
    expect(ignore).toContain("!README.md");
  });
});
