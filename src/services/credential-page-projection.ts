import { createHash } from "node:crypto";
import {
  credentialsWithoutPage,
  findCredentialPageShape,
  saveCredentialPageShapes,
  saveCredentialPages,
} from "../storage/credential-pages-repo.js";
import {
  type Analysis,
  analyseOwnProjection,
  analyseOwnRecord,
  type OwnRecordProjection,
  projectOwnRecord,
} from "../verify/engine.js";
import type { VerifyEnv } from "../verify/environment.js";
import type { Check, CredentialDisplay } from "../verify/report.js";
import { isJsonObject, parseOwnJson } from "../verify/safe-json.js";
import { plainIssuance } from "./credential-lifecycle.js";
import type { PageShape, ServiceContext } from "./deps.js";
import { verifyEnv } from "./verify-credential.js";

/**
 * A credential page's projection: what its view needs of the signed document (engine.ts `OwnRecordProjection`), made
 * once from the document and stored beside it (`credential_pages`), so that a view of one of 100,000 credentials reads
 * a narrow row instead of parsing the document, checking it against the OB 3.0 schema and reading its display again.
 * What many credentials share (their certification's texts, the schema check) is stored once (`credential_page_shapes`,
 * named by the SHA-256 of its text) and kept in memory by that name; the projection row holds the credential's own
 * values and the shape's name, so a view reads and parses a few hundred bytes.
 * Status and validity stay live: the projection holds the document's status entries and dates, which every view
 * checks against the status lists and the clock of that moment, as before; the lifecycle is read from its row on every
 * view, and the history from the audit log unless that row says the log holds nothing about the credential but its
 * issuance, whose time the projection keeps (`issuedAt`, from its audit entry, which never changes).
 *
 * Fail-closed: a projection is made only of a document `analyseOwnRecord` answers for (ours, one eddsa-rdfc-2022 proof
 * by a key we publish); it is used only when it was made by this projection format and against this OB 3.0 schema
 * (`madeBy`), reads back in the shape it was written in, its shared part is found with the text its name is the hash
 * of, and its key is still one we publish. Otherwise the page verifies the document in full, as before, and stores the
 * projection it then can make (a credential viewed once, or filled by `fillCredentialPages`, is fast from then on).
 */

/** Bump when what a projection holds or means changes (the display, the checks it keeps, the live members). */
const PROJECTION_FORMAT = 4;

/** Where the page's checks say the credential was read from (as the full path says it). */
export const PROJECTION_RECORDS = "this service's records";
const RECORDS = PROJECTION_RECORDS;

/** The display members kept in the shared part (the certification's, as signed); every other one is the credential's. */
const SHARED_DISPLAY: ReadonlySet<string> = new Set([
  "openBadgesVersion",
  "name",
  "description",
  "achievementId",
  "achievementType",
  "criteriaNarrative",
  "criteriaUrl",
  "imageUrl",
  "imageCaption",
  "issuer",
]);

/** What a projection made now is recorded as made by; undefined when the schema has no fingerprint (none is made). */
export function projectionMadeBy(ctx: ServiceContext): string | undefined {
  const schema = ctx.state.ob3Schema.fingerprint;
  return schema === undefined ? undefined : `page-${PROJECTION_FORMAT}:${schema}`;
}

/** The shared part of projections: the schema check and the shared display members. */
type Shape = PageShape;

/**
 * A stored projection row: the shared part's name, the credential's own display members, and the rest of the
 * own-record projection, with the credential's `plainIssuance` when it has one.
 */
type StoredProjection = Omit<OwnRecordProjection, "schema" | "display"> & {
  shape: string;
  display: Record<string, unknown>;
  issuedAt?: string;
  page?: StoredPageKey;
};

/**
 * What a page view served from a template (credential-page-fast.ts) reads besides the display and live members: `key`,
 * the hash of the credential's own display members other than the values a page fills (id, recipient name, dates),
 * which with the shape's name and the live state names the template. Absent when a value could not be filled into a
 * template (a date not a plain UTC instant, a marker character).
 */
export type StoredPageKey = { key: string };

