import { hash } from "node:crypto";
import { validationError } from "../errors.js";
import { findStoredDocument } from "../storage/credentials-repo.js";
import {
  type Analysis,
  analyseCredential,
  analyseOwnRecord,
  finishReport,
  type VerifyProfile,
} from "../verify/engine.js";
import type { VerifyEnv } from "../verify/environment.js";
import { type ReadCredential, readInput, type VerifyInput } from "../verify/read-input.js";
import { withFetchBudget } from "../verify/remote.js";
import type { VerificationReport } from "../verify/report.js";
import { MAX_JSON_DEPTH, readJsonData } from "../verify/safe-json.js";
import type { SignatureCheck, SignatureOutcome, SignatureTaskOutcome } from "../verify/signature-check.js";
import { formatCheck, skippedCheck } from "../verify/verdict.js";
import type { ServiceContext } from "./deps.js";
import type { IssuerKeys } from "./key-holder.js";
import { getSignedStatusList } from "./status-lists.js";

export type { VerifyInput } from "../verify/read-input.js";

/** `profile`: "vc" for the W3C VC API (any verifiable credential), else the Open Badges verifier's (engine.ts). */
export type VerifyOptions = { recipientEmail?: string; profile?: VerifyProfile };

/**
 * A credential a machine sent inside a JSON request (an object, or text: JSON or a JWS) as verifier input. An object
 * nesting deeper than any credential does is refused here, before anything recurses over it. The object is verified
 * as its JSON text (what is remembered and compared); when it is JSON data as the request's JSON.parse made it, it
 * goes along as the text's value, so that the text is not parsed back into a copy of it.
 */
export function credentialInput(value: string | Record<string, unknown>, field: string): VerifyInput {
  if (typeof value === "string") {
    return { kind: "text", text: value };
  }
  const data = readJsonData(value, MAX_JSON_DEPTH);
  if (data === "too-deep") {
    throw validationError([{ path: field, message: `nests deeper than ${MAX_JSON_DEPTH} levels` }]);
  }
  const text = JSON.stringify(value);
  return data === "json" ? { kind: "text", text, parsed: value } : { kind: "text", text };
}

/** Network reads one verification may make (keys, DID documents, status lists, OB 2.0 documents). */
const REMOTE_BUDGET = { maxFetches: 8, deadlineMs: 12_000 };

const STATUS_LIST_PATH = /^\/status-lists\/([A-Za-z0-9_-]{1,100})$/;

/** The list id of a status list URL by its path (null: none), per URL: two URL parses per page view otherwise. */
const listIds = new Map<string, string | null>();

function listIdOf(url: string): string | undefined {
  let id = listIds.get(url);
  if (id === undefined) {
    id = (URL.canParse(url) ? STATUS_LIST_PATH.exec(new URL(url).pathname)?.[1] : undefined) ?? null;
    if (listIds.size >= 1000) {
      listIds.clear();
    }
    listIds.set(url, id);
  }
  return id ?? undefined;
}

/**
 * What the engine may consult, built per call so validity and status use the injected clock of that moment, and our
 * keys as of the newest recorded generation (a credential signed by another node after a rotation verifies here too).
 */
export async function verifyEnv(ctx: ServiceContext, keys?: IssuerKeys): Promise<VerifyEnv> {
  return verifyEnvWith(ctx, keys ?? (await ctx.keys.fresh()), ctx.clock());
}

/**
 * The reader of our own status lists, in process, never over HTTP. (Made here, not as a named member of verifyEnvWith's
 * object: under tsx, as the service runs, every named closure is given its name by a defineProperty call, about
 * 0.3 µs, on every page view.)
 */
function ourStatusLists(ctx: ServiceContext, publicUrl: string): NonNullable<VerifyEnv["local"]["statusList"]> {
  return async (url) => {
    const listId = listIdOf(url);
    if (!listId || !url.startsWith(`${publicUrl}/`)) {
      return undefined;
    }
    try {
      return await getSignedStatusList(ctx, listId);
    } catch (error) {
      ctx.logger.error("status list unreadable", { listId, error: (error as Error).message });
      return undefined;
    }
  };
}

/** `verifyEnv` with the keys and the time given (a page view's: services/credential-page-fast.ts). */
export function verifyEnvWith(ctx: ServiceContext, keys: IssuerKeys, now: Date): VerifyEnv {
  const { publicUrl } = ctx.config;
  const { keyring } = keys;
  return {
    now,
    local: {
      did: keyring.did,
      publicUrl,
      didDocument: keyring.didDocument,
      jwks: keyring.jwks,
      statusListChecks: ctx.state.statusListChecks,
      // our own lists are read in process, never over HTTP
      statusList: ourStatusLists(ctx, publicUrl),
    },
    ...(ctx.config.verify.remoteResolution && ctx.fetchRemote
      ? { fetchRemote: withFetchBudget(ctx.fetchRemote, REMOTE_BUDGET) }
      : {}),
    ob3Schema: ctx.state.ob3Schema,
  };
}

