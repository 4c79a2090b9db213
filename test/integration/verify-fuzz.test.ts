import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BuiltinsSnapshot, expectBuiltinsUnchanged, put, snapshotBuiltins } from "../helpers/builtins.js";
import { bearer, issue } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { BROWSER_ACCEPT } from "../helpers/pages.js";

/**
 * Every public endpoint that reads a body answers malformed input with a 4xx problem, a report, or the form page
 * with a message: never a 5xx, and never a change to a built-in prototype. Inputs are real credentials (signed, so
 * they reach canonicalisation, key resolution and status checks) with hostile values put anywhere in them, plus
 * raw bodies of every content type. A fixed seed and bounded runs keep CI deterministic.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_206);
/** `FUZZ_RUNS=20 FUZZ_SEED=… npx vitest run test/integration/verify-fuzz.test.ts` hunts longer, locally. */
const SCALE = Number(process.env.FUZZ_RUNS ?? 1);
const runs = (numRuns: number) => ({ seed: SEED, numRuns: numRuns * SCALE, endOnFailure: true });
const TIMEOUT = 30_000 * SCALE;

type Json = Record<string, any>;

let t: TestApp;
let credential: Json;
let token: string;
let before: BuiltinsSnapshot;

beforeAll(async () => {
  t = await makeTestApp({ env: { LAUREL_VERIFY_RATE_LIMIT: "100000" } });
  const issued = await issue(t);
  credential = issued.credential;
  token = issued.jwt;
  before = snapshotBuiltins();
});
afterAll(() => t.close());

const evidence = {
  kind: "assessment",
  externalId: "lms-4711",
  person: { email: "ada@example.org", name: "Ada Lovelace" },
  occurredAt: "2026-03-01T10:00:00Z",
  assessment: "gitlab-associate-written",
  score: 91,
};

/** An object whose own `toString` is null: `String(value)` and template strings throw on it. */
const noToString = () => JSON.parse('{"toString": null, "valueOf": null}');

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    "%ZZ",
    "did:web:a%ZZ#k",
    "did:web:a:%E0%A4%A#k",
    "did:key:z6Mk%ZZ",
    "did:jwk:eyJfX3Byb3RvX18iOnt9fQ",
    "__proto__",
    "constructor",
    "prototype",
    "toString",
    "",
    " ",
    "\u0000",
    "\ud800",
    "https://badges.test//evil.example/x",
    "https://badges.test/status-lists/1",
    "https://badges.test/status-lists/%ZZ",
    "javascript:alert(1)",
    "data:application/vc+jwt,%ZZ",
    "2026-13-45T99:99:99Z",
    "+275760-09-13T00:00:00.001Z",
    "-1",
    "99999999999999999999",
    "x".repeat(20_000),
    1e308,
    -1e308,
    2 ** 53 + 2,
    -0,
    0.5,
    null,
    true,
    [],
    {},
    [[[[[[[[[[[]]]]]]]]]]],
  ),
  fc.constant(null).map(noToString),
  fc.constant(null).map(() => ({ type: noToString(), id: noToString() })),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Every path into a JSON value (objects and arrays), the root excluded. */
function pathsOf(value: unknown, prefix: string[] = []): string[][] {
  if (typeof value !== "object" || value === null) {
    return [];
  }
  return Object.entries(value).flatMap(([key, member]) => {
    const path = [...prefix, key];
    return [path, ...pathsOf(member, path)];
  });
}

type Mutation = { at: number; kind: "set" | "delete" | "key"; value: unknown; key: string };

const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom("set", "set", "set", "delete", "key"),
  value: hostileValue,
  key: fc.constantFrom("__proto__", "constructor", "prototype", "@context", "@graph", "@id", "type", "id"),
});

