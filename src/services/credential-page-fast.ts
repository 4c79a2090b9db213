import { parseInstant } from "../domain/human-date.js";
import { type CredentialPageRow, findCredentialPageRow } from "../storage/credential-pages-repo.js";
import { analyseOwnProjection } from "../verify/engine.js";
import type { VerifyEnv } from "../verify/environment.js";
import { checkRecipient, ob3EmailIdentities } from "../verify/recipient.js";
import type { Check, Verdict } from "../verify/report.js";
import { isJsonObject } from "../verify/safe-json.js";
import { checkStatus } from "../verify/status.js";
import { checkValidity } from "../verify/validity.js";
import { decideVerdict } from "../verify/verdict.js";
import { quickLifecycle } from "./credential-lifecycle.js";
import { linkedInLinks } from "./credential-page-data.js";
import {
  DATE_MEMBERS,
  fillableDate,
  LAST_PLAIN_YEAR,
  MARKER_CHARS,
  PROJECTION_RECORDS,
  projectionMadeBy,
  readProjection,
  shapeOf,
} from "./credential-page-projection.js";
import { credentialUrl, shortLinkUrl } from "./credential-view.js";
import type { PageShape, ServiceContext } from "./deps.js";
import { verifyEnvWith } from "./verify-credential.js";

/**
 * A credential page view without its page data: what a template of the page (credential-page-template.ts) needs to be
 * chosen and filled, worked out from the page row alone. The stored projection (credential-page-projection.ts) names
 * the certification's shared part and holds `page.key`, the hash of the credential's own display members other than
 * the values a page fills; a view adds the live part (the checks' outcomes and the verdict, which status list bit and
 * clock decide on every view, the LinkedIn links' presence, which dates of the page are the same instant) and computes
 * the values (id, URLs, check sentences, recipient name, dates) in the order the template numbers them. No
 * VerificationReport, no page data object, no JSON of the page per view.
 *
 * The live checks are the very functions the full path runs (checkValidity, checkStatus, checkRecipient,
 * decideVerdict), on the projection's live members; the fixed ones (format, schema, proof, issuer) are the answer of
 * `analyseOwnProjection` for the projection's issuer and key against our keys of the moment (kept per key generation).
 * Fail-closed: undefined (the caller takes the full path) unless the projection was made by this format and schema,
 * reads back as the full path reads it, holds a page key, its shared part is found, its key is still ours, nothing has
 * happened to the credential since its issuance (`quickLifecycle`: a revoked, suspended or replaced credential takes the
 * full path), and every date is one a template fills. A key is used only once a page of it, filled, was byte-identical
 * to the full render (credential-page-template.ts `registerFastPage`).
 */
export type FastPage = {
  /** Names the template: every input of the page but its values. */
  key: string;
  texts: string[];
  dates: Date[];
  verdict: Verdict;
  checks: Check[];
  linkedIn: boolean;
};

export type FastPageRead =
  | { found: false }
  | { found: true; row: CredentialPageRow; now: Date; fast: FastPage | undefined };

/** The format, proof and issuer checks of a projection's signer, by key generation (its DID document object). */
type Signer = { format: Check; proof: Check; issuer: Check; key: string; jwks: unknown; publicUrl: string };
const signers = new WeakMap<object, Map<string, Signer | null>>();
const MAX_SIGNERS = 1000;

function skeleton(check: Check): string {
  return `${check.id}/${check.outcome}/${check.code}/${check.title}`;
}

/** The signer as kept for this key generation, or undefined when it is to be worked out (`signerOf`). */
function knownSigner(issuer: string, verificationMethod: string, env: VerifyEnv): Signer | undefined {
  const hit = signers.get(env.local.didDocument)?.get(`${issuer} ${verificationMethod}`);
  return hit && hit.jwks === env.local.jwks && hit.publicUrl === env.local.publicUrl ? hit : undefined;
}