/**
 * Verifies anything a visitor brings: a baked PNG/SVG, credential JSON, a compact JWS, or the URL of one of our
 * credentials (read from the database, never fetched). Unreadable or hostile input gives a report, not an error.
 */
export async function verifyCredentialInput(
  ctx: ServiceContext,
  input: VerifyInput,
  options: VerifyOptions = {},
): Promise<VerificationReport> {
  const { maxUploadBytes, maxPixels } = ctx.config.verify;
  const read = readInput(input, { maxBytes: maxUploadBytes, maxPixels }, ctx.config.publicUrl);
  if (read.ok && read.kind === "ours") {
    const stored = await verifyStoredCredential(ctx, read.credentialId, options);
    if (stored) {
      return { ...stored, format: "url" };
    }
    const env = await verifyEnv(ctx);
    const missing: Analysis = {
      format: "url",
      fixed: [
        formatCheck("failed", "unknown-credential", "This service has issued no credential at that address."),
        ...(["schema", "proof", "issuer"] as const).map((id) =>
          skippedCheck(id, "Not checked: no credential could be read."),
        ),
      ],
    };
    return finishReport(missing, env, options.recipientEmail);
  }
  return verifyRead(ctx, read, options);
}

/**
 * Verifies a credential already found in its input (an envelope, a presentation's member), never one of ours by URL.
 * Two shortcuts, each taken only when it provably gives the full path's answer:
 * - the very bytes of a document we stored (compared in full with the stored text): our records answer (see
 *   `analyseOwnRecord`), without canonicalising it again;
 * - JSON input verified before, in this process, with the same bytes and our same keys: its fixed checks are
 *   reused, when their first making read nothing from the network and no proof can expire (the fixed checks then
 *   depend on those bytes alone). Validity, status and the recipient are always evaluated now.
 */
export async function verifyRead(
  ctx: ServiceContext,
  read: ReadCredential,
  options: VerifyOptions = {},
): Promise<VerificationReport> {
  const keys = await ctx.keys.fresh();
  const env = await verifyEnv(ctx, keys);
  const profile = options.profile ?? "open-badges";
  if (!read.ok || read.kind !== "json") {
    return finishReport(await analyseCredential(read, env, { profile }), env, options.recipientEmail);
  }
  const own = await ownDocument(ctx, read.text, env, keys.keyset);
  if (own) {
    const fixed = [formatCheck("passed", "read", `Read a credential with an embedded proof from ${read.from}.`)];
    const analysis = { ...own, format: read.format, fixed: [...fixed, ...own.fixed.slice(1)] };
    return finishReport(analysis, env, options.recipientEmail);
  }
  const { keyset } = keys;
  const memo = ctx.state.verifiedInputs;
  const key = `${profile}:${read.format}:${read.from}:${keyset}:${hash("sha256", read.text, "base64url")}`;
  const known = memo.get(key);
  if (known) {
    return finishReport(known, env, options.recipientEmail);
  }
  let fetches = 0;
  const counted: VerifyEnv = env.fetchRemote
    ? {
        ...env,
        fetchRemote: (url) => {
          fetches += 1;
          return (env.fetchRemote as NonNullable<VerifyEnv["fetchRemote"]>)(url);
        },
      }
    : env;
  const verifications = ctx.state.verifications;
  verifications.analysing += 1;
  let analysis: Analysis;
  try {
    const large = read.text.length >= LARGE_SIGNATURE_TEXT;
    const checkSignature = (check: SignatureCheck) => signatureOnWorker(ctx, check, large);
    analysis = await analyseCredential(read, ctx.signing.size > 0 ? { ...counted, checkSignature } : counted, {
      profile,
    });
  } finally {
    verifications.analysing -= 1;
  }
  if (fetches === 0 && analysis.live?.standard === "ob3" && !read.text.includes('"expires"')) {
    memo.set(key, deepFreeze(analysis), { size: Math.max(1, read.text.length) });
  }
  return finishReport(analysis, env, options.recipientEmail);
}

/**
 * A credential's text from this length on has its signatures checked on a worker even when it is verified alone: its
 * canonicalisation would hold the main thread for about a millisecond or more (a 4.7 KB Open Badge: 0.3 ms).
 */
const LARGE_SIGNATURE_TEXT = 16 * 1024;

