import { bitAt, decodeEncodedList, STATUS_LIST_LENGTH } from "../domain/status/bitstring.js";
import { issuerIdOf, verifyEmbeddedProofs } from "./embedded-proofs.js";
import type { StatusListCheck, VerifyEnv } from "./environment.js";
import { checkIssuer } from "./issuer-check.js";
import { isOurs } from "./keys.js";
import { fetchJsonObject } from "./remote.js";
import type { Check } from "./report.js";
import { check1EdTechList } from "./revocation-list-1edtech.js";
import { isJsonObject, shown } from "./safe-json.js";
import { parseInstant } from "./validity.js";

export type EntryResult =
  | { state: "active"; note: string }
  | { state: "revoked" | "suspended"; note: string }
  | { state: "unknown"; code: string; note: string }
  | { state: "ignored" };

const check = (outcome: Check["outcome"], code: string, message: string): Check => ({
  id: "status",
  outcome,
  title: "Revocation and suspension",
  message,
  code,
});

/** Tolerance for a status list's `validFrom` ahead of our clock (the @digitalbazaar/vc default skew). */
const LIST_CLOCK_SKEW_MS = 300_000;
/** More status entries than this are not looked up (each may cost a fetch). */
/** More status entries than this are not looked up (nor schema-checked): the status is then "not checked". */
export const MAX_STATUS_ENTRIES = 4;

/**
 * Revocation and suspension: every `BitstringStatusListEntry` (revocation, suspension) is looked up in its signed list,
 * ours in process, others' over the network when enabled; `1EdTechRevocationList` when reachable. A list that cannot
 * be read or trusted leaves the status "not checked", never "valid".
 */
export async function checkStatus(credential: Record<string, unknown>, env: VerifyEnv): Promise<Check> {
  const raw = credential.credentialStatus;
  const entries = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  if (entries.length === 0) {
    return check("not-checked", "no-status", "The issuer publishes no status for this credential.");
  }
  if (entries.length > MAX_STATUS_ENTRIES) {
    return check(
      "not-checked",
      "too-many-entries",
      `The credential lists ${entries.length} status entries; this verifier looks up at most ${MAX_STATUS_ENTRIES}.`,
    );
  }
  const results: EntryResult[] = [];
  for (const entry of entries) {
    results.push(await checkEntry(entry, credential, env));
  }
  for (const state of ["revoked", "suspended"] as const) {
    const hit = results.find((r) => r.state === state);
    if (hit && hit.state === state) {
      return check("failed", state, hit.note);
    }
  }
  const unknown = results.find((r) => r.state === "unknown");
  if (unknown && unknown.state === "unknown") {
    return check("not-checked", unknown.code, unknown.note);
  }
  const active = results.filter((r) => r.state === "active").map((r) => (r.state === "active" ? r.note : ""));
  if (active.length === 0) {
    return check(
      "not-checked",
      "no-status",
      "The issuer publishes no revocation or suspension status for this credential.",
    );
  }
  return check("passed", "active", active.join(" "));
}

async function checkEntry(entry: unknown, credential: Record<string, unknown>, env: VerifyEnv): Promise<EntryResult> {
  if (!isJsonObject(entry)) {
    return { state: "unknown", code: "unsupported-status", note: "The credential's status entry is malformed." };
  }
  if (entry.type === "BitstringStatusListEntry") {
    if (entry.statusPurpose !== "revocation" && entry.statusPurpose !== "suspension") {
      return { state: "ignored" };
    }
    return checkBitstringEntry(entry, entry.statusPurpose, env);
  }
  if (entry.type === "1EdTechRevocationList") {
    return check1EdTechList(entry, credential, env);
  }
  return {
    state: "unknown",
    code: "unsupported-status",
    note: `The credential's status uses ${shown(entry.type)}, which this verifier does not read.`,
  };
}

type ListCheck = StatusListCheck;

/** Whether a list URL is ours (`isOurs`, a few URL parses), by our DID, public URL and the list URL; bounded. */
const listIsOurs = new Map<string, boolean>();

function isOurList(url: string, env: VerifyEnv): boolean {
  const key = `${env.local.did} ${env.local.publicUrl} ${url}`;
  let ours = listIsOurs.get(key);
  if (ours === undefined) {
    ours = isOurs(url, env);
    if (listIsOurs.size >= 1000) {
      listIsOurs.clear();
    }
    listIsOurs.set(key, ours);
  }
  return ours;
}

/**
 * A list's validity period as `checkValidity` reads it (validFrom or issuanceDate, validUntil or expirationDate), in
 * milliseconds; `bad` when a date is not a valid date and time. Kept per list object for our own lists (frozen: one
 * object per signed version), so a page view compares two numbers instead of parsing and wording the dates.
 */
type ListWindow = { bad: boolean; start?: number; end?: number };
const listWindows = new WeakMap<object, ListWindow>();

function listWindow(list: Record<string, unknown>): ListWindow {
  const known = listWindows.get(list);
  if (known) {
    return known;
  }
  const from = parseInstant(list.validFrom !== undefined ? list.validFrom : list.issuanceDate);
  const until = parseInstant(list.validUntil !== undefined ? list.validUntil : list.expirationDate);
  const window: ListWindow =
    from === "invalid" || until === "invalid"
      ? { bad: true }
      : {
          bad: false,
          ...(from !== undefined ? { start: from.getTime() } : {}),
          ...(until !== undefined ? { end: until.getTime() } : {}),
        };
  if (Object.isFrozen(list)) {
    listWindows.set(list, window);
  }
  return window;
}

