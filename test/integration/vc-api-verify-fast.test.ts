import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import { cryptosuite as stockEddsaRdfc2022 } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import * as vc from "@digitalbazaar/vc";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocumentLoader } from "../../src/crypto/document-loader.js";
import { MULTIKEY_V1_CONTEXT } from "../../src/domain/contexts.js";
import { verifyForVcApi } from "../../src/services/vc-api-verify.js";
import { credentialInput, verifyEnv } from "../../src/services/verify-credential.js";
import { analyseCredential } from "../../src/verify/engine.js";
import { onPostgres } from "../helpers/database.js";
import { issue, readProblem } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { type DidKey, ed25519DidKey, type Json, sign } from "../helpers/vc-signing.js";
import {
  CREDENTIAL_SHAPES,
  credentialFor,
  type SigningFixture,
  signingFixture,
} from "../unit/data-integrity-fixtures.js";

/**
 * POST /credentials/verify on its fast paths (issue 16, target 3): others' credentials through the fast
 * canonicalisation and the memo of fixed checks, ours from our records when sent back byte for byte. Each gives the
 * verdict of the unmodified library on every catalog certification in every shape, intact and with one byte changed.
 */
let t: TestApp;
let fx: SigningFixture;
let ed: DidKey;
beforeAll(async () => {
  t = await makeTestApp({ env: { LAUREL_VERIFY_RATE_LIMIT: "100000" } });
  fx = await signingFixture();
  ed = await ed25519DidKey();
});
afterAll(() => t.close());

type Result = { verified: boolean; results: Array<{ id: string; outcome: string; code?: string; message: string }> };

async function verify(verifiableCredential: unknown, checks: string[] = ["proof"]): Promise<Result> {
  const res = await t.app.request("/credentials/verify", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ verifiableCredential, options: { checks } }),
  });
  return (res.status === 200 ? await res.json() : await readProblem(res)) as unknown as Result;
}

const proofOf = (result: Result) => result.results.find((r) => r.id === "proof");

/** The stock library's verdict on the proof (stock eddsa-rdfc-2022 cryptosuite, the did:key method served). */
async function stockVerdict(credential: Json, key: DidKey): Promise<boolean> {
  const publicKeyMultibase = key.did.slice("did:key:".length);
  const method = {
    "@context": MULTIKEY_V1_CONTEXT,
    id: key.vm,
    type: "Multikey",
    controller: key.did,
    publicKeyMultibase,
  };
  try {
    const result = await vc.verifyCredential({
      credential,
      suite: new DataIntegrityProof({ cryptosuite: stockEddsaRdfc2022 }),
      documentLoader: createDocumentLoader(new Map([[key.vm, method]])),
      purpose: new vc.CredentialIssuancePurpose({ controller: { id: key.did, assertionMethod: [key.vm] } }),
      maxClockSkew: 1e13,
      checkStatus: async () => ({ verified: true }),
    });
    return result.verified;
  } catch {
    return false;
  }
}

/**
 * Every catalog certification in every shape the service produces, issued by a did:key of its own. Signed once per
 * file (the stock library takes most of a second per ten): each call gets a copy of its own.
 */
let signedForeign: Promise<Array<{ name: string; credential: Json }>> | undefined;
async function foreignCredentials(): Promise<Array<{ name: string; credential: Json }>> {
  signedForeign ??= (async () => {
    const out: Array<{ name: string; credential: Json }> = [];
    for (const unsigned of unsignedForeignCredentials()) {
      out.push(await signForeign(unsigned));
    }
    return out;
  })();
  return structuredClone(await signedForeign);
}

/**
 * The first of foreignCredentials(), the same bytes (the signature is deterministic): taken from them when they are
 * signed already, else signed alone (the tests that need only it do not sign all of them on PostgreSQL).
 */
let signedFirst: Promise<{ name: string; credential: Json }> | undefined;
async function firstForeignCredential(): Promise<Json> {
  if (signedForeign) {
    return (await foreignCredentials())[0]?.credential as Json;
  }
  signedFirst ??= signForeign(unsignedForeignCredentials()[0] as { name: string; credential: Json });
  return structuredClone((await signedFirst).credential);
}

function unsignedForeignCredentials(): Array<{ name: string; credential: Json }> {
  const out: Array<{ name: string; credential: Json }> = [];
  let index = 0;
  for (const entry of fx.catalog.entries) {
    for (const [shapeName, shape] of Object.entries(CREDENTIAL_SHAPES)) {
      index += 1;
      const unsigned = credentialFor(fx, entry, { ...shape, index }) as unknown as Json;
      const credential = {
        ...unsigned,
        id: `urn:uuid:0b9c0a4e-4d0b-4c8e-9a53-${String(index).padStart(12, "0")}`,
        issuer: { ...unsigned.issuer, id: ed.did },
      };
      out.push({ name: `${entry.id}, ${shapeName}`, credential });
    }
  }
  return out;
}

async function signForeign({ name, credential }: { name: string; credential: Json }) {
  return { name, credential: await sign(credential, ed, "eddsa-rdfc-2022") };
}

