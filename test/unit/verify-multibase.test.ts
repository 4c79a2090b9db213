import { describe, expect, it } from "vitest";
import { ed25519FromJwk, ed25519FromMultibase, ed25519ToJwk, ed25519ToMultibase } from "../../src/verify/multibase.js";

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
