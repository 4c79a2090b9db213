import { buildFromRecipe, type CredentialRecipe, type CredentialRecipes } from "../domain/credential/recipe.js";
import { type JsonObject, signDataIntegrity } from "./data-integrity.js";
import { createDocumentLoader } from "./document-loader.js";
import {
  createIssuerSigner,
  didDocuments,
  type IssuerSigner,
  issuerDidDocument,
  type KeyringMaterial,
} from "./keyring.js";
import { signVcJwt } from "./vc-jwt.js";

/**
 * A credential signed both ways: the Data Integrity document (`proof` an array), its JSON text (as stored: made where it
 * was signed, so that the main thread does not serialise it again) and its VC-JWT.
 */
export type SignedCredential = { document: JsonObject; json: string; jwt: string; verificationMethod: string };

/**
 * Credentials to sign with one key generation and one proof `created` time: built already, or as recipes that the
 * signing thread builds (buildFromRecipe), the same documents either way.
 */
export type SigningChunk = ({ credentials: JsonObject[] } | { recipes: CredentialRecipes }) & {
  created: Date;
  generation: number;
};

/** How many credentials a chunk (or a batch of that shape) holds. */
export function credentialCount(chunk: { credentials: JsonObject[] } | { recipes: CredentialRecipes }): number {
  return "credentials" in chunk ? chunk.credentials.length : chunk.recipes.recipes.length;
}

/**
 * What signing a chunk gives: every credential signed, in order, or the first one that could not be (its input or the
 * key material was refused: signing it again would fail again). Errors travel as data, so that an exception a signing
 * worker's caller sees always means the worker itself was lost.
 */
export type ChunkOutcome =
  | { ok: true; signed: SignedCredential[] }
  | { ok: false; index: number; error: { name: string; message: string } };

export type SigningSession = {
  /** The generations this session can sign with (active, with their private parts). */
  generations: number[];
  signChunk(chunk: SigningChunk): Promise<ChunkOutcome>;
};

function describe(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: "Error", message: String(error) };
}

/**
 * Everything a thread needs to sign (a worker builds one from the key material it is sent; the main thread builds one
 * when the pool has no workers): the signers of every active generation, and a document loader serving the bundled
 * contexts and the issuer's DID document. Signing is `signDataIntegrity` then `signVcJwt` over the signed document,
 * exactly as issuance does it, with this thread's fast cryptosuite.
 */
export async function createSigningSession(material: KeyringMaterial): Promise<SigningSession> {
  const { keys, did, publicUrl } = material;
  const signers = new Map<number, IssuerSigner>();
  for (const key of keys.filter((k) => k.status === "active" && k.ed25519.secretKeyMultibase && k.p256.privateJwk)) {
    signers.set(key.generation, await createIssuerSigner({ key, did, publicUrl }));
  }
  const documentLoader = createDocumentLoader(didDocuments(issuerDidDocument(keys, did)));
  return {
    generations: [...signers.keys()],
    async signChunk(chunk) {
      const { created, generation } = chunk;
      const signer = signers.get(generation);
      if (!signer) {
        const held = [...signers.keys()].join(", ") || "none";
        const message = `key generation ${generation} cannot sign (active generations held: ${held})`;
        return { ok: false, index: 0, error: { name: "Error", message } };
      }
      // Each VC-JWT's ES256 signature is made on this thread with node:crypto (signVcJwt with a KeyObject): on a
      // machine whose cores all sign, a hop to libuv's thread pool per signature only added its round trip.
      const jwts: Promise<string>[] = [];
      const documents: { document: JsonObject; json: string }[] = [];
      let refused: ChunkOutcome | undefined;
      for (let index = 0; index < credentialCount(chunk); index++) {
        try {
          const credential =
            "credentials" in chunk
              ? (chunk.credentials[index] as JsonObject)
              : (buildFromRecipe(chunk.recipes, chunk.recipes.recipes[index] as CredentialRecipe) as JsonObject);
          const document = await signDataIntegrity({ credential, signer, documentLoader, now: created });
          const json = JSON.stringify(document);
          documents.push({ document, json });
          jwts.push(signVcJwt({ credential: document, json, kid: signer.jwtKid, privateKey: signer.jwtSigningKey }));
        } catch (error) {
          refused = { ok: false, index, error: describe(error) };
          break;
        }
      }
      const settled = await Promise.allSettled(jwts);
      const failed = settled.findIndex((jwt) => jwt.status === "rejected");
      if (failed !== -1) {
        return { ok: false, index: failed, error: describe((settled[failed] as PromiseRejectedResult).reason) };
      }
      if (refused) {
        return refused;
      }
      const signed = documents.map(({ document, json }, i): SignedCredential => {
        const jwt = (settled[i] as PromiseFulfilledResult<string>).value;
        return { document, json, jwt, verificationMethod: signer.verificationMethod };
      });
      return { ok: true, signed };
    },
  };
}

