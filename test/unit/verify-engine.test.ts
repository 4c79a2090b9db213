import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createDocumentLoader } from "../../src/crypto/document-loader.js";
import { toShortCode } from "../../src/domain/short-id.js";
import { bitAt, decodeEncodedList } from "../../src/domain/status/bitstring.js";
import { didWebDocumentUrl } from "../../src/verify/did-web.js";
import type { VerifyEnv } from "../../src/verify/environment.js";
import { isOurs, resolveKey } from "../../src/verify/keys.js";
import { ed25519FromJwk, ed25519FromMultibase, ed25519ToJwk, ed25519ToMultibase } from "../../src/verify/multibase.js";
import { ob2Dates, ob2Instant } from "../../src/verify/ob2-live.js";
import { pngDimensions, readInput } from "../../src/verify/read-input.js";
import { checkRecipient, ob3EmailIdentities } from "../../src/verify/recipient.js";
import { withFetchBudget } from "../../src/verify/remote.js";
import type { Check } from "../../src/verify/report.js";
import { nestsDeeperThan, parseJson } from "../../src/verify/safe-json.js";
import { checkValidity } from "../../src/verify/validity.js";
import { decodeJws } from "../../src/verify/vc-jwt-proof.js";
import { decideVerdict } from "../../src/verify/verdict.js";
import { tinyPng } from "../helpers/png.js";

/** Key resolution never checks a credential against the schema. */
const notCompiled = () => {
  throw new Error("the schema is not used here");
};

const KEY = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi";

describe("Ed25519 key spellings", () => {
  it("round-trips multibase and JWK, refusing other multicodecs", () => {
    const raw = ed25519FromMultibase(KEY);
    expect(raw).toHaveLength(32);
    expect(ed25519ToMultibase(raw as Uint8Array)).toBe(KEY);
    expect(ed25519FromJwk(ed25519ToJwk(raw as Uint8Array))).toEqual(raw);
    expect(ed25519FromMultibase("zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169")).toBeUndefined(); // P-256
    expect(ed25519FromMultibase(`u${KEY.slice(1)}`)).toBeUndefined();
    expect(ed25519FromMultibase("z0OIl")).toBeUndefined();
    expect(ed25519FromJwk({ kty: "EC", crv: "P-256", x: "a", y: "b" })).toBeUndefined();
  });
});

describe("bitstring status lists", () => {
  const list = (bytes: Buffer) => `u${gzipSync(bytes).toString("base64url")}`;

  it("reads bits MSB first and flags a list shorter than 131,072 entries", () => {
    const bits = Buffer.alloc(16_384);
    bits[1] = 0b1000_0001; // indexes 8 and 15
    const decoded = decodeEncodedList(list(bits));
    expect(decoded).toMatchObject({ ok: true, short: false });
    if (decoded.ok) {
      expect([7, 8, 9, 14, 15, 16].map((i) => bitAt(decoded.bits, i))).toEqual([
        false,
        true,
        false,
        false,
        true,
        false,
      ]);
    }
    expect(decodeEncodedList(list(Buffer.alloc(12_500)))).toMatchObject({ ok: true, short: true });
  });

  it("refuses what is not multibase base64url GZIP, and a list inflating past its cap", () => {
    expect(decodeEncodedList("H4sI")).toMatchObject({ ok: false });
    expect(decodeEncodedList("uAAAA")).toMatchObject({ ok: false });
    expect(decodeEncodedList(list(Buffer.alloc(17 * 1024 * 1024)))).toMatchObject({ ok: false });
  });
});

describe("untrusted JSON", () => {
  it("refuses nesting deeper than the limit before parsing, counting only structure outside strings", () => {
    expect(parseJson(`${"[".repeat(65)}${"]".repeat(65)}`)).toMatchObject({ ok: false });
    expect(parseJson(`${"[".repeat(64)}${"]".repeat(64)}`)).toMatchObject({ ok: true });
    expect(parseJson(JSON.stringify({ a: "[[[[[[[[".repeat(100), b: '\\"[[' }))).toMatchObject({ ok: true });
  });

  it("measures the depth of parsed values without recursion", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) {
      deep = { a: deep };
    }
    expect(nestsDeeperThan(deep, 64)).toBe(true);
    expect(nestsDeeperThan({ a: [{ b: 1 }] }, 64)).toBe(false);
  });
});