/** A copy of `document` with each mutation applied at one of its paths (chosen by index, so shrinking is stable). */
function mutate(document: Json, mutations: Mutation[]): Json {
  const copy = structuredClone(document);
  for (const { value: shared, ...m } of mutations) {
    const value = structuredClone(shared); // generated constants are shared between runs: never alias them
    const paths = pathsOf(copy);
    const path = paths[m.at % paths.length] as string[];
    const parent = path.slice(0, -1).reduce<any>((node, key) => node[key], copy);
    const last = path[path.length - 1] as string;
    if (m.kind === "delete") {
      Array.isArray(parent) && /^\d+$/.test(last) ? parent.splice(Number(last), 1) : delete parent[last];
    } else if (m.kind === "key" && typeof parent[last] === "object" && parent[last] !== null) {
      put(parent[last], m.key, value);
    } else {
      put(parent, last, value);
    }
  }
  return copy;
}

const mutations = fc.array(mutation, { minLength: 1, maxLength: 3 });

/** A mutated real credential: signed JSON-LD, or the VC-JWT with a mutated payload under its original signature. */
const hostileCredential = fc.oneof(
  mutations.map((ms) => ({ json: mutate(credential, ms) as Json | string })),
  mutations.map((ms) => {
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    const changed = Buffer.from(JSON.stringify(mutate(claims, ms))).toString("base64url");
    return { json: `${header}.${changed}.${signature}` as Json | string };
  }),
);

const text = (value: Json | string) => (typeof value === "string" ? value : JSON.stringify(value));

const json = (body: unknown, type = "application/json"): RequestInit => ({
  method: "POST",
  headers: { "content-type": type },
  body: typeof body === "string" ? body : JSON.stringify(body),
});

function form(fields: Record<string, string | File>, accept = "application/json"): RequestInit {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    body.set(name, value);
  }
  return { method: "POST", body, headers: { accept } };
}

/** One hostile credential, sent the ways the four endpoints take one. */
const verifyRequest = fc.tuple(hostileCredential, fc.nat(8)).map(([{ json: c }, way]): [string, RequestInit] => {
  const file = new File([text(c)], "credential.json", { type: "application/json" });
  switch (way) {
    case 0:
      return ["/api/verify", json({ credential: c })];
    case 1:
      return ["/api/verify", json({ credential: text(c), recipientEmail: "ada@example.org" })];
    case 2:
      return ["/api/verify", form({ file, recipientEmail: "ada@example.org" })];
    case 3:
      return ["/credentials/verify", json({ verifiableCredential: c, options: {} })];
    case 4:
      return [
        "/credentials/verify",
        json({
          verifiableCredential: { type: "EnvelopedVerifiableCredential", id: `data:application/vc+jwt,${text(c)}` },
        }),
      ];
    case 5:
      return ["/verify", form({ file }, BROWSER_ACCEPT)];
    case 6:
      return ["/verify", form({ text: text(c), email: "ada@example.org" }, BROWSER_ACCEPT)];
    case 7:
      return ["/api/verify", json({ url: typeof c === "string" ? c : c.id })];
    default:
      return ["/credentials/verify", json({ verifiableCredential: c }, "application/ld+json")];
  }
});

const PATHS = ["/api/verify", "/credentials/verify", "/verify", "/admin/evidence"];
const CONTENT_TYPES = [
  "application/json",
  "application/ld+json",
  "multipart/form-data",
  "multipart/form-data; boundary=x",
  "multipart/form-data; boundary=",
  "application/x-www-form-urlencoded",
  "text/plain",
  "",
];

/** A body of any content type, well-formed or not, to any of the four endpoints. */
const rawRequest = fc
  .tuple(
    fc.constantFrom(...PATHS),
    fc.constantFrom(...CONTENT_TYPES),
    fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      hostileValue.map((v) => JSON.stringify({ credential: v, verifiableCredential: v, file: v, ...evidence })),
      fc.constant('--x\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n\r\n{\r\n--x--'),
      fc.constant('--x\r\nContent-Disposition: form-data; name="text"\r\n\r\n'),
      fc.constant(`{"credential": ${"[".repeat(5000)}`),
      fc.constant(`{"credential": {"credentialStatus": {"statusListIndex": 1e999}}}`),
    ),
  )
  .map(([path, type, body]): [string, RequestInit] => {
    const headers: Record<string, string> = bearer(t.adminToken);
    headers["content-type"] = type;
    if (type === "") {
      delete headers["content-type"];
    }
    return [path, { method: "POST", headers, body }];
  });