/** Own display members a page fills as texts: their presence is part of the key, their values are not. */
const TEXT_MEMBERS: ReadonlySet<string> = new Set(["id", "recipientName"]);
/** Own display members a page fills as dates, in the order the template numbers them. */
export const DATE_MEMBERS = ["issuedOn", "awardedDate", "validFrom", "validUntil"] as const;
/** The instants a template fills (credential-page-template.ts INSTANT), before its marker years. */
export const PLAIN_INSTANT = /^(\d{4})-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/;
export const LAST_PLAIN_YEAR = 2900;
/** The template markers' characters (credential-page-template.ts): a value holding one is never filled. */
export const MARKER_CHARS = /[\uE000\uE001]/;

/** A date member a template can fill: a plain UTC instant before the marker years. */
export function fillableDate(value: unknown): value is string {
  if (typeof value !== "string") {
    return false;
  }
  const match = PLAIN_INSTANT.exec(value);
  return match !== null && Number(match[1]) <= LAST_PLAIN_YEAR && Number.isFinite(Date.parse(value));
}

/** The page key of a credential's own display members, or undefined when its values cannot be filled. */
function pageKeyOf(own: Record<string, unknown>): StoredPageKey | undefined {
  const rest: Record<string, unknown> = {};
  for (const [member, value] of Object.entries(own)) {
    if (TEXT_MEMBERS.has(member)) {
      if (typeof value !== "string" || MARKER_CHARS.test(value)) {
        return undefined;
      }
      rest[member] = "text";
    } else if ((DATE_MEMBERS as readonly string[]).includes(member)) {
      if (!fillableDate(value)) {
        return undefined;
      }
      rest[member] = "date";
    } else {
      rest[member] = value;
    }
  }
  const text = JSON.stringify(rest);
  if (MARKER_CHARS.test(text)) {
    return undefined;
  }
  return { key: createHash("sha256").update(`page-key\n${text}`).digest("base64url") };
}

/**
 * The display members a view's display took from a shared part, and its name: the page template keys on the name
 * instead of those texts (credential-page-template.ts, which checks that the display still holds these very values).
 */
export type SharedDisplay = { name: string; display: Readonly<Record<string, unknown>> };

/** A projection to store: its row's text and its shared part (name and text). */
export type MadeProjection = { projection: string; shape: { id: string; shape: string } };

function shapeName(text: string): string {
  return createHash("sha256").update(text).digest("base64url");
}

/** The stored form of a projection, or undefined when none applies to this analysis. */
export function projectionOf(analysis: Analysis, issuedAt: string | undefined): MadeProjection | undefined {
  const projection = projectOwnRecord(analysis);
  if (projection === undefined) {
    return undefined;
  }
  const shared: Record<string, unknown> = {};
  const own: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(projection.display)) {
    (SHARED_DISPLAY.has(key) ? shared : own)[key] = value;
  }
  const shape = JSON.stringify({ schema: projection.schema, display: shared } satisfies Shape);
  const id = shapeName(shape);
  const page = pageKeyOf(own);
  const stored: StoredProjection = {
    shape: id,
    issuer: projection.issuer,
    verificationMethod: projection.verificationMethod,
    display: own,
    live: projection.live,
    ...(issuedAt !== undefined ? { issuedAt } : {}),
    ...(page ? { page } : {}),
  };
  return { projection: JSON.stringify(stored), shape: { id, shape } };
}

/** `Date.toISOString`'s form (what `plainIssuance` stores). */
const ISO_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function isCheck(value: unknown): value is Check {
  return (
    isJsonObject(value) &&
    typeof value.id === "string" &&
    typeof value.outcome === "string" &&
    typeof value.title === "string" &&
    typeof value.message === "string"
  );
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    for (const member of Object.values(value)) {
      deepFreeze(member);
    }
    Object.freeze(value);
  }
  return value;
}

/** A shared part read back, or undefined when it does not have the shape this format writes. */
function readShape(text: string): Shape | undefined {
  const parsed = parseOwnJson(text);
  if (!parsed.ok || !isJsonObject(parsed.value)) {
    return undefined;
  }
  const { schema, display } = parsed.value;
  if (
    !isCheck(schema) ||
    schema.id !== "schema" ||
    !isJsonObject(display) ||
    typeof display.name !== "string" ||
    display.openBadgesVersion !== "3.0" ||
    !isJsonObject(display.issuer) ||
    Object.keys(display).some((key) => !SHARED_DISPLAY.has(key))
  ) {
    return undefined;
  }
  // shared by every view of its credentials: nothing may change it
  return deepFreeze({ schema, display });
}