describe("did:web URLs", () => {
  it.each([
    ["did:web:example.com", "https://example.com/.well-known/did.json"],
    ["did:web:example.com%3A8443", "https://example.com:8443/.well-known/did.json"],
    [
      "did:web:digitalcredentials.github.io:vc-test-fixtures:dids:oidf",
      "https://digitalcredentials.github.io/vc-test-fixtures/dids/oidf/did.json",
    ],
  ])("%s → %s", (did, url) => {
    expect(didWebDocumentUrl(did)).toBe(url);
  });

  it.each(["did:web:", "did:web:exa mple.com", "did:web:example.com::x", "did:web:example.com:..", "did:web:a@b"])(
    "refuses %s",
    (did) => {
      expect(didWebDocumentUrl(did)).toBeUndefined();
    },
  );
});

describe("key resolution", () => {
  const env: VerifyEnv = {
    now: new Date("2026-01-01T00:00:00Z"),
    local: {
      did: "did:web:badges.test",
      publicUrl: "https://badges.test",
      didDocument: {
        "@context": [],
        id: "did:web:badges.test",
        verificationMethod: [
          {
            id: "did:web:badges.test#key-1",
            type: "Multikey",
            controller: "did:web:badges.test",
            publicKeyMultibase: KEY,
          },
        ],
        assertionMethod: ["did:web:badges.test#key-1"],
      },
      jwks: [],
    },
    ob3Schema: notCompiled,
  };

  it("resolves our own key in process, and refuses keys we do not have, including the key-in-fragment form", async () => {
    expect(await resolveKey("did:web:badges.test#key-1", env)).toMatchObject({
      ok: true,
      controller: "did:web:badges.test",
      via: "ours",
    });
    expect(await resolveKey("did:web:badges.test#key-2", env)).toMatchObject({
      ok: false,
      outcome: "failed",
      code: "unknown-key",
    });
    expect(await resolveKey(`did:web:badges.test#${KEY}`, env)).toMatchObject({ ok: false, outcome: "failed" });
    expect(await resolveKey(`https://badges.test/issuer#${KEY}`, env)).toMatchObject({ ok: false, outcome: "failed" });
    expect(isOurs("did:web:badges.test:other", env)).toBe(true);
  });

  it("derives did:key keys without the network", async () => {
    expect(await resolveKey(`did:key:${KEY}#${KEY}`, env)).toMatchObject({ ok: true, controller: `did:key:${KEY}` });
    expect(await resolveKey(`did:key:${KEY}`, env)).toMatchObject({ ok: true, controller: `did:key:${KEY}` });
    expect(await resolveKey(`did:key:${KEY}#other`, env)).toMatchObject({ ok: false, outcome: "failed" });
  });

  it("reads 1EdTech's key-in-fragment form, but gives it a controller only when that controller lists the key", async () => {
    const ref = `https://example.com/issuers/1#${KEY}`;
    // offline: the key is usable for the signature, but nobody vouches for it
    const offline = await resolveKey(ref, env);
    expect(offline).toMatchObject({ ok: true, via: "key-in-fragment" });
    expect(offline).not.toHaveProperty("controller");
    const serving = (body: unknown): VerifyEnv => ({ ...env, fetchRemote: async () => JSON.stringify(body) });
    expect(
      await resolveKey(ref, serving({ id: "https://example.com/issuers/1", verificationMethod: [{ id: ref }] })),
    ).toMatchObject({ ok: true, controller: "https://example.com/issuers/1" });
    // anyone can write a famous issuer in front of their own key: a document that does not list it confirms nothing
    const notListed = await resolveKey(ref, serving({ id: "https://example.com/issuers/1", verificationMethod: [] }));
    expect(notListed).not.toHaveProperty("controller");
  });

  it("leaves did:web and https keys not checked while remote resolution is off", async () => {
    expect(await resolveKey("did:web:example.com#key-1", env)).toMatchObject({
      ok: false,
      outcome: "not-checked",
      code: "remote-disabled",
    });
    expect(await resolveKey("https://example.com/keys/1", env)).toMatchObject({
      ok: false,
      outcome: "not-checked",
      code: "remote-disabled",
    });
    expect(await resolveKey("urn:example:key", env)).toMatchObject({ ok: false, outcome: "not-checked" });
  });

  it("reads a did:web DID document only for the DID it claims, and only keys listed for assertions", async () => {
    const doc = {
      id: "did:web:example.com",
      verificationMethod: [
        { id: "#key-1", type: "Multikey", controller: "did:web:example.com", publicKeyMultibase: KEY },
        {
          id: "did:web:example.com#key-2",
          type: "Multikey",
          controller: "did:web:example.com",
          publicKeyMultibase: KEY,
        },
      ],
      assertionMethod: ["#key-1"],
    };
    const remote = (body: unknown): VerifyEnv => ({ ...env, fetchRemote: async () => JSON.stringify(body) });
    expect(await resolveKey("did:web:example.com#key-1", remote(doc))).toMatchObject({
      ok: true,
      controller: "did:web:example.com",
    });
    expect(await resolveKey("did:web:example.com#key-2", remote(doc))).toMatchObject({ ok: false, outcome: "failed" });
    expect(await resolveKey("did:web:example.com#key-1", remote({ ...doc, id: "did:web:evil.example" }))).toMatchObject(
      { ok: false, outcome: "failed" },
    );
    expect(await resolveKey("did:web:example.com#key-1", remote("not json"))).toMatchObject({
      ok: false,
      outcome: "not-checked",
    });
    // a document answers for its own DID: a controller naming another DID does not transfer the key to it
    const claimsVictim = {
      ...doc,
      verificationMethod: [{ ...doc.verificationMethod[0], controller: "did:web:victim.example" }],
    };
    expect(await resolveKey("did:web:example.com#key-1", remote(claimsVictim))).toMatchObject({
      ok: true,
      controller: "did:web:example.com",
    });
  });
});

