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
 * A signed credential as a worker sends it back: its JSON text without the document itself. The thread that receives
 * it parses the text only if it reads the document (signedFromWire): an issuance answered over HTTP never does (it
 * stores the text and sends it as it is), and copying the object across threads cost the receiving thread more than
 * parsing it would.
 */
export type WireSigned = Omit<SignedCredential, "document">;

/** What a signing worker answers for a chunk: ChunkOutcome, with each signed credential as its JSON text. */
export type WireOutcome =
  | { ok: true; signed: WireSigned[] }
  | { ok: false; index: number; error: { name: string; message: string } };

/** A chunk's outcome as a worker sends it (the documents left out: their JSON text carries them). */
export function toWire(outcome: ChunkOutcome): WireOutcome {
  if (!outcome.ok) {
    return outcome;
  }
  return {
    ok: true,
    signed: outcome.signed.map(({ json, jwt, verificationMethod }) => ({ json, jwt, verificationMethod })),
  };
}

/**
 * A signed credential received from a worker: `document` is parsed from its JSON text the first time it is read (the
 * same object the worker held: JSON.stringify's text of a plain JSON document parses back to it, keys in order).
 */
export function signedFromWire(wire: WireSigned): SignedCredential {
  const { json, jwt, verificationMethod } = wire;
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