/** The shared part named `id`: from memory, else from its row when its text hashes to that name; else undefined. */
export async function shapeOf(ctx: ServiceContext, id: string): Promise<Shape | undefined> {
  const cache = ctx.state.credentialPageShapes;
  const known = cache.get(id);
  if (known) {
    return known;
  }
  const text = await findCredentialPageShape(ctx.store.conn(), id);
  const shape = text !== undefined && shapeName(text) === id ? readShape(text) : undefined;
  if (shape) {
    cache.set(id, shape);
  }
  return shape;
}

/** Whether an own display holds a member of the shared part (a loop: no key array nor closure per page view). */
function holdsSharedMember(display: Record<string, unknown>): boolean {
  for (const key in display) {
    if (Object.hasOwn(display, key) && SHARED_DISPLAY.has(key)) {
      return true;
    }
  }
  return false;
}

/** A stored projection row read back, or undefined when it does not have the shape this format writes. */
export function readProjection(text: string): StoredProjection | undefined {
  const parsed = parseOwnJson(text);
  if (!parsed.ok || !isJsonObject(parsed.value)) {
    return undefined;
  }
  const p = parsed.value;
  const display = p.display;
  if (
    typeof p.shape !== "string" ||
    typeof p.issuer !== "string" ||
    typeof p.verificationMethod !== "string" ||
    !isJsonObject(p.live) ||
    !isJsonObject(display) ||
    !Array.isArray(display.evidence) ||
    !Array.isArray(display.results) ||
    holdsSharedMember(display) ||
    (p.issuedAt !== undefined && (typeof p.issuedAt !== "string" || !ISO_INSTANT.test(p.issuedAt)))
  ) {
    return undefined;
  }
  return p as unknown as StoredProjection;
}

/**
 * What `analyseOwnProjection` answered for a projection's signer and shared part (the proof and issuer checks are made
 * from its issuer and key against our keys of the moment; the format and schema checks are fixed), by the DID document
 * of the keys it was made against (a new object whenever the keys change: key-holder.ts hands out one per generation)
 * and then by shape, issuer and key, with the JWK set it was made with. Every other member of the analysis is the
 * projection's own display and live members, which analyseOwnProjection takes as they are: a view of another credential
 * of the same shape and signer gets that answer with its own display and live members, without resolving the key and
 * hashing the issuer's keys again. Bounded; only an answer found to have exactly that form is kept.
 */
type SignerAnswer = { jwks: unknown; publicUrl: string; analysis: Analysis };
const signerAnswers = new WeakMap<object, Map<string, SignerAnswer>>();
const MAX_SIGNER_ANSWERS = 1000;

async function analyseWithSigner(
  projection: OwnRecordProjection,
  shape: string,
  env: VerifyEnv,
): Promise<Analysis | undefined> {
  const answers = signerAnswers.get(env.local.didDocument);
  const key = JSON.stringify([shape, projection.issuer, projection.verificationMethod]);
  const known = answers?.get(key);
  if (known && known.jwks === env.local.jwks && known.publicUrl === env.local.publicUrl) {
    const live = known.analysis.live as { standard: "ob3"; credential: unknown };
    return { ...known.analysis, display: projection.display, live: { ...live, credential: projection.live } };
  }
  const analysis = await analyseOwnProjection(projection, { format: "json", from: RECORDS }, env);
  if (
    analysis &&
    analysis.display === projection.display &&
    analysis.live?.standard === "ob3" &&
    analysis.live.credential === projection.live &&
    Object.keys(analysis.live).length === 2 &&
    analysis.fixed[1] === projection.schema
  ) {
    const kept = answers ?? new Map<string, SignerAnswer>();
    if (kept.size >= MAX_SIGNER_ANSWERS) {
      kept.clear();
    }
    // shared by every view of those credentials: nothing may change it
    deepFreeze(analysis.fixed);
    kept.set(key, { jwks: env.local.jwks, publicUrl: env.local.publicUrl, analysis });
    signerAnswers.set(env.local.didDocument, kept);
  }
  return analysis;
}