describe("https key documents", () => {
  const env = (documents: Record<string, unknown>): VerifyEnv => ({
    now: new Date(),
    local: {
      did: "did:web:badges.test",
      publicUrl: "https://badges.test",
      didDocument: { "@context": [], id: "", verificationMethod: [], assertionMethod: [] },
      jwks: [],
    },
    fetchRemote: async (url) => {
      if (!(url in documents)) {
        throw new Error("not served");
      }
      return JSON.stringify(documents[url]);
    },
    ob3Schema: notCompiled,
  });
  const keyDoc = (controller: string) => ({
    id: "https://keys.example/k1",
    type: "Multikey",
    controller,
    publicKeyMultibase: KEY,
  });

  it("believes a key document's controller on the same site, or when the controller's document lists the key", async () => {
    const sameSite = env({ "https://keys.example/k1": keyDoc("https://keys.example/issuer") });
    expect(await resolveKey("https://keys.example/k1", sameSite)).toMatchObject({
      ok: true,
      controller: "https://keys.example/issuer",
    });
    const confirmed = env({
      "https://keys.example/k1": keyDoc("https://university.example/issuer"),
      "https://university.example/issuer": {
        id: "https://university.example/issuer",
        assertionMethod: ["https://keys.example/k1"],
      },
    });
    expect(await resolveKey("https://keys.example/k1", confirmed)).toMatchObject({
      controller: "https://university.example/issuer",
    });
  });

  it("drops a controller another site merely claims, so the issuer check cannot pass on it", async () => {
    const claimed = env({
      "https://attacker.example/k1": {
        ...keyDoc("https://university.example/issuer"),
        id: "https://attacker.example/k1",
      },
    });
    const key = await resolveKey("https://attacker.example/k1", claimed);
    expect(key).toMatchObject({ ok: true });
    expect(key.ok && key.controller).toBeUndefined();
  });
});

describe("validity window", () => {
  const at = (iso: string) => new Date(iso);
  it.each([
    [{ validFrom: "2025-01-01T00:00:00Z" }, "2026-01-01T00:00:00Z", "passed", "in-period"],
    [{ validFrom: "2027-01-01T00:00:00Z" }, "2026-01-01T00:00:00Z", "failed", "not-yet-valid"],
    [
      { validFrom: "2025-01-01T00:00:00Z", validUntil: "2025-06-01T00:00:00Z" },
      "2026-01-01T00:00:00Z",
      "failed",
      "expired",
    ],
    [
      { issuanceDate: "2025-01-01T00:00:00Z", expirationDate: "2025-06-01T00:00:00+02:00" },
      "2026-01-01T00:00:00Z",
      "failed",
      "expired",
    ],
    [{ validFrom: "2025-01-01" }, "2026-01-01T00:00:00Z", "failed", "bad-date"],
    [{}, "2026-01-01T00:00:00Z", "not-checked", "no-dates"],
  ])("%j at %s → %s", (credential, now, outcome, code) => {
    expect(checkValidity(credential, at(now))).toMatchObject({ outcome, code });
  });

  it("narrows the window with a token's exp", () => {
    const check = checkValidity({ validFrom: "2025-01-01T00:00:00Z" }, at("2026-01-01T00:00:00Z"), {
      exp: Date.parse("2025-12-01T00:00:00Z") / 1000,
    });
    expect(check).toMatchObject({ outcome: "failed", code: "expired" });
  });
});

