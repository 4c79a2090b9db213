import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuiltinsSnapshot, expectBuiltinsUnchanged, put, snapshotBuiltins } from "../helpers/builtins.js";
import { adminPost, issue, readProblem } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { BROWSER_ACCEPT, getPage } from "../helpers/pages.js";
import type { Report } from "../helpers/verify.js";

type Json = Record<string, any>;

let t: TestApp;
let signed: Json;
let credentialId: string;
let before: BuiltinsSnapshot;

beforeAll(async () => {
  t = await makeTestApp({ env: { LAUREL_VERIFY_RATE_LIMIT: "100000" } });
  const issued = await issue(t);
  signed = issued.credential;
  credentialId = issued.id;
  before = snapshotBuiltins();
});
afterAll(() => t.close());

/** A hostile change to a real signed credential, so the input reaches JSON-LD canonicalisation, not only parsing. */
type Variant = [label: string, mutate: (c: Json) => void];

const NAMES = ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf"];

/** The reported credential (`achievement.image` is `"__proto__"`) and its family: the names as ids, types, keys, values. */
const VARIANTS: Variant[] = [
  ...NAMES.map(
    (name): Variant => [`achievement.image = ${name}`, (c) => (c.credentialSubject.achievement.image = name)],
  ),
  ...NAMES.map((name): Variant => [`credentialSubject.id = ${name}`, (c) => (c.credentialSubject.id = name)]),
  ["credential id = constructor", (c) => (c.id = "constructor")],
  ["issuer id = __proto__", (c) => (c.issuer.id = "__proto__")],
  ["achievement id = prototype", (c) => (c.credentialSubject.achievement.id = "prototype")],
  ["evidence id = constructor", (c) => (c.evidence = [{ id: "constructor", type: ["Evidence"], name: "x" }])],
  // a named graph "constructor" holding a node "prototype": graphs["constructor"]["prototype"] is Object.prototype
  [
    "graph constructor holding node prototype",
    (c) => (c.evidence = [{ "@id": "constructor", "@graph": [{ "@id": "prototype", type: ["Evidence"], name: "x" }] }]),
  ],
  [
    "graph __proto__ holding node polluted",
    (c) => (c.evidence = [{ "@id": "__proto__", "@graph": [{ "@id": "polluted", type: ["Evidence"] }] }]),
  ],
  ["types", (c) => c.type.push("__proto__", "constructor", "prototype")],
  ["achievement type = constructor", (c) => (c.credentialSubject.achievement.type = ["constructor"])],
  ["status type = __proto__", (c) => (c.credentialStatus = { ...c.credentialStatus, type: "__proto__" })],
  ["key __proto__", (c) => put(c.credentialSubject, "__proto__", { polluted: "yes" })],
  ["key constructor.prototype", (c) => put(c.credentialSubject.achievement, "constructor", { prototype: { x: 1 } })],
  ["key prototype", (c) => put(c, "prototype", { polluted: "yes" })],
  [
    "context term __proto__",
    (c) => {
      const term = {};
      put(term, "__proto__", "https://evil.example/#");
      c["@context"].push(term);
    },
  ],
  ["values", (c) => Object.assign(c.credentialSubject.achievement, { name: "__proto__", description: "constructor" })],
];

function hostile(mutate: (c: Json) => void): Json {
  const copy = structuredClone(signed);
  mutate(copy);
  return copy;
}

const json = (body: unknown) => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

function form(fields: Record<string, string | File>, accept = "application/json") {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    body.set(name, value);
  }
  return { method: "POST", body, headers: { accept } };
}

/** Every way the credential can be handed to the verifier: JSON object or text, upload, the VC API, the form. */
const ENDPOINTS: Array<[string, (c: Json) => [string, RequestInit]]> = [
  ["POST /api/verify {credential: object}", (c) => ["/api/verify", json({ credential: c })]],
  ["POST /api/verify {credential: text}", (c) => ["/api/verify", json({ credential: JSON.stringify(c) })]],
  ["POST /api/verify file", (c) => ["/api/verify", form({ file: new File([JSON.stringify(c)], "c.json") })]],
  ["POST /credentials/verify", (c) => ["/credentials/verify", json({ verifiableCredential: c })]],
  ["POST /verify file", (c) => ["/verify", form({ file: new File([JSON.stringify(c)], "c.json") }, BROWSER_ACCEPT)]],
  ["POST /verify text", (c) => ["/verify", form({ text: JSON.stringify(c) }, BROWSER_ACCEPT)]],
];

/** Everything a visitor or an admin reads after the hostile requests: each must still answer as before. */
async function expectRoutesAnswer(): Promise<void> {
  for (const path of ["/.well-known/did.json", "/issuer", "/status-lists/1", `/credentials/${credentialId}`]) {
    const res = await t.app.request(path);
    expect(res.status, path).toBe(200);
    await res.arrayBuffer();
  }
  for (const path of ["/issuer", `/credentials/${credentialId}`, "/verify"]) {
    const res = await getPage(t, path);
    expect(res.status, `${path} (page)`).toBe(200);
    expect(await res.text()).toContain("</html>");
  }
  const issued = await adminPost(t, "/admin/credentials", {
    achievementId: "gitlab-certified-associate",
    recipient: { email: "grace@example.org", name: "Grace Hopper" },
  });
  expect(issued.status, "admin issuance").toBe(201);
}