/**
 * Positions of the letters and digits inside the JSON text's strings, escapes excepted: changing one keeps the JSON
 * well formed and changes one character of the document.
 */
function changeablePositions(text: string): number[] {
  const positions: number[] = [];
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (inString && ch === "\\") {
      // an escape is one character of the string: \uXXXX whole (a lone surrogate's digits are not its bytes: both
      // libraries encode any lone surrogate as U+FFFD), \n and the like too
      i += text[i + 1] === "u" ? 5 : 1;
      continue;
    }
    if (ch === '"') {
      inString = !inString;
    } else if (inString && /[A-Za-z0-9]/.test(ch)) {
      positions.push(i);
    }
  }
  return positions;
}

/** The text with the character at `position` replaced by the next one of its kind (z→a, 9→0). */
function changeByte(text: string, position: number): string {
  const ch = text.charCodeAt(position);
  const next = (first: number, count: number) => first + ((ch - first + 1) % count);
  const replaced = ch >= 97 && ch <= 122 ? next(97, 26) : ch >= 65 && ch <= 90 ? next(65, 26) : next(48, 10);
  return text.slice(0, position) + String.fromCharCode(replaced) + text.slice(position + 1);
}

describe("POST /credentials/verify of others' credentials gives the stock library's verdict", () => {
  // The first comparison runs on both databases, on one credential. The three after it run once, in the sqlite
  // project: their verdicts depend on the documents alone (the proof check, in memory), not on the database, and they
  // are this file's minute. What these requests do read or write (the rate limit, our status lists) is the same code
  // on PostgreSQL as in the other verify tests of the pg project; the tests of remembered checks and of our own
  // credentials run on both.
  it("on both databases: one credential, intact and with a character changed at three places", async () => {
    const credential = await firstForeignCredential();
    expect(await stockVerdict(credential, ed)).toBe(true);
    expect((await verify(credential)).verified).toBe(true);
    const text = JSON.stringify(credential);
    const positions = changeablePositions(text);
    for (const position of [positions[0], positions[Math.floor(positions.length / 2)], positions.at(-1)]) {
      const changed = JSON.parse(changeByte(text, position as number)) as Json;
      expect(await stockVerdict(changed, ed), `at ${position}`).toBe(false);
      expect((await verify(changed)).verified, `at ${position}`).toBe(false);
    }
  });

  it.skipIf(onPostgres)(
    "on every catalog certification in every shape, intact (twice: verified, then remembered)",
    {
      timeout: 240_000,
    },
    async () => {
      const credentials = await foreignCredentials();
      expect(credentials.length).toBeGreaterThanOrEqual(10 * Object.keys(CREDENTIAL_SHAPES).length);
      for (const { name, credential } of credentials) {
        expect(await stockVerdict(credential, ed), name).toBe(true);
        for (const round of ["first", "again"]) {
          const result = await verify(credential);
          expect(result.verified, `${name} (${round})`).toBe(true);
          expect(proofOf(result)?.message, name).toContain("the signature matches the credential");
        }
      }
    },
  );

  it.skipIf(onPostgres)(
    "and with one byte changed, at positions spread over the whole document of each shape: never verified",
    {
      timeout: 240_000,
    },
    async () => {
      const credentials = (await foreignCredentials()).filter((_, i) => i % 7 === 0);
      let compared = 0;
      for (const { name, credential } of credentials) {
        const text = JSON.stringify(credential);
        const positions = changeablePositions(text);
        const stride = Math.max(1, Math.floor(positions.length / 15));
        for (let k = 0; k < positions.length; k += stride) {
          const changed = JSON.parse(changeByte(text, positions[k] as number)) as Json;
          const where = `${name}, at ${positions[k]}: …${text.slice((positions[k] as number) - 20, (positions[k] as number) + 5)}`;
          expect(await stockVerdict(changed, ed), where).toBe(false);
          expect((await verify(changed)).verified, where).toBe(false);
          compared += 1;
        }
      }
      expect(compared).toBeGreaterThan(60);
    },
  );

  it.skipIf(onPostgres)(
    "with a letter or digit of a credential's strings changed: never verified (every fourth position)",
    {
      timeout: 240_000,
    },
    async () => {
      const credential = (await foreignCredentials())[0]?.credential as Json;
      const text = JSON.stringify(credential);
      const positions = changeablePositions(text).filter((_, i) => i % 4 === 0);
      expect(positions.length).toBeGreaterThan(400);
      for (const position of positions) {
        const changed = JSON.parse(changeByte(text, position)) as Json;
        const { result } = await verifyForVcApi(t.ctx, changed, { checks: ["proof"] });
        expect(result.verified, `at ${position}: …${text.slice(position - 20, position + 5)}`).toBe(false);
      }
    },
  );

  // the engine's analysis of a document, in memory: once, in the sqlite project, as the comparisons above
  it.skipIf(onPostgres)(
    "analyses the object a request parsed as it analyses its JSON text, intact, changed or with a reserved key",
    {
      timeout: 120_000,
    },
    async () => {
      const env = await verifyEnv(t.ctx);
      const analyse = (text: string, parsed?: Json) =>
        analyseCredential(
          {
            ok: true,
            kind: "json",
            format: "json",
            standard: "ob3",
            text,
            from: "the JSON given",
            ...(parsed ? { parsed } : {}),
          },
          env,
          { profile: "vc" },
        );
      const credentials = (await foreignCredentials()).filter((_, i) => i % 5 === 0);
      const texts = credentials.flatMap(({ credential }) => {
        const text = JSON.stringify(credential);
        const changed = changeByte(text, changeablePositions(text)[40] as number);
        const reserved = text.replace('"type":', '"constructor":{},"type":');
        return [text, changed, reserved];
      });
      let verified = 0;
      let refused = 0;
      for (const text of texts) {
        const input = credentialInput(JSON.parse(text) as Json, "verifiableCredential");
        expect(input).toMatchObject({ kind: "text", text, parsed: JSON.parse(text) });
        const fromObject = await analyse(text, (input as { parsed: Json }).parsed);
        expect(fromObject, text.slice(0, 80)).toEqual(await analyse(text));
        verified += fromObject.fixed.find((c) => c.id === "proof")?.outcome === "passed" ? 1 : 0;
        refused += fromObject.fixed[0]?.code === "bad-json" ? 1 : 0;
      }
      expect(verified).toBe(credentials.length);
      expect(refused).toBe(credentials.length);
    },
  );

  it("keeps validity live when the fixed checks are remembered, and remembers nothing of a proof that expires", async () => {
    const base = await firstForeignCredential();
    const { proof: _proof, ...unsigned } = base;
    const expiring = await sign({ ...unsigned, validUntil: "2026-03-03T00:00:00Z" }, ed, "eddsa-rdfc-2022");
    expect((await verify(expiring, ["proof", "validity"])).verified).toBe(true);
    t.clock.set(new Date("2026-03-04T00:00:00Z"));
    expect((await verify(expiring, ["proof", "validity"])).verified).toBe(false);
    t.clock.set(new Date("2026-03-02T09:30:00Z"));

    // A proof with an expiry date: its check depends on the clock, so it is made again on every request.
    const withExpiry = await signWithProofExpiry(unsigned, "2026-03-03T00:00:00Z");
    expect([withExpiry.proof].flat()[0]).toMatchObject({ expires: "2026-03-03T00:00:00Z" });
    expect(proofOf(await verify(withExpiry))?.outcome).toBe("passed");
    t.clock.set(new Date("2026-03-04T00:00:00Z"));
    expect(proofOf(await verify(withExpiry))).toMatchObject({ outcome: "failed", code: "proof-expired" });
    t.clock.set(new Date("2026-03-02T09:30:00Z"));
  });
});