describe("OB 2.0 dates", () => {
  it.each([
    ["2019-03-11", "2019-03-11T00:00:00Z"],
    ["2019-03-11T14:53:05", "2019-03-11T14:53:05Z"],
    ["2019-03-11T14:53", "2019-03-11T14:53:00Z"],
    ["2019-03-11T14:53:05.5+0100", "2019-03-11T14:53:05.5+01:00"],
    ["2019-03-11T14:53:05-05:00", "2019-03-11T14:53:05-05:00"],
    [1552315985, "2019-03-11T14:53:05.000Z"],
    ["next Tuesday", "next Tuesday"],
    [1e300, 1e300],
  ])("reads %j as %j", (value, instant) => {
    expect(ob2Instant(value)).toEqual(instant);
  });

  it("leaves what it cannot read to the validity check, which calls it not a valid date", () => {
    const check = checkValidity(ob2Dates({ issuedOn: "next Tuesday" }), new Date("2026-01-01T00:00:00Z"));
    expect(check).toMatchObject({ outcome: "failed", code: "bad-date" });
    expect(checkValidity(ob2Dates({ issuedOn: 1552315985 }), new Date("2026-01-01T00:00:00Z")).outcome).toBe("passed");
  });
});

describe("recipient", () => {
  const hashed = (email: string, salt: string) =>
    `sha256$${createHash("sha256")
      .update(email + salt)
      .digest("hex")}`;
  const credential = (identifier: unknown[]) => ({ credentialSubject: { identifier } });

  it("matches the OB 3.0 spec vector and plain identities, and says when nothing can be compared", () => {
    const spec = credential([
      {
        type: "IdentityObject",
        identityType: "emailAddress",
        hashed: true,
        salt: "Kosher",
        identityHash: "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399",
      },
    ]);
    expect(checkRecipient(ob3EmailIdentities(spec), "a@example.com").outcome).toBe("passed");
    expect(checkRecipient(ob3EmailIdentities(spec), "b@example.com").outcome).toBe("failed");
    const plain = credential([{ identityType: "emailAddress", hashed: false, identityHash: "Ada@Example.org" }]);
    expect(checkRecipient(ob3EmailIdentities(plain), "ada@example.org").outcome).toBe("passed");
    expect(checkRecipient(ob3EmailIdentities(credential([])), "ada@example.org").code).toBe("no-email-identifier");
    expect(checkRecipient(ob3EmailIdentities(spec), undefined).code).toBe("no-email-given");
  });

  it("compares an address hashed as typed by another issuer too", () => {
    const mixedCase = credential([
      { identityType: "emailAddress", hashed: true, salt: "s", identityHash: hashed("Ada@Example.org", "s") },
    ]);
    expect(checkRecipient(ob3EmailIdentities(mixedCase), "Ada@Example.org").outcome).toBe("passed");
  });
});

describe("verdict", () => {
  const checks = (overrides: Partial<Record<Check["id"], [Check["outcome"], string?]>>): Check[] =>
    (["format", "schema", "proof", "issuer", "validity", "status", "recipient"] as const).map((id) => {
      const [outcome, code] = overrides[id] ?? ["passed"];
      return { id, outcome, title: id, message: "", ...(code ? { code } : {}) };
    });

  it.each([
    [{}, "valid"],
    [{ status: ["not-checked", "no-status"], recipient: ["not-checked", "no-email-given"] }, "valid"],
    [{ recipient: ["failed", "no-match"] }, "valid"],
    [{ proof: ["failed", "tampered"], validity: ["failed", "expired"] }, "not-genuine"],
    [{ issuer: ["failed"] }, "not-genuine"],
    [{ schema: ["failed"], status: ["failed", "revoked"] }, "invalid"],
    [{ status: ["failed", "revoked"], validity: ["failed", "expired"] }, "revoked"],
    [{ status: ["failed", "suspended"] }, "suspended"],
    [{ validity: ["failed", "expired"], proof: ["not-checked", "remote-disabled"] }, "unverified"],
    [{ status: ["failed", "revoked"], issuer: ["not-checked", "issuer-unresolvable"] }, "unverified"],
    [{ validity: ["failed", "not-yet-valid"] }, "not-yet-valid"],
    [{ proof: ["not-checked", "remote-disabled"] }, "unverified"],
    [{ status: ["not-checked", "unreachable"] }, "unverified"],
  ] as const)("%j → %s", (overrides, verdict) => {
    expect(decideVerdict(checks(overrides as never))).toBe(verdict);
  });
});