async function signerOf(
  issuer: string,
  verificationMethod: string,
  shape: PageShape,
  env: VerifyEnv,
): Promise<Signer | undefined> {
  let known = signers.get(env.local.didDocument);
  const name = `${issuer} ${verificationMethod}`;
  const analysis = await analyseOwnProjection(
    { issuer, verificationMethod, schema: shape.schema, display: shape.display as never, live: {} },
    { format: "json", from: PROJECTION_RECORDS },
    env,
  );
  const [format, , proof, issuerCheck] = analysis?.fixed ?? [];
  // its sentences are filled into pages as they are: one holding a template marker is not kept (full path)
  const signer =
    format &&
    proof &&
    issuerCheck &&
    analysis?.fixed.length === 4 &&
    ![format, proof, issuerCheck].some((check) => MARKER_CHARS.test(check.message))
      ? {
          format,
          proof,
          issuer: issuerCheck,
          key: [format, proof, issuerCheck].map(skeleton).join(" "),
          jwks: env.local.jwks,
          publicUrl: env.local.publicUrl,
        }
      : null;
  if (!known || known.size >= MAX_SIGNERS) {
    known = new Map();
    signers.set(env.local.didDocument, known);
  }
  // a key not ours is not remembered: our keys of the moment may change (a new generation: a new map)
  if (signer) {
    known.set(name, signer);
  }
  return signer ?? undefined;
}

type LinkedInInput = Parameters<typeof linkedInLinks>[4] & object;
type LinkedIn = NonNullable<ReturnType<typeof linkedInLinks>>;

/**
 * The LinkedIn links' text before the credential's id, by everything they show but the credential (the certification's
 * name, the issuer, the months of issuance and expiry, our public URL): both links end with the credential's URL, which
 * ends with its id, and the add-to-profile link with the id again (`&certId=`); an id (lower-case hex and dashes) is
 * the same encoded. Worked out from the links of two probe ids, kept only when both are that prefix and the probe id
 * (else null: the links are made in full). Bounded.
 */
const linkedInPrefixes = new Map<string, { addToProfile: string; share: string } | null>();
const MAX_LINKEDIN_PREFIXES = 1000;
const PROBE_IDS = ["00000000-0000-4000-8000-000000000000", "ffffffff-ffff-4fff-bfff-ffffffffffff"];
const PLAIN_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** `linkedInLinks` of a credential whose URL is ours (credentialUrl of its id), from the prefix its kind shares. */
export function fastLinkedInLinks(
  ctx: ServiceContext,
  id: string,
  url: string,
  verdict: Verdict,
  display: LinkedInInput,
): LinkedIn | undefined {
  const issuedAt = parseInstant(display.validFrom ?? display.issuedOn);
  if (verdict !== "valid" || !issuedAt || !PLAIN_ID.test(id)) {
    return linkedInLinks(ctx, id, url, verdict, display);
  }
  const expiresAt = parseInstant(display.validUntil);
  const { publicUrl } = ctx.config;
  const key = [
    publicUrl,
    ctx.config.issuer.linkedInOrganizationId ?? "",
    ctx.issuer.name,
    display.name,
    issuedAt.getUTCFullYear(),
    issuedAt.getUTCMonth(),
    expiresAt ? `${expiresAt.getUTCFullYear()}-${expiresAt.getUTCMonth()}` : "",
  ].join("\n");
  let prefix = linkedInPrefixes.get(key);
  if (prefix === undefined) {
    prefix = linkedInPrefix(ctx, display);
    if (linkedInPrefixes.size >= MAX_LINKEDIN_PREFIXES) {
      linkedInPrefixes.clear();
    }
    linkedInPrefixes.set(key, prefix);
  }
  return prefix && url === credentialUrl(publicUrl, id)
    ? { addToProfile: `${prefix.addToProfile}${id}&certId=${id}`, share: `${prefix.share}${id}` }
    : linkedInLinks(ctx, id, url, verdict, display);
}