/**
 * The page's analysis from a stored projection, when it applies (made by this format and schema, well formed, its
 * shared part found, its key still ours), with the credential's `plainIssuance` when the projection holds it;
 * undefined otherwise (the caller verifies the document).
 */
export async function analysisFromProjection(
  ctx: ServiceContext,
  stored: { madeBy: string | null; projection: string | null },
  env: VerifyEnv,
): Promise<{ analysis: Analysis; issuedAt?: string; shared: SharedDisplay } | undefined> {
  const madeBy = projectionMadeBy(ctx);
  if (madeBy === undefined || stored.madeBy !== madeBy || stored.projection === null) {
    return undefined;
  }
  const own = readProjection(stored.projection);
  const shape = own && (await shapeOf(ctx, own.shape));
  if (!own || !shape) {
    return undefined;
  }
  const projection: OwnRecordProjection = {
    issuer: own.issuer,
    verificationMethod: own.verificationMethod,
    schema: shape.schema,
    display: { ...shape.display, ...own.display } as CredentialDisplay,
    live: own.live,
  };
  const analysis = await analyseWithSigner(projection, own.shape, env);
  return (
    analysis && {
      analysis,
      ...(own.issuedAt !== undefined ? { issuedAt: own.issuedAt } : {}),
      shared: { name: own.shape, display: shape.display },
    }
  );
}

/** Stores projections (and the shared parts they name) in one short write transaction. */
async function saveProjections(
  ctx: ServiceContext,
  madeBy: string,
  made: Array<{ credentialId: string } & MadeProjection>,
): Promise<void> {
  await ctx.store.tx(async (tx) => {
    await saveCredentialPageShapes(
      tx,
      made.map((m) => m.shape),
    );
    await saveCredentialPages(
      tx,
      made.map(({ credentialId, projection }) => ({ credentialId, madeBy, projection })),
    );
  });
}

/**
 * Stores the projection of a credential whose page was verified in full (`analysis`, the own-record answer for its
 * document). A failure to store is logged, not the visitor's problem: the next view verifies in full again.
 */
export async function rememberProjection(ctx: ServiceContext, credentialId: string, analysis: Analysis): Promise<void> {
  const madeBy = projectionMadeBy(ctx);
  if (madeBy === undefined || projectOwnRecord(analysis) === undefined) {
    return;
  }
  try {
    const made = projectionOf(analysis, await plainIssuance(ctx, credentialId)) as MadeProjection;
    await saveProjections(ctx, madeBy, [{ credentialId, ...made }]);
  } catch (error) {
    ctx.logger.warn("credential page projection not stored", { credentialId, error: (error as Error).message });
  }
}

/**
 * Makes the projection of every credential that has none (or one made otherwise), `batch` at a time, each batch's
 * rows in one short write transaction (the checks run outside it). For a database from before projections, or after
 * the schema changed; the pages work without it (each credential's first view makes its own). Returns how many were
 * stored, and how many documents none applies to (they are verified in full on every view).
 */
export async function fillCredentialPages(
  ctx: ServiceContext,
  options: { batch?: number } = {},
): Promise<{ stored: number; without: number }> {
  const madeBy = projectionMadeBy(ctx);
  if (madeBy === undefined) {
    return { stored: 0, without: 0 };
  }
  const limit = options.batch ?? 500;
  let after = "";
  let stored = 0;
  let without = 0;
  for (;;) {
    const rows = await credentialsWithoutPage(ctx.store.conn(), { madeBy, after, limit });
    if (rows.length === 0) {
      return { stored, without };
    }
    const env = await verifyEnv(ctx);
    const made: Array<{ credentialId: string } & MadeProjection> = [];
    for (const row of rows) {
      const analysis = await analyseOwnRecord({ text: row.document, format: "json", from: RECORDS }, env);
      const projection = analysis && projectionOf(analysis, await plainIssuance(ctx, row.id));
      if (projection === undefined) {
        without += 1;
      } else {
        made.push({ credentialId: row.id, ...projection });
      }
    }
    await saveProjections(ctx, madeBy, made);
    stored += made.length;
    after = rows.at(-1)?.id ?? after;
  }
}