describe("reading input", () => {
  const limits = { maxBytes: 1024 * 1024, maxPixels: 1_000_000 };
  it("reads PNG dimensions from IHDR", () => {
    expect(pngDimensions(tinyPng())).toEqual({ width: 1, height: 1 });
  });

  it("recognises the short shareable address of our credentials", () => {
    const id = "0b4f8a9e-5c1d-4f3e-9a7b-2c6d8e1f0a3b";
    const read = readInput(
      { kind: "text", text: `https://badges.test/c/${toShortCode(id)}` },
      limits,
      "https://badges.test",
    );
    expect(read).toMatchObject({ ok: true, kind: "ours", credentialId: id });
  });

  it("recognises our credential URLs and nothing else", () => {
    expect(
      readInput({ kind: "text", text: "https://badges.test/credentials/abc-123" }, limits, "https://badges.test"),
    ).toEqual({
      ok: true,
      kind: "ours",
      format: "url",
      credentialId: "abc-123",
    });
    expect(
      readInput({ kind: "text", text: "https://badges.test.evil/credentials/abc" }, limits, "https://badges.test"),
    ).toMatchObject({
      ok: false,
      code: "not-our-url",
    });
  });

  it("decodes a VC 1.1 style JWT's vc claim into a credential", () => {
    const token = [
      { alg: "RS256" },
      { iss: "did:example:1", jti: "urn:x", nbf: 1_700_000_000, vc: { type: ["VerifiableCredential"] } },
    ]
      .map((p) => Buffer.from(JSON.stringify(p)).toString("base64url"))
      .join(".");
    expect(decodeJws(`${token}.sig`)?.credential).toEqual({
      type: ["VerifiableCredential"],
      issuer: "did:example:1",
      id: "urn:x",
      issuanceDate: new Date(1_700_000_000_000).toISOString(),
    });
  });
});

describe("the offline document loader", () => {
  it("also serves the Ed25519Signature2020 suite context, for other issuers' legacy proofs", async () => {
    const loaded = await createDocumentLoader()("https://w3id.org/security/suites/ed25519-2020/v1");
    expect(loaded.document).toHaveProperty("@context");
  });
});

describe("a verification's network budget", () => {
  it("reads each address once, refuses past the count, and stops at the deadline", async () => {
    const calls: string[] = [];
    let clock = 0;
    const fetchRemote = withFetchBudget(
      async (url) => {
        calls.push(url);
        return url;
      },
      { maxFetches: 2, deadlineMs: 1_000 },
      () => clock,
    );
    expect(await fetchRemote("https://a.example/1")).toBe("https://a.example/1");
    expect(await fetchRemote("https://a.example/1")).toBe("https://a.example/1");
    expect(await fetchRemote("https://a.example/2")).toBe("https://a.example/2");
    await expect(fetchRemote("https://a.example/3")).rejects.toThrow(/already read 2/);
    expect(calls).toEqual(["https://a.example/1", "https://a.example/2"]);
    const late = withFetchBudget(
      async (url) => url,
      { maxFetches: 5, deadlineMs: 1_000 },
      () => clock,
    );
    clock = 2_000;
    await expect(late("https://a.example/4")).rejects.toThrow(/ran out of time/);
  });
});

describe("verifier configuration", () => {
  it("defaults to no network, 5 MB uploads, 40 megapixels and 60 requests a minute", () => {
    expect(loadConfig({}).verify).toEqual({
      remoteResolution: false,
      maxUploadBytes: 5_242_880,
      maxPixels: 40_000_000,
      rateLimitPerMinute: 60,
      trustProxy: false,
    });
    expect(loadConfig({ LAUREL_VERIFY_REMOTE: "true", LAUREL_TRUST_PROXY: "1" }).verify).toMatchObject({
      remoteResolution: true,
      trustProxy: true,
    });
  });

  it("names a bad value", () => {
    expect(() => loadConfig({ LAUREL_VERIFY_REMOTE: "yes" })).toThrow(/LAUREL_VERIFY_REMOTE/);
    expect(() => loadConfig({ LAUREL_VERIFY_MAX_UPLOAD_BYTES: "10" })).toThrow(/LAUREL_VERIFY_MAX_UPLOAD_BYTES/);
  });
});