function linkedInPrefix(ctx: ServiceContext, display: LinkedInInput): { addToProfile: string; share: string } | null {
  let found: { addToProfile: string; share: string } | undefined;
  for (const probe of PROBE_IDS) {
    const links = linkedInLinks(ctx, probe, credentialUrl(ctx.config.publicUrl, probe), "valid", display);
    const tail = `${probe}&certId=${probe}`;
    if (!links?.addToProfile.endsWith(tail) || !links.share.endsWith(probe)) {
      return null;
    }
    const prefix = {
      addToProfile: links.addToProfile.slice(0, -tail.length),
      share: links.share.slice(0, -probe.length),
    };
    if (found && (found.addToProfile !== prefix.addToProfile || found.share !== prefix.share)) {
      return null;
    }
    found = prefix;
  }
  return found ?? null;
}

/**
 * The status list the next page view asks for with its row (findCredentialPageRow `list`): the list the last view's
 * credential named (most credentials share a list). Only a guess: a view whose credential names another list reads
 * that list's version on its own, as before.
 */
let listGuess = "";
/** A list id as our status list URLs hold it (services/verify-credential.ts reads no other). */
const LIST_ID = /^[A-Za-z0-9_-]{1,100}$/;
/** Whether our public URL is an origin alone (then a list's URL has the path the status list reader expects). */
const originOnly = new Map<string, boolean>();

/**
 * `env` whose reader of our status lists answers, for the list whose version came with the row, the list as parsed
 * when that version is the one parsed (the very test `getSignedStatusList` makes with a read of its own); any other
 * URL, or another version, is read as before. The credential's list becomes the next view's guess.
 */
function withListOfRow(ctx: ServiceContext, env: VerifyEnv, row: CredentialPageRow, live: Record<string, unknown>) {
  const { publicUrl } = ctx.config;
  let origin = originOnly.get(publicUrl);
  if (origin === undefined) {
    origin = URL.canParse(publicUrl) && new URL(publicUrl).origin === publicUrl;
    if (originOnly.size >= 10) {
      originOnly.clear();
    }
    originOnly.set(publicUrl, origin);
  }
  const status = live.credentialStatus;
  const named = isJsonObject(status) ? status.statusListCredential : undefined;
  const prefix = `${publicUrl}/status-lists/`;
  if (!origin || typeof named !== "string" || !named.startsWith(prefix)) {
    return env;
  }
  const listId = named.slice(prefix.length);
  if (!LIST_ID.test(listId)) {
    return env;
  }
  listGuess = listId;
  const seen = row.list;
  const parsed = seen?.id === listId ? ctx.state.parsedStatusLists.get(listId) : undefined;
  if (
    !seen ||
    !parsed ||
    parsed.etag !== seen.etag ||
    seen.signedVersion === null ||
    seen.signedVersion < seen.version
  ) {
    return env;
  }
  const read = env.local.statusList;
  if (read) {
    const list = parsed.document as Record<string, unknown>;
    env.local.statusList = (url) => (url === named ? Promise.resolve(list) : read(url));
  }
  return env;
}

/** The number of the instant `ms` among a page's dates, added when it is not one of them yet. */
function dateIndex(instants: number[], dates: Date[], ms: number): number {
  let index = instants.indexOf(ms);
  if (index < 0) {
    index = instants.length;
    instants.push(ms);
    dates.push(new Date(ms));
  }
  return index;
}

/** The page row of a credential and, when a template may serve it, its fast page (see FastPage). */
export async function readFastCredentialPage(ctx: ServiceContext, id: string): Promise<FastPageRead> {
  const row = await findCredentialPageRow(ctx.store.conn(), id, listGuess);
  if (!row) {
    return { found: false };
  }
  const now = ctx.clock();
  return { found: true, row, now, fast: await fastPage(ctx, id, row, now) };
}