/**
 * What a signing worker answers for a chunk: ChunkOutcome with the signed credentials as their texts only, all in one
 * string (`text`: each credential's JSON then its VC-JWT, in order; `ends`: where each of those ends), with the
 * verification method that signed them all (one key generation per chunk). The thread that receives it parses a
 * document only if it reads it (signedFromWire): an issuance answered over HTTP never does (it stores the text and
 * sends it as it is), and copying the objects across threads cost the receiving thread more than parsing them would.
 * One string rather than two per credential: a chunk's (hundreds of KB) is received into V8's large object space,
 * where a scavenge never copies it, and each credential's texts are slices of it; received one by one, each of
 * those texts was copied twice by the scavenges of the main thread, which keeps them (stored, answered).
 */
export type WireOutcome =
  | { ok: true; text: string; ends: number[]; verificationMethod: string }
  | { ok: false; index: number; error: { name: string; message: string } };

/** A chunk's outcome as a worker sends it (the documents left out: their JSON text carries them). */
export function toWire(outcome: ChunkOutcome): WireOutcome {
  if (!outcome.ok) {
    return outcome;
  }
  const texts: string[] = [];
  const ends: number[] = [];
  let at = 0;
  for (const { json, jwt } of outcome.signed) {
    texts.push(json, jwt);
    at += json.length;
    ends.push(at);
    at += jwt.length;
    ends.push(at);
  }
  const verificationMethod = outcome.signed[0]?.verificationMethod ?? "";
  return { ok: true, text: texts.join(""), ends, verificationMethod };
}

/**
 * The signed credentials of a worker's answer, each `document` parsed from its JSON text the first time it is read
 * (the same object the worker held: JSON.stringify's text of a plain JSON document parses back to it, keys in order).
 */
export function signedFromWire(wire: WireOutcome & { ok: true }): SignedCredential[] {
  const { text, ends, verificationMethod } = wire;
  const signed: SignedCredential[] = [];
  let start = 0;
  for (let i = 0; i + 1 < ends.length; i += 2) {
    const jsonEnd = ends[i] as number;
    const jwtEnd = ends[i + 1] as number;
    signed.push(withLazyDocument(text.slice(start, jsonEnd), text.slice(jsonEnd, jwtEnd), verificationMethod));
    start = jwtEnd;
  }
  return signed;
}

function withLazyDocument(json: string, jwt: string, verificationMethod: string): SignedCredential {
  let document: JsonObject | undefined;
  return {
    get document(): JsonObject {
      document ??= JSON.parse(json) as JsonObject;
      return document;
    },
    set document(value: JsonObject) {
      document = value;
    },
    json,
    jwt,
    verificationMethod,
  };
}

/**
 * What a signing worker is asked: sign a chunk (`priority`: the pool's, by which the worker orders the tasks it holds;
 * default interactive), or say how it runs (once, when a pool starts).
 */
export type WorkerTask = { kind: "sign"; chunk: SigningChunk; priority?: "interactive" | "bulk" } | { kind: "probe" };

/** A worker's answer to a probe: the generations it can sign with and whether its process hardening holds. */
export type WorkerProbe =
  | { ok: true; threadId: number; hardened: boolean; generations: number[] }
  | { ok: false; index: number; error: { name: string; message: string } };

/** What a signing worker is started with (piscina's `workerData`): the key material, in memory only. */
export type SigningWorkerData = { keys: KeyringMaterial };