/**
 * Where a proof's signature is checked (verify/signature-check.ts: the proof's canonicalisation and signature, the
 * costly, self-contained part of a verification; everything else stays on this thread): on a worker of the signing
 * pool, through the service's SignatureQueue (one task in flight per core but one), while other analyses are in progress (ServiceState.verifications) or
 * when the credential is large; else here (undefined), where one alone costs less CPU than the round trip and answers
 * sooner. Undefined too when the pool cannot make it (no worker, a bulk chunk waiting, a worker lost twice): checked
 * here, never lost. The worker's answer is this thread's: the same function on the same plain data.
 */
function signatureOnWorker(
  ctx: ServiceContext,
  check: SignatureCheck,
  large: boolean,
): Promise<SignatureOutcome | undefined> {
  const { analysing, onWorkerFrom, signatures } = ctx.state.verifications;
  if (!large && analysing - 1 < onWorkerFrom) {
    return Promise.resolve(undefined);
  }
  // One core stays this thread's (the pool has one worker per core): tasks on more workers would only share the
  // others, in more and smaller round trips (at 8 in flight on 2 cores, one task at a time: batches of 8, 500 round
  // trips for 4,000 verifications against 1,200, and 704-768 us of main-thread CPU per verification against 884-924)
  const tasks = Math.max(1, ctx.signing.size - 1);
  return signatures.check(check, (task) => ctx.signing.host<SignatureTaskOutcome>(task), tasks);
}

const RECORDS = "this service's records";
/** Our credential URLs in a document's text: the first names the stored document it may be. */
const OWN_ID = /"https?:\/\/[^"]*\/credentials\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"/;

/** The stored analysis when `text` is, byte for byte, the document we stored under the credential id it names. */
async function ownDocument(
  ctx: ServiceContext,
  text: string,
  env: VerifyEnv,
  keyset: string,
): Promise<Analysis | undefined> {
  // without our credential URLs' beginning it names none of them (a plain search: the expression's scan of a foreign
  // document, whose contexts' URLs contain "/credentials/", costs twice as much)
  if (!text.includes(`"${credentialUrlOf(ctx, "")}`)) {
    return undefined;
  }
  const match = OWN_ID.exec(text);
  if (!match || !text.includes(`"${credentialUrlOf(ctx, match[1] as string)}"`)) {
    return undefined;
  }
  const stored = await findStoredDocument(ctx.store.conn(), match[1] as string);
  return stored !== undefined && stored === text ? storedAnalysis(ctx, stored, env, keyset) : undefined;
}

function credentialUrlOf(ctx: ServiceContext, id: string): string {
  return `${ctx.config.publicUrl}/credentials/${id}`;
}

/** The fixed checks of a stored document (our records' answer when it applies, else in full), cached by its bytes. */
export async function storedAnalysis(
  ctx: ServiceContext,
  document: string,
  env: VerifyEnv,
  keyset: string,
): Promise<Analysis> {
  const { analyses } = ctx.state.storedChecks;
  const key = `${hash("sha256", document, "base64url")}:${keyset}`;
  let analysis = analyses.get(key);
  if (!analysis) {
    const read = { text: document, format: "json", from: RECORDS } as const;
    analysis = deepFreeze(
      (await analyseOwnRecord(read, env)) ??
        (await analyseCredential({ ok: true, kind: "json", standard: "ob3", ...read }, env)),
    );
    analyses.set(key, analysis);
  }
  return analysis;
}

/**
 * Verifies one of our stored credentials, for its public page. A document we signed with a key we publish is not
 * verified cryptographically again (engine.ts `analyseOwnRecord` says why); anything else stored is, in full. The
 * schema, proof and issuer checks depend only on the stored bytes and our keys, so they are cached (bounded) under a
 * hash of both; validity, status and the recipient are evaluated live on every call. Undefined when there is no such
 * credential.
 */
export async function verifyStoredCredential(
  ctx: ServiceContext,
  credentialId: string,
  options: VerifyOptions = {},
): Promise<VerificationReport | undefined> {
  const stored = await findStoredDocument(ctx.store.conn(), credentialId);
  return stored === undefined ? undefined : verifyStoredDocument(ctx, stored, options);
}

/** verifyStoredCredential for a stored document the caller has read (the page reads it with the lifecycle). */
export async function verifyStoredDocument(
  ctx: ServiceContext,
  stored: string,
  options: VerifyOptions = {},
): Promise<VerificationReport> {
  const keys = await ctx.keys.fresh();
  const env = await verifyEnv(ctx, keys);
  return finishReport(await storedAnalysis(ctx, stored, env, keys.keyset), env, options.recipientEmail);
}

/** Cached analyses are shared by every later report: frozen, so no caller can alter what the next one sees. */
function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const member of Object.values(value)) {
      deepFreeze(member);
    }
  }
  return value;
}
