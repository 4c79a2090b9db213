import type { Artwork } from "../baking/artwork.js";
import type { Config } from "../config.js";
import { createDocumentLoader, type DocumentLoader } from "../crypto/document-loader.js";
import { didDocuments, type IssuerKeyring } from "../crypto/keyring.js";
import type { Catalog } from "../domain/catalog/parse-catalog.js";
import { buildIssuerProfile, type IssuerProfile } from "../domain/issuer.js";
import type { Logger } from "../logger.js";
import type { Db } from "../storage/db.js";
import type { FetchRemote } from "../verify/environment.js";

/** Everything a service needs, injected: no singletons, no clock or randomness of its own. */
export type Deps = {
  config: Config;
  db: Db;
  keyring: IssuerKeyring;
  catalog: Catalog;
  /** The artwork SVG templates from templates/ (badges per level, share card). */
  artwork: Artwork;
  clock: () => Date;
  newId: () => string;
  newSalt: () => string;
  newSecret: () => string;
  /** A uniformly random integer in [0, maxExclusive): status list indexes are drawn with it. */
  randomInt: (maxExclusive: number) => number;
  logger: Logger;
  /** The guarded network fetch of the verifier (did:web, https keys, others' status lists); unset: never fetches. */
  fetchRemote?: FetchRemote;
};

/** Deps plus what is derived from them once at start (issuer Profile, JSON-LD loader). */
export type ServiceContext = Deps & { issuer: IssuerProfile; documentLoader: DocumentLoader };

export function createServiceContext(deps: Deps): ServiceContext {
  return {
    ...deps,
    issuer: buildIssuerProfile(deps.keyring.did, deps.config.issuer),
    documentLoader: createDocumentLoader(didDocuments(deps.keyring.didDocument)),
  };
}