/** A credential whose eddsa-rdfc-2022 proof carries `expires` (signed over it, as VC Data Integrity allows). */
async function signWithProofExpiry(unsigned: Json, expires: string): Promise<Json> {
  const date = new Date("2026-02-01T00:00:00Z");
  const suite = new DataIntegrityProof({ signer: ed.signer(), date, cryptosuite: stockEddsaRdfc2022 });
  (suite as unknown as { proof: Json }).proof = { expires };
  return (await vc.issue({ credential: unsigned, suite, documentLoader: createDocumentLoader(), now: date })) as Json;
}

describe("POST /credentials/verify of a credential this service issued", () => {
  it("answers from its records when sent back byte for byte, status and validity live", async () => {
    const issued = await issue(t);
    const stored = await (await t.app.request(`/credentials/${issued.id}`)).json();
    const result = await verify(stored, ["proof", "status"]);
    expect(result.verified).toBe(true);
    expect(proofOf(result)?.message).toContain("when this service issued it");
    const revoked = await t.app.request(`/admin/credentials/${issued.id}/revoke`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${t.adminToken}` },
      body: JSON.stringify({ reason: "Issued in error" }),
    });
    expect(revoked.status).toBe(200);
    const after = await verify(stored, ["proof", "status"]);
    expect(after.verified).toBe(false);
    expect(after.results.find((r) => r.id === "status")).toMatchObject({ outcome: "failed", code: "revoked" });
  });

  it("verifies it in full when one byte differs from what it stored", async () => {
    const issued = await issue(t, { recipient: { email: "ada@example.org", name: "Ada Lovelace" } });
    const stored = (await (await t.app.request(`/credentials/${issued.id}`)).json()) as Json;
    const renamed = JSON.parse(JSON.stringify(stored).replace("Ada Lovelace", "Ada Lovelacf")) as Json;
    const result = await verify(renamed);
    expect(result.verified).toBe(false);
    expect(proofOf(result)).toMatchObject({ outcome: "failed", code: "tampered" });
    // the same document, with its members in another order: not the stored bytes, so verified in full (and genuine)
    const { proof, ...rest } = stored;
    const reordered = await verify({ proof, ...rest });
    expect(reordered.verified).toBe(true);
    expect(proofOf(reordered)?.message).toContain("the signature matches the credential");
  });
});