describe("prototype pollution through the verifier", () => {
  it.each(VARIANTS)("%s: no endpoint answers 5xx or changes a built-in", async (label, mutate) => {
    const credential = hostile(mutate);
    for (const [endpoint, request] of ENDPOINTS) {
      const [path, init] = request(credential);
      const res = await t.app.request(path, init);
      expect(res.status, `${label} via ${endpoint}: ${await res.clone().text()}`).toBeLessThan(500);
      await res.arrayBuffer();
      expectBuiltinsUnchanged(before, `${label} via ${endpoint}`);
    }
    await expectRoutesAnswer();
    expectBuiltinsUnchanged(before, `${label}, then reading every route`);
  });

  it("refuses a JSON body using __proto__, constructor or prototype as a key, naming where", async () => {
    const credential = hostile((c) => put(c.credentialSubject.achievement, "__proto__", { polluted: "yes" }));
    const res = await t.app.request("/api/verify", json({ credential }));
    expect(res.status).toBe(400);
    const problem = await readProblem(res);
    expect(problem.errors).toEqual([
      {
        path: "credential.credentialSubject.achievement.__proto__",
        message: '"__proto__" is not accepted as a property name',
      },
    ]);
    const vcApi = await t.app.request("/credentials/verify", json({ verifiableCredential: { constructor: {} } }));
    expect((await readProblem(vcApi)).errors?.[0]?.path).toBe("verifiableCredential.constructor");
  });

  it("reports pasted or uploaded JSON with such a key as unreadable, naming where", async () => {
    const credential = hostile((c) => put(c.credentialSubject, "constructor", { prototype: {} }));
    const res = await t.app.request("/api/verify", json({ credential: JSON.stringify(credential) }));
    expect(res.status).toBe(200);
    const report = (await res.json()) as Report;
    expect(report.verdict).toBe("invalid");
    expect(report.checks.find((c) => c.id === "format")).toMatchObject({ outcome: "failed", code: "bad-json" });
    expect(report.checks[0]?.message).toContain('"constructor" as a property name (at credentialSubject.constructor)');
  });

  it("keeps tokens and evidence from polluting too", async () => {
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const payload = hostile((c) => (c.credentialSubject.achievement.image = "constructor"));
    put(payload, "__proto__", { polluted: "yes" });
    for (const header of [{ alg: "EdDSA", kid: "__proto__" }, { alg: { toString: null } }]) {
      for (const token of [`${b64(header)}.${b64(payload)}.AAAA`, `${b64(header)}.${b64({ vc: payload })}.AAAA`]) {
        const res = await t.app.request("/api/verify", json({ credential: token }));
        expect(res.status).toBe(200);
        expectBuiltinsUnchanged(before, "a token");
      }
    }
    const evidence = {
      kind: "assessment",
      externalId: "__proto__",
      person: { email: "ada@example.org" },
      occurredAt: "2026-03-01T10:00:00Z",
      assessment: "constructor",
      passed: true,
    };
    expect((await adminPost(t, "/admin/evidence", evidence)).status).toBeLessThan(500);
    const keyed = JSON.stringify(evidence).replace('"kind"', '"__proto__":{"polluted":"yes"},"kind"');
    const refused = await adminPost(t, "/admin/evidence", keyed);
    expect(refused.status).toBe(400);
    expect((await readProblem(refused)).errors?.[0]?.path).toBe("__proto__");
    expectBuiltinsUnchanged(before, "evidence");
    await expectRoutesAnswer();
  });
});

describe("where the reserved-key check runs: in each route's JSON validation, after its rate limit and authentication", () => {
  const reserved = JSON.stringify({ credential: { constructor: {} } });
  const post = (body: string, headers: Record<string, string> = {}) => ({
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });

  it("a client over the verify rate limit gets its 429 before its body is read", async () => {
    const limited = await makeTestApp({ env: { LAUREL_VERIFY_RATE_LIMIT: "1" } });
    try {
      expect((await limited.app.request("/api/verify", post(JSON.stringify({ credential: "x" })))).status).toBe(200);
      expect((await limited.app.request("/api/verify", post(reserved))).status).toBe(429);
      expect((await limited.app.request("/credentials/verify", post(reserved))).status).toBe(429);
    } finally {
      await limited.close();
    }
  });

  it("an unauthenticated admin request gets its 401 before its body is read", async () => {
    const res = await t.app.request("/admin/evidence", post(JSON.stringify({ constructor: {} })));
    expect(res.status).toBe(401);
  });

  it("every route taking a JSON body (read from the OpenAPI document) refuses a reserved key with a 400 naming it", async () => {
    const doc = (await (await t.app.request("/openapi.json")).json()) as {
      paths: Record<string, Record<string, { requestBody?: { content?: Record<string, unknown> } }>>;
    };
    const routes = Object.entries(doc.paths).flatMap(([path, operations]) =>
      Object.entries(operations)
        .filter(([, op]) => op.requestBody?.content?.["application/json"] !== undefined)
        .map(([method]) => ({ method: method.toUpperCase(), path })),
    );
    expect(routes.length).toBeGreaterThanOrEqual(10);
    const answers: Record<string, string | undefined> = {};
    for (const { method, path } of routes) {
      const url = path.replace(/\{(\w+)\}/g, (_, name: string) =>
        name === "email" ? "ada%40example.org" : "00000000-0000-4000-8000-000000000000",
      );
      const res = await t.app.request(url, {
        method,
        headers: { "content-type": "application/json", authorization: `Bearer ${t.adminToken}` },
        body: '{"constructor": {"prototype": {}}}',
      });
      const problem = res.status === 400 ? await readProblem(res) : undefined;
      answers[`${method} ${path}`] = `${res.status} ${problem?.errors?.[0]?.path}`;
    }
    expect(answers).toEqual(Object.fromEntries(routes.map((r) => [`${r.method} ${r.path}`, "400 constructor"])));
  });
});