/** A recorded evidence body with hostile values put anywhere (admin input: also never a 5xx). */
const evidenceRequest = mutations.map((ms): [string, RequestInit] => [
  "/admin/evidence",
  { ...json(mutate(evidence, ms)), headers: bearer(t.adminToken) },
]);

async function expectHandled([path, init]: [string, RequestInit]): Promise<void> {
  const res = await t.app.request(path, init);
  const body = await res.text();
  const logged = res.status >= 500 ? t.logLines.filter((l) => l.includes('"level":"error"')).at(-1) : "";
  expect(res.status, `${path} answered ${res.status}: ${body.slice(0, 300)} ${logged}`).toBeLessThan(500);
  expectBuiltinsUnchanged(before, `POST ${path}`);
}

describe("the crafted inputs of issue 11", () => {
  const signedWith = (change: (c: Json) => void) => {
    const copy = structuredClone(credential);
    change(copy);
    return copy;
  };

  it("reports a verification method of did:web:a%ZZ#k as an unresolvable key", async () => {
    const c = signedWith((x) => (x.proof[0].verificationMethod = "did:web:a%ZZ#k"));
    for (const [path, init] of [
      ["/api/verify", json({ credential: c })],
      ["/credentials/verify", json({ verifiableCredential: c })],
    ] as const) {
      const res = await t.app.request(path, init);
      expect(res.status).toBeLessThan(500);
      const body = (await res.json()) as { results?: Json[]; checks: Json[] };
      const proof = (body.results ?? body.checks).find((k) => k.id === "proof");
      expect(proof).toMatchObject({ outcome: "failed", code: "unknown-key" });
    }
  });

  it("reports a credentialStatus type that cannot be printed, instead of failing", async () => {
    const c = signedWith((x) => (x.credentialStatus = { type: noToString() }));
    const res = await t.app.request("/api/verify", json({ credential: c }));
    expect(res.status).toBe(200);
    const report = (await res.json()) as { checks: Json[] };
    expect(report.checks.find((k) => k.id === "status")).toMatchObject({
      outcome: "not-checked",
      code: "unsupported-status",
      message: `The credential's status uses {"toString":null,"valueOf":null}, which this verifier does not read.`,
    });
    const vcApi = await t.app.request("/credentials/verify", json({ verifiableCredential: c }));
    expect(vcApi.status).toBe(400);
  });

  it("answers the verify form posted as multipart/form-data without a boundary with the form and a message", async () => {
    const res = await t.app.request("/verify", {
      method: "POST",
      headers: { "content-type": "multipart/form-data", accept: BROWSER_ACCEPT },
      body: "file=abc",
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('id="verify-error"');
    expect(html).toContain("The form could not be read.");
  });
});

describe("fuzzing the endpoints that read a body (fixed seed)", () => {
  it(
    "verifies hostile variants of a real credential without a 5xx or a prototype change",
    async () => {
      await fc.assert(fc.asyncProperty(verifyRequest, expectHandled), runs(250));
    },
    TIMEOUT,
  );

  it(
    "answers raw bodies of every content type without a 5xx or a prototype change",
    async () => {
      await fc.assert(fc.asyncProperty(rawRequest, expectHandled), runs(200));
    },
    TIMEOUT,
  );

  it(
    "records or refuses hostile evidence without a 5xx or a prototype change",
    async () => {
      await fc.assert(fc.asyncProperty(evidenceRequest, expectHandled), runs(150));
    },
    TIMEOUT,
  );
});
