import { describe, expect, it } from "vitest";
import type { VerifyEnv } from "../../src/verify/environment.js";
import { isOurs, resolveKey } from "../../src/verify/keys.js";

/** Key resolution never checks a credential against the schema. */
const notCompiled = () => {
  throw new Error("the schema is not used here");
};

const KEY = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi";

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

  it("resolves a did:key once (remembered by its reference), handing out a copy each time", async () => {
    const ref = `did:key:${KEY}#${KEY}`;
    const first = await resolveKey(ref, env);
    // its multibase made once from the decoded bytes (ed25519ToMultibase), the key's own spelling
    expect(first).toMatchObject({
      ok: true,
      id: ref,
      controller: `did:key:${KEY}`,
      ed25519Multibase: KEY,
      via: "did:key",
    });
    if (first.ok) {
      first.jwk.x = "changed by a caller";
      first.id = "changed too";
    }
    const again = await resolveKey(ref, env);
    expect(again).toMatchObject({ ok: true, id: ref, jwk: { kty: "OKP", crv: "Ed25519" } });
    expect(again.ok && again.jwk.x).not.toBe("changed by a caller");
    // a refusal is remembered as it was made
    const wrongFragment = `did:key:${KEY}#another`;
    for (let i = 0; i < 2; i++) {
      expect(await resolveKey(wrongFragment, env)).toMatchObject({ ok: false, outcome: "failed", code: "unknown-key" });
    }
  });

  it("resolves our own key in process, and refuses keys we do not have, including the key-in-fragment form", async () => {
    expect(await resolveKey("did:web:badges.test#key-1", env)).toMatchObject({
      ok: true,
      controller: "did:web:badges.test",
      ed25519Multibase: KEY,
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
