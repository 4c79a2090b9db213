import type { LRUCache } from "lru-cache";
import type { Artwork } from "../baking/artwork.js";
import type { Config } from "../config.js";
import type { DocumentLoader } from "../crypto/document-loader.js";
import type { IssuerKeyring } from "../crypto/keyring.js";
import type { SigningPool } from "../crypto/signing-pool.js";
import type { Catalog } from "../domain/catalog/parse-catalog.js";
import type { IssuerProfile } from "../domain/issuer.js";
import type { Logger } from "../logger.js";
import type { Store } from "../storage/store.js";
import type { Analysis } from "../verify/engine.js";
import type { FetchRemote, StatusListCheck } from "../verify/environment.js";
import type { Ob3SchemaValidator } from "../verify/schema-check.js";

/** Everything a service needs, injected: no singletons, no clock or randomness of its own. */
export type Deps = {
  config: Config;
  /** The database: reads through `store.conn()`, writes in `store.tx(…)` (storage/store.ts). */
  store: Store;
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

/** A client's hits in the current window, as hono-rate-limiter counts them. */
export type RateLimitHits = { totalHits: number; resetTime?: Date };

/** Hit counters per client key over a fixed window (the HTTP layer's rate limit; the window is the store's). */
export type RateLimitStore = {
  get: (key: string) => RateLimitHits | undefined;
  increment: (key: string) => RateLimitHits;
  decrement: (key: string) => void;
  resetKey: (key: string) => void;
};

/**
 * Everything the service keeps in memory between calls, for one service context: built once, by the composition root
 * (src/compose.ts), with its sizes from `config.caches`. No module in src/ holds state of its own that depends on a
 * context. What stays in modules is process-wide memos of pure functions, keyed by their whole input, bounded, and
 * the same for every context: the Data Integrity cryptosuite's expansion templates and key imports
 * (crypto/data-integrity.ts), rendered Markdown (http/pages/markdown.ts) and the share card's font metrics
 * (baking/share-card.ts).
 */
export type ServiceState = {
  /** Per person, the last of the evaluations, awards and approval decisions queued for them (person-lock.ts). */
  personLocks: Map<string, Promise<unknown>>;
  /** Status list signings in flight, per list: concurrent refreshes of one version share one signing. */
  statusListSignings: Map<string, { version: number; done: Promise<void> }>;
  /** Our signed status lists, parsed once per signed version (by ETag) and frozen, per list. */
  parsedStatusLists: Map<string, { etag: string; document: Readonly<Record<string, unknown>> }>;
  /** The verifier's checks of those parsed lists, by list object (an entry goes when its list is replaced). */
  statusListChecks: WeakMap<object, StatusListCheck>;
  /** The official OB 3.0 schema, compiled on first use. */
  ob3Schema: Ob3SchemaValidator;
  /**
   * Stored credentials' checks that depend only on their bytes and our keys (format, schema, proof, issuer), by
   * document hash and `keyset` (a hash of our public keys): at most `config.caches.credentials`.
   */
  storedChecks: { keyset: string; analyses: LRUCache<string, Analysis> };
  /** Badge PNGs by artwork version and mark (one per certification and state: never evicted). */
  badgePngs: Map<string, Promise<Buffer>>;
  /** Share cards and certificates by content ETag: at most `config.caches.renderedFiles`. */
  renderedFiles: LRUCache<string, Promise<Buffer>>;
  /** What never changes for a credential page: its QR code and short link (at most `config.caches.credentials`). */
  credentialPageParts: LRUCache<string, { qrSvg: string; shortUrl: string }>;
  /** Rendered credential pages by outcome (at most `config.caches.credentials`, 64 MB of HTML). */
  credentialPages: LRUCache<string, string>;
  /** The verify endpoints' rate-limit counters, shared by all of them (`LAUREL_VERIFY_RATE_LIMIT`). */
  verifyRateLimit: RateLimitStore;
};

/**
 * Deps plus what is derived from them once at start (issuer Profile, JSON-LD loader, the signing pool of the active
 * key), and the service's state.
 */
export type ServiceContext = Deps & {
  issuer: IssuerProfile;
  documentLoader: DocumentLoader;
  /**
   * Signs credentials (Data Integrity, then the VC-JWT over it) with the keyring's key generations: in worker threads
   * (`LAUREL_SIGNING_THREADS`), or on the main thread for 0. Same bytes either way.
   */
  signing: SigningPool;
  state: ServiceState;
};
