import type { LRUCache } from "lru-cache";
import type { Artwork } from "../baking/artwork.js";
import type { Config } from "../config.js";
import type { SigningPool } from "../crypto/signing-pool.js";
import type { Catalog } from "../domain/catalog/parse-catalog.js";
import type { EmailTemplates } from "../domain/email/messages.js";
import type { IssuerProfile } from "../domain/issuer.js";
import type { Logger } from "../logger.js";
import type { Store } from "../storage/store.js";
import type { Analysis } from "../verify/engine.js";
import type { FetchRemote, StatusListCheck } from "../verify/environment.js";
import type { Check } from "../verify/report.js";
import type { Ob3SchemaValidator } from "../verify/schema-check.js";
import type { SignatureQueue } from "../verify/signature-queue.js";
import type { ActivityView } from "./audit.js";
import type { CredentialView } from "./credential-view.js";
import type { DashboardCounts } from "./dashboard.js";
import type { IssueCredentialInput } from "./issue-plan.js";
import type { KeyHolder } from "./key-holder.js";
import type { PostWebhook, SendMail } from "./outbound.js";

/** Everything a service needs, injected: no singletons, no clock or randomness of its own. */
export type Deps = {
  config: Config;
  /** The database: reads through `store.conn()`, writes in `store.tx(…)` (storage/store.ts). */
  store: Store;
  /**
   * The issuer keys and what derives from them (keyring, JSON-LD loader of our DID document), replaced by a rotation
   * without a restart: `await keys.fresh()` before signing or publishing, never a copy kept (key-holder.ts).
   */
  keys: KeyHolder;
  /** This process's id, made at start: the holder of the leases it takes (cluster-jobs.ts). */
  nodeId: string;
  catalog: Catalog;
  /** Reads and checks the definition files again (the catalog reload): the composition's loader, from templatesDir. */
  readCatalog: () => Catalog;
  /** The artwork SVG templates from templates/ (badges per level, share card). */
  artwork: Artwork;
  clock: () => Date;
  newId: () => string;
  newSalt: () => string;
  newSecret: () => string;
  /** A uniformly random integer in [0, maxExclusive): status list indexes are drawn with it. */
  randomInt: (maxExclusive: number) => number;
  logger: Logger;
  /** The e-mail templates from templates/emails (checked when loaded). */
  emailTemplates: EmailTemplates;
  /** SMTP (LAUREL_SMTP_URL); unset: every e-mail is kept in the local mail outbox instead (GET /admin/mail). */
  sendMail?: SendMail;
  /** Signs and posts a webhook through the guarded network rules (https, public addresses, the allow-list). */
  postWebhook: PostWebhook;
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
 * A credential page rendered with markers for its per-credential values, split at them: the fixed HTML (one more part
 * than slots) and what fills each gap, a text value (escaped) or a date in one of its rendered forms. Built and
 * filled by http/pages/credential-page-template.ts; `false` in the cache marks a page shape that is not templated.
 */
export type PageTemplate = {
  parts: string[];
  /** The parts in UTF-8, when every part is well-formed text (a served page is filled in bytes from them). */
  encoded?: Buffer[];
  slots: Array<{ text: number } | { date: number; form: "iso" | "day" | "dayTime" }>;
};

/** A person's page as kept (services/people.ts personPage): what it was worked out from, and the page. */
export type KeptPersonPage = {
  /** The catalog's certifications it was worked out with (the array a reload replaces: the catalog changes in place). */
  catalog: Catalog["entries"];
  mark: string;
  /** The span of time (ms) its outcomes hold in: from when it was worked out until progressStableUntil. */
  from: number;
  until: number;
  name: string;
  /** The page, UTF-8 (sent as it is: no text to encode on each view). */
  page: Uint8Array;
};

/**
 * Everything the service keeps in memory between calls, for one service context: built once, by the composition root
 * (src/compose.ts), with its sizes from `config.caches`. No module in src/ holds state of its own that depends on a
 * context. What stays in modules is process-wide memos of pure functions, keyed by their whole input, bounded, and
 * the same for every context: the Data Integrity cryptosuite's expansion templates and key imports
 * (crypto/data-integrity.ts), rendered Markdown (http/pages/markdown.ts), the share card's font metrics
 * (baking/share-card.ts), days written for people (domain/human-date.ts) and our decoded keys (verify/keys.ts).
 */
/** The shared part of credential page projections: the schema check and the display members credentials share. */
export type PageShape = { schema: Check; display: Readonly<Record<string, unknown>> };

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
   * document hash and the keys' `keyset` (a hash of our public keys): at most `config.caches.credentials`.
   */
  storedChecks: { analyses: LRUCache<string, Analysis> };
  /**
   * Fixed checks of JSON input verified before (others' credentials), by its bytes, profile and our keys, for those
   * that read nothing from the network and carry no expiring proof: at most `config.caches.credentials`, 64 MB of
   * input text.
   */
  verifiedInputs: LRUCache<string, Analysis>;
  /** Badge PNGs by artwork version and mark (one per certification and state: never evicted). */
  badgePngs: Map<string, Promise<Buffer>>;
  /** Share cards and certificates by content ETag: at most `config.caches.renderedFiles`. */
  renderedFiles: LRUCache<string, Promise<Buffer>>;
  /**
   * Credential page templates (http/pages/credential-page-template.ts) by everything a page shows but its
   * per-credential values: at most `config.caches.credentials`, 32 MB of HTML.
   */
  credentialPageTemplates: LRUCache<string, PageTemplate | false>;
  /**
   * Shared parts of page projections (services/credential-page-projection.ts), parsed and frozen, by their name (the
   * hash of their text: a row never changes): at most 1,000.
   */
  credentialPageShapes: LRUCache<string, PageShape>;
  /**
   * The console's person pages (services/people.ts personPage), by person, reader's programs, evidence page and
   * variant, each with what it was worked out from (catalog, the person's mark, its span of time), checked on every
   * view: at most `config.caches.credentials`, 32 MB of HTML (bytes).
   */
  personPages: LRUCache<string, KeptPersonPage>;
  /**
   * The verify endpoints' rate-limit counters, shared by all of them (`LAUREL_VERIFY_RATE_LIMIT`), in memory: on
   * PostgreSQL the counters are in the database instead, shared by every node (rate-limits.ts).
   */
  verifyRateLimit: RateLimitStore;
  /**
   * Others' credentials being analysed on this node (`verifyRead`), and how many other analyses must be in progress
   * before an analysis sends its signature checks (the proofs' canonicalisation and signatures) to the signing pool's
   * workers: a verification alone is checked on this thread, where it costs less CPU than the round trip to a worker
   * (and answers sooner); with others in progress the workers check the signatures while this thread serves the
   * rest. 1 by default; tests set 0 to send every one to the pool. `signatures`: the checks waiting for a worker.
   */
  verifications: { analysing: number; onWorkerFrom: number; signatures: SignatureQueue };
  /** Set once the process is stopping: /readyz answers 503 from then on. */
  lifecycle: { shuttingDown: boolean };
  /**
   * The console dashboard's credential counts over every certification (services/dashboard.ts), counted at most
   * every `DASHBOARD_COUNTS_MAX_AGE_MS` on this node (the page says when), and the count in flight; and the recent
   * activity it last read, by the entries' sequence numbers (shown again while the newest entries are those).
   */
  dashboardCounts: {
    current?: DashboardCounts;
    pending?: Promise<DashboardCounts>;
    activity?: { seqs: readonly number[]; entries: readonly ActivityView[] };
  };
  /**
   * Issuances by hand asked for since the last turn of the event loop, issued together as one group at the next
   * (issue-by-hand.ts): each is answered on its own.
   */
  issueByHand: {
    pending: { input: IssueCredentialInput; resolve(view: CredentialView): void; reject(error: unknown): void }[];
  };
};

/**
 * Deps plus what is derived from them once at start (the issuer Profile, the signing pool of the key generations), and
 * the service's state.
 */
export type ServiceContext = Deps & {
  issuer: IssuerProfile;
  /**
   * Signs credentials (Data Integrity, then the VC-JWT over it) with the key holder's key generations: in worker
   * threads (`LAUREL_SIGNING_THREADS`), or on the main thread for 0. Same bytes either way.
   */
  signing: SigningPool;
  state: ServiceState;
};
