import { describe, expect, it } from "vitest";
import type { VerifyEnv } from "../../src/verify/environment.js";
import { resolveKey } from "../../src/verify/keys.js";

/** Key resolution never checks a credential against the schema. */
const notCompiled = () => {
  throw new Error("the schema is not used here");
};

const KEY = "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi";

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