async function fastPage(
  ctx: ServiceContext,
  id: string,
  row: CredentialPageRow,
  now: Date,
): Promise<FastPage | undefined> {
  const madeBy = projectionMadeBy(ctx);
  if (madeBy === undefined || row.madeBy !== madeBy || row.projection === null) {
    return undefined;
  }
  const own = readProjection(row.projection);
  const page = own?.page;
  if (
    !own ||
    !isJsonObject(page) ||
    typeof page.key !== "string" ||
    own.issuedAt === undefined ||
    !quickLifecycle(row, own.issuedAt)
  ) {
    return undefined;
  }
  const shape = ctx.state.credentialPageShapes.get(own.shape) ?? (await shapeOf(ctx, own.shape));
  if (!shape) {
    return undefined;
  }
  const env = withListOfRow(ctx, verifyEnvWith(ctx, await ctx.keys.fresh(), now), row, own.live);
  const signer =
    knownSigner(own.issuer, own.verificationMethod, env) ??
    (await signerOf(own.issuer, own.verificationMethod, shape, env));
  if (!signer) {
    return undefined;
  }
  // the dates a template fills, numbered as it numbers them: the display's, then the time checked, then the issuance
  const display = own.display;
  const instants: number[] = [];
  const dates: Date[] = [];
  let pattern = "";
  // (the display's dates were found fillable when its page key was made: the key is made with them)
  for (const member of DATE_MEMBERS) {
    const value = display[member];
    if (value === undefined) {
      pattern += "-,";
    } else if (typeof value === "string") {
      pattern += `${dateIndex(instants, dates, Date.parse(value))}${value.length > 20 ? "m" : ""},`;
    } else {
      return undefined;
    }
  }
  if (now.getUTCFullYear() > LAST_PLAIN_YEAR || !fillableDate(own.issuedAt)) {
    return undefined;
  }
  pattern += `${dateIndex(instants, dates, now.getTime())},${dateIndex(instants, dates, Date.parse(own.issuedAt))}`;
  // the live checks, as finishReport makes them (in CHECK_ORDER)
  const validity = checkValidity(own.live, now);
  const status = await checkStatus(own.live, env);
  const recipient = checkRecipient(ob3EmailIdentities(own.live), undefined);
  const checks = [signer.format, shape.schema, signer.proof, signer.issuer, validity, status, recipient];
  const verdict = decideVerdict(checks);
  const publicUrl = ctx.config.publicUrl;
  const url = credentialUrl(publicUrl, id);
  const name = shape.display.name;
  const links = fastLinkedInLinks(ctx, id, url, verdict, {
    name: name as string,
    validFrom: display.validFrom as string | undefined,
    issuedOn: display.issuedOn as string | undefined,
    validUntil: display.validUntil as string | undefined,
  });
  const texts = [id, url, shortLinkUrl(publicUrl, id), `/credentials/${id}/qr.svg`];
  if (links) {
    texts.push(links.addToProfile, links.share);
  }
  for (const check of checks) {
    texts.push(check.message);
  }
  if (display.id !== undefined) {
    texts.push(display.id as string);
  }
  if (display.recipientName !== undefined) {
    texts.push(display.recipientName as string);
  }
  // the other texts are checked where they are made (the page key, the signer's sentences, URLs of an id the route
  // checked and the configured public URL, LinkedIn's percent-encoded links); these two hold dates and a list URL
  if (MARKER_CHARS.test(validity.message) || MARKER_CHARS.test(status.message) || MARKER_CHARS.test(publicUrl)) {
    return undefined;
  }
  const live = `${verdict} ${skeleton(validity)} ${skeleton(status)} ${skeleton(recipient)} ${links ? 1 : 0}`;
  return {
    key: `${own.shape} ${page.key} ${signer.key} ${live} ${pattern}`,
    texts,
    dates,
    verdict,
    checks,
    linkedIn: links !== undefined,
  };
}