async function checkBitstringEntry(
  entry: Record<string, unknown>,
  purpose: "revocation" | "suspension",
  env: VerifyEnv,
): Promise<EntryResult> {
  const url = entry.statusListCredential;
  const index =
    typeof entry.statusListIndex === "string" && /^\d{1,10}$/.test(entry.statusListIndex)
      ? Number(entry.statusListIndex)
      : NaN;
  if (typeof url !== "string" || !Number.isSafeInteger(index)) {
    return {
      state: "unknown",
      code: "list-invalid",
      note: `The ${purpose} status entry is malformed (list URL or index).`,
    };
  }
  if (entry.statusSize !== undefined && entry.statusSize !== 1) {
    return {
      state: "unknown",
      code: "unsupported-status",
      note: `The ${purpose} status uses multi-bit entries, which this verifier does not read.`,
    };
  }
  const list = await loadList(url, purpose, env);
  if (!list.ok) {
    return { state: "unknown", code: list.code, note: `The ${purpose} status could not be checked: ${list.reason}.` };
  }
  if (index >= list.bits.length * 8) {
    return {
      state: "unknown",
      code: "list-invalid",
      note: `The ${purpose} status could not be checked: index ${index} is outside the list.`,
    };
  }
  if (bitAt(list.bits, index)) {
    // a set bit in the issuer's signed list is the issuer's word, even in a list too short to protect privacy
    const state = purpose === "revocation" ? "revoked" : "suspended";
    return { state, note: `The issuer has ${state} this credential (status list ${url}).` };
  }
  const noun = purpose === "revocation" ? "revoked" : "suspended";
  if (list.short) {
    // BSL §3.2 STATUS_LIST_LENGTH_ERROR: an unset bit in a list this short cannot be relied on
    return {
      state: "unknown",
      code: "list-too-short",
      note: `Whether it is ${noun} could not be confirmed: the issuer's status list has ${list.bits.length * 8} entries, fewer than the ${STATUS_LIST_LENGTH} the standard requires.`,
    };
  }
  return { state: "active", note: `Not ${noun} (checked against the issuer's signed status list).` };
}

async function loadList(url: string, purpose: string, env: VerifyEnv): Promise<ListCheck> {
  const ours = isOurList(url, env);
  let list: Record<string, unknown>;
  if (ours) {
    const found = await env.local.statusList?.(url);
    if (!found) {
      return { ok: false, code: "list-missing", reason: `this service has no status list at ${url}` };
    }
    list = found;
  } else {
    const fetched = await fetchJsonObject(url, env);
    if (!fetched.ok) {
      return { ok: false, code: fetched.code, reason: fetched.reason };
    }
    list = fetched.value;
  }
  // Our own lists are memoised by object identity: the service hands out one frozen object per signed version (a
  // change re-signs the list and yields a new object), so the memo cannot go stale.
  const memo = ours && Object.isFrozen(list) ? env.local.statusListChecks : undefined;
  const memoised = memo?.get(list);
  const checked = memoised ?? (await checkList(list, url, env));
  if (memo && !memoised) {
    memo.set(list, checked);
  }
  if (!checked.ok) {
    return checked;
  }
  const subject = list.credentialSubject as Record<string, unknown>;
  const purposes = Array.isArray(subject.statusPurpose) ? subject.statusPurpose : [subject.statusPurpose];
  if (!purposes.includes(purpose)) {
    return { ok: false, code: "list-invalid", reason: `the list at ${url} is not a ${purpose} list` };
  }
  // a list is signed when it changes, possibly by a server whose clock runs a little ahead: allow that much skew
  // (checkValidity's reading of the list's dates, against now plus the skew, then against now)
  const window = listWindow(list);
  const now = env.now.getTime();
  if (window.bad || (window.start !== undefined && now + LIST_CLOCK_SKEW_MS < window.start)) {
    return { ok: false, code: "list-invalid", reason: `the list at ${url} is not valid yet or has an invalid date` };
  }
  if (!(window.start !== undefined && now < window.start) && window.end !== undefined && now > window.end) {
    return { ok: false, code: "list-invalid", reason: `the list at ${url} has expired` };
  }
  return checked;
}

/** The parts of a list check that depend only on its bytes: shape, signature, signer, decoded bits. */
async function checkList(list: Record<string, unknown>, url: string, env: VerifyEnv): Promise<ListCheck> {
  const types = Array.isArray(list.type) ? list.type : [list.type];
  const subject = list.credentialSubject;
  if (
    !types.includes("BitstringStatusListCredential") ||
    !isJsonObject(subject) ||
    subject.type !== "BitstringStatusList"
  ) {
    return {
      ok: false,
      code: "list-invalid",
      reason: `the document at ${url} is not a Bitstring Status List credential`,
    };
  }
  const proof = await verifyEmbeddedProofs(list, env);
  if (proof.outcome !== "passed") {
    return {
      ok: false,
      code: "list-invalid",
      reason: `the list's signature could not be confirmed (${proof.message})`,
    };
  }
  const issuer = issuerIdOf(list);
  const signer = await checkIssuer(issuer, proof, env);
  if (signer.outcome !== "passed") {
    return { ok: false, code: "list-invalid", reason: `the list is not signed by its issuer (${signer.message})` };
  }
  const decoded = decodeEncodedList(subject.encodedList);
  if (!decoded.ok) {
    return { ok: false, code: "list-invalid", reason: `the list at ${url} is unusable: ${decoded.reason}` };
  }
  return { ok: true, bits: decoded.bits, short: decoded.short, ...(issuer ? { issuer } : {}) };
}
