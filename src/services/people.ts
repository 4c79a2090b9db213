import type { CatalogEntry } from "../domain/catalog/parse-catalog.js";
import { isoOf } from "../domain/civil-date.js";
import { normaliseEmail } from "../domain/credential/identity.js";
import { evidenceItemsOf } from "../domain/criteria/rule-items.js";
import type { RuleReport } from "../domain/criteria/types.js";
import { AppError } from "../errors.js";
import type { EvidenceRow } from "../storage/evidence-repo.js";
import {
  auditAboutPerson,
  evidencePeopleByEmail,
  evidencePeopleByName,
  type PeopleCursor,
  type PersonMatch,
  type PersonRecord,
  personRecords,
  recipientIdsOf,
  recipientsByEmail,
  recipientsByName,
} from "../storage/people-repo.js";
import { approvalsOfPerson, credentialsHeldBy, type HeldRow } from "../storage/person-credentials-repo.js";
import { type PersonMark, personMarkOf } from "../storage/person-page-repo.js";
import type { AuditView } from "./audit.js";
import type { ServiceContext } from "./deps.js";
import { loadPersonState, type PersonState, toEvaluatorEvidence, toHeldCredential } from "./person-state.js";
import { type ProgressStatus, progressOn, progressStableUntil } from "./progress.js";

/**
 * The console's people: find a person by the beginning of their e-mail address or name, and everything the console
 * knows about one person (progress on every certification, evidence with its corrections, credentials, history),
 * limited to the programs the reader may read. A person is named in addresses by an opaque reference (their recipient
 * id, else one of their evidence records' ids), never by their e-mail address.
 */

/** The programs a reader may read credentials of and evidence of: "all", or a list (empty: none). */
export type PeopleScope = { credentials: "all" | string[]; evidence: "all" | string[] };

export type PersonHit = { ref: string; email: string; name: string };

const MAX_QUERY = 200;

/**
 * The characters of a stored address (lower-cased, as they are stored): the one rule for addresses
 * (domain/email.ts's EMAIL_PATTERN, which every address the store holds passed) allows only these. A search text with
 * any other character is the beginning of no address.
 */
const ADDRESS_TEXT = /^[a-z0-9_'+.@-]*$/;

/** The certifications of these programs (undefined: every one, no filter). */
function certificationsOf(ctx: ServiceContext, programs: "all" | string[]): CatalogEntry[] | undefined {
  return programs === "all" ? undefined : ctx.catalog.entries.filter((e) => programs.includes(e.program));
}

/** What a scope lets a reader see: credentials of these certifications, evidence on these items (undefined: all). */
function visibility(ctx: ServiceContext, scope: PeopleScope) {
  const credentialEntries = certificationsOf(ctx, scope.credentials);
  const evidenceEntries = certificationsOf(ctx, scope.evidence);
  return {
    achievementIds: credentialEntries?.map((e) => e.id),
    items: evidenceEntries ? [...new Set(evidenceEntries.flatMap((e) => evidenceItemsOf(e.criteria.rule)))] : undefined,
    /** Progress: the certifications of every program the reader may read credentials or evidence of. */
    certification: (entry: CatalogEntry) =>
      scope.credentials === "all" ||
      scope.evidence === "all" ||
      scope.credentials.includes(entry.program) ||
      scope.evidence.includes(entry.program),
  };
}

function encodeCursor(cursor: PeopleCursor): string {
  return Buffer.from(JSON.stringify([cursor.key, cursor.email]), "utf8").toString("base64url");
}

function decodeCursor(text: string): PeopleCursor {
  try {
    const value = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as unknown;
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === "string" && v.length <= 400)) {
      return { key: value[0] as string, email: value[1] as string };
    }
  } catch {
    // refused below
  }
  throw new AppError("VALIDATION_FAILED", "The page link is not valid", {
    errors: [{ path: "cursor", message: "is not a page link of this search" }],
  });
}

function byKey(a: PersonMatch, b: PersonMatch): number {
  if (a.key !== b.key) {
    return a.key < b.key ? -1 : 1;
  }
  if (a.email !== b.email) {
    return a.email < b.email ? -1 : 1;
  }
  // the same person found twice: the recipient (it carries the reference) first
  return (a.recipientId ? 0 : 1) - (b.recipientId ? 0 : 1);
}

/** A stream not searched. */
const NONE: readonly PersonMatch[] = Object.freeze([]);

/**
 * People whose e-mail address or name begins with `query` (case-insensitively; with an "@" only addresses; empty:
 * everyone), in the order of the text that matched, `limit` to a page after `cursor`; only people holding a
 * credential, or having evidence, the reader may see.
 */
export async function searchPeople(
  ctx: ServiceContext,
  input: { query: string; scope: PeopleScope; limit: number; cursor?: string },
): Promise<{ items: PersonHit[]; nextCursor: string | null }> {
  const query = input.query.trim();
  if (query.length > MAX_QUERY) {
    throw new AppError("VALIDATION_FAILED", `The search is longer than ${MAX_QUERY} characters`, {
      errors: [{ path: "q", message: `must be at most ${MAX_QUERY} characters` }],
    });
  }
  const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor);
  const seen = visibility(ctx, input.scope);
  const db = ctx.store.conn();
  // Each stream's query written out property by property: an object literal spreading others takes V8's slow path
  const limit = input.limit + 1;
  const recipients = seen.achievementIds === undefined || seen.achievementIds.length > 0;
  const withEvidence = seen.items === undefined || seen.items.length > 0;
  const byName = query !== "" && !query.includes("@");
  const address = query.toLowerCase();
  const skipNamePrefix = byName ? query : undefined;
  // Only the beginning of an address can begin an address: one with a character no address has (a space, as in a
  // full name) is searched by name alone
  const byEmail = ADDRESS_TEXT.test(address);
  const { achievementIds, items } = seen;
  const streams = await Promise.all([
    recipients && byEmail
      ? recipientsByEmail(db, { prefix: address, limit, after, skipNamePrefix, achievementIds })
      : NONE,
    recipients && byName ? recipientsByName(db, { prefix: query, limit, after, achievementIds }) : NONE,
    withEvidence && byEmail
      ? evidencePeopleByEmail(db, { prefix: address, limit, after, skipNamePrefix, items })
      : NONE,
    withEvidence && byName ? evidencePeopleByName(db, { prefix: query, limit, after, items }) : NONE,
  ]);
  let full = false;
  for (const rows of streams) {
    full ||= rows.length > input.limit;
  }
  const merged = streams.flat().sort(byKey);
  const shown: PersonMatch[] = [];
  const emailsShown = new Set<string>();
  let more = full;
  for (const match of merged) {
    if (emailsShown.has(match.email)) {
      continue;
    }
    if (shown.length === input.limit) {
      // another person beyond this page
      more = true;
      break;
    }
    emailsShown.add(match.email);
    shown.push(match);
  }
  const missing: string[] = [];
  for (const match of shown) {
    if (match.recipientId === null) {
      missing.push(match.email);
    }
  }
  const recipientIds = await recipientIdsOf(db, missing);
  const last = shown.at(-1);
  const hits: PersonHit[] = [];
  for (const match of shown) {
    hits.push({
      ref: match.recipientId ?? recipientIds.get(match.email) ?? match.evidenceId,
      email: match.email,
      name: match.name || match.email,
    });
  }
  return {
    items: hits,
    nextCursor: more && last ? encodeCursor({ key: last.key, email: last.email }) : null,
  };
}

export type ProgressLine = { words: string; met: boolean; missing?: string; notes: string[]; depth: number };

export type PersonProgress = {
  certification: string;
  name: string;
  program: string;
  status: ProgressStatus;
  /** The rule's lines, the root first: the rule in the catalog's public words, met or not, what is missing. */
  lines: ProgressLine[];
  /** Something counts towards it (or it is held, due, met). */
  started: boolean;
};

export type EvidenceLine = {
  id: string;
  kind: EvidenceRow["kind"];
  item: string;
  occurredAt: Date;
  submittedAt: Date;
  submittedBy: string;
  personName: string | null;
  data: Record<string, unknown>;
  /** The record this one corrects, and the one that corrected this one. */
  supersedes: string | null;
  correctedBy: string | null;
};

export type HeldCredentialLine = {
  id: string;
  achievementId: string;
  name: string;
  state: "active" | "revoked" | "suspended" | "expired";
  validFrom: Date;
  validUntil: Date | null;
};

/** An audit entry of a person's page (AuditView without its details, which the page does not show). */
export type PersonHistoryEntry = Omit<AuditView, "details">;

export type PersonOverview = {
  ref: string;
  email: string;
  name: string;
  progress: PersonProgress[];
  /** Null: the reader may not read evidence (of any program). */
  evidence: { lines: EvidenceLine[]; total: number; olderCursor: string | null } | null;
  /** Null: the reader may not read credentials (of any program). */
  credentials: HeldCredentialLine[] | null;
  /** The newest audit entries about their credentials, evidence and awards the reader may see. */
  history: PersonHistoryEntry[];
  /** Until when (ms) the passing of time alone changes nothing shown (progressStableUntil). */
  stableUntil: number;
};

const REF = /^[A-Za-z0-9_-]{1,100}$/;

function stateOf(row: HeldRow, now: Date): HeldCredentialLine["state"] {
  if (row.revokedAt) {
    return "revoked";
  }
  if (row.suspendedAt) {
    return "suspended";
  }
  return row.validUntil && row.validUntil <= now ? "expired" : "active";
}

/** The rule's report as lines, the root first, each rule in the catalog's public words (`words(ruleId)`). */
export function progressLines(report: RuleReport | null, words: (id: string) => string | undefined): ProgressLine[] {
  const lines: ProgressLine[] = [];
  const walk = (r: RuleReport, depth: number) => {
    // written without an object spread (V8's slow path), a line per rule of every certification shown
    const met = r.status === "met";
    const line: ProgressLine = { words: words(r.id) ?? r.label, met, notes: r.notes ?? [], depth };
    if (!met && r.missing) {
      line.missing = r.missing;
    }
    lines.push(line);
    if (r.children !== undefined) {
      for (const child of r.children) {
        walk(child, depth + 1);
      }
    }
  };
  if (report) {
    walk(report, 0);
  }
  return lines;
}

/** What the reader may see of a person's page, and the console's wording of rules (see personOverview). */
export type PersonPageInput = {
  ref: string;
  scope: PeopleScope;
  evidencePage: number;
  evidenceCursor?: string;
  historySize: number;
  /** The rule of a certification in the catalog's public words (the console's pages word it). */
  words: (entry: CatalogEntry, ruleId: string) => string | undefined;
};

/**
 * The person a reference names and the mark of their page (personMarkOf: one statement, read on every view, so that a
 * change made on any node shows at once); 404 when none: an unknown or malformed reference.
 */
async function personMarked(ctx: ServiceContext, ref: string): Promise<PersonMark> {
  const person = REF.test(ref) ? await personMarkOf(ctx.store.conn(), ref) : undefined;
  if (!person) {
    // not echoed: a reference is opaque, and whatever was typed in its place (an address?) stays out of the answer
    throw new AppError("NOT_FOUND", "No person has this reference");
  }
  return person;
}

/**
 * Everything the console shows of the person `ref` names, as far as `scope` lets the reader see: 404 for an unknown
 * reference, 403 when the reader may see nothing of theirs. `evidenceCursor`: the evidence page after that record.
 */
export async function personOverview(ctx: ServiceContext, input: PersonPageInput): Promise<PersonOverview> {
  return overviewOf(ctx, input, await personMarked(ctx, input.ref));
}

/** A person's page as `render` makes it from their overview (UTF-8), and the name it is titled with. */
export type PersonPageView = { name: string; page: Uint8Array };

/**
 * A person's page, rendered by `render` from their overview (personOverview), or the same page rendered before when
 * nothing it shows can have changed since: a page is kept (ServiceState.personPages) by everything that decides what
 * it shows (the person and the reference it was opened by, the reader's programs, the evidence page, `variant`: what
 * else the renderer shows of the reader) with the catalog it was worked out with, the mark of the person's rows
 * (personMarkOf, read from the database on every view before anything is worked out, so that what is worked out is
 * at least as new as its mark) and the span of time in which its outcomes hold (progressStableUntil: a credential
 * expiring, a renewal window opening or a record ageing out ends it).
 */
export async function personPage(
  ctx: ServiceContext,
  input: PersonPageInput & { variant: string },
  render: (overview: PersonOverview) => Uint8Array,
): Promise<PersonPageView> {
  const person = await personMarked(ctx, input.ref);
  // the reference too: the page links by the one it was opened with (a person has several)
  const key = JSON.stringify([input.ref, person.email, input.scope, input.evidenceCursor ?? null, input.variant]);
  const now = ctx.clock().getTime();
  const cache = ctx.state.personPages;
  const kept = cache.get(key);
  if (
    kept !== undefined &&
    kept.catalog === ctx.catalog.entries &&
    kept.mark === person.mark &&
    kept.from <= now &&
    now < kept.until
  ) {
    return { name: kept.name, page: kept.page };
  }
  const overview = await overviewOf(ctx, input, person);
  const page = render(overview);
  cache.set(key, {
    catalog: ctx.catalog.entries,
    mark: person.mark,
    from: now,
    until: overview.stableUntil,
    name: overview.name,
    page,
  });
  return { name: overview.name, page };
}

/** The person's overview, from their rows read now (after their mark: at least as new as it). */
async function overviewOf(ctx: ServiceContext, input: PersonPageInput, person: PersonMark): Promise<PersonOverview> {
  const db = ctx.store.conn();
  const seen = visibility(ctx, input.scope);
  const now = ctx.clock();
  const [held, approvals, records] = await Promise.all([
    credentialsHeldBy(db, person.email),
    approvalsOfPerson(db, person.email),
    personRecords(db, person.email),
  ]);
  const heldShown = held.filter(
    (h) => seen.achievementIds === undefined || seen.achievementIds.includes(h.achievementId),
  );
  const recordsShown = records.filter((r) => seen.items === undefined || seen.items.includes(r.item));
  const canCredentials = input.scope.credentials === "all" || input.scope.credentials.length > 0;
  const canEvidence = input.scope.evidence === "all" || input.scope.evidence.length > 0;
  if ((!canCredentials || heldShown.length === 0) && (!canEvidence || recordsShown.length === 0)) {
    throw new AppError(
      "FORBIDDEN",
      "Your roles do not allow this (this person has no credential or evidence in the programs you may read)",
      { requiredPermission: "credentials:read" },
    );
  }
  // Progress only on the certifications shown, from the rows read above (the evaluator's view of the same records).
  const entries = ctx.catalog.entries.filter(seen.certification);
  const email = normaliseEmail(person.email);
  const state: PersonState =
    email === person.email
      ? { email, name: person.email, evidence: records.map(toEvaluatorEvidence), held: held.map(toHeldCredential) }
      : await loadPersonState(ctx, email);
  const approvalsOfState = email === person.email ? approvals : await approvalsOfPerson(db, email);
  const all = progressOn(ctx, state, entries, approvalsOfState);
  // the rows of another address than the page's are not in its mark: worked out afresh on every view
  const stableUntil = email === person.email ? progressStableUntil(ctx, state, entries, now) : now.getTime();
  const progress: PersonProgress[] = [];
  for (const [i, entry] of entries.entries()) {
    const p = all[i] as (typeof all)[number];
    const lines = progressLines(p.report, (id) => input.words(entry, id));
    progress.push({
      certification: entry.id,
      name: entry.name,
      program: entry.program,
      status: p.status,
      lines,
      started: (p.status !== "in-progress" && p.status !== "not-automated") || lines.some((l) => l.met),
    });
  }
  const evidence = canEvidence ? evidencePage(recordsShown, input.evidencePage, input.evidenceCursor) : null;
  const credentials = canCredentials
    ? heldShown
        .map((h) => ({
          id: h.credentialId,
          achievementId: h.achievementId,
          name: ctx.catalog.get(h.achievementId)?.name ?? h.achievementId,
          state: stateOf(h, now),
          validFrom: h.validFrom,
          validUntil: h.validUntil,
        }))
        .sort((a, b) => b.validFrom.getTime() - a.validFrom.getTime() || (a.id < b.id ? 1 : -1))
    : null;
  // the entries about what the page shows of theirs: the credentials, records and approvals read above, by their
  // ids (a set per type: no key text made per id, the ids read being the strings looked up)
  const credentialsShown = new Set<string>();
  if (canCredentials) {
    for (const h of heldShown) {
      credentialsShown.add(h.credentialId);
    }
  }
  const evidenceShown = new Set<string>();
  if (canEvidence) {
    for (const r of recordsShown) {
      evidenceShown.add(r.id);
    }
  }
  const approvalsShown = new Set<string>();
  for (const a of approvals) {
    if (visibleCertification(ctx, seen, a.achievementId)) {
      approvalsShown.add(a.id);
    }
  }
  const history = await historyOf(ctx, person.email, input.historySize, (type, id) =>
    type === "credential"
      ? credentialsShown.has(id)
      : type === "evidence"
        ? evidenceShown.has(id)
        : type === "approval" && approvalsShown.has(id),
  );
  const name = person.recipientName ?? [...records].reverse().find((r) => r.personName)?.personName ?? person.email;
  return {
    ref: input.ref,
    email: person.email,
    name,
    stableUntil,
    progress,
    evidence,
    credentials,
    history,
  };
}

function visibleCertification(ctx: ServiceContext, seen: ReturnType<typeof visibility>, id: string): boolean {
  const entry = ctx.catalog.get(id);
  return entry !== undefined && seen.certification(entry);
}

/**
 * The newest `size` audit entries about a person's credentials, evidence records and approvals that `visible` lets the
 * reader see (by the entry's target type and id), newest first: read `size` at a
 * time until the page is full or the entries run out (one statement for a reader who sees everything of theirs).
 */
async function historyOf(
  ctx: ServiceContext,
  email: string,
  size: number,
  visible: (type: string, id: string) => boolean,
): Promise<PersonHistoryEntry[]> {
  const db = ctx.store.conn();
  const history: PersonHistoryEntry[] = [];
  let before = Number.MAX_SAFE_INTEGER;
  while (size > 0 && history.length < size) {
    const rows = await auditAboutPerson(db, email, size, before);
    for (const [seq, at, actor, action, type, id] of rows) {
      if (history.length < size && visible(type, id)) {
        history.push({ seq, at: isoOf(at), actor, action, target: { type, id } });
      }
    }
    const last = rows.at(-1);
    if (rows.length < size || last === undefined) {
      break;
    }
    before = last[0];
  }
  return history;
}

/** One page of a person's evidence, newest first (by when it happened, then when it was recorded), after `cursor`. */
function evidencePage(rows: PersonRecord[], size: number, cursor: string | undefined) {
  const correctedBy = new Map<string, string>();
  for (const row of rows) {
    if (row.supersedes) {
      correctedBy.set(row.supersedes, row.id);
    }
  }
  const newest = [...rows].sort(
    (a, b) => b.occurredAt - a.occurredAt || b.submittedAt - a.submittedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
  );
  let from = 0;
  if (cursor !== undefined) {
    const at = newest.findIndex((r) => r.id === cursor);
    if (at < 0) {
      throw new AppError("VALIDATION_FAILED", "The page link is not valid", {
        errors: [{ path: "evidence", message: "is not a page link of this person's evidence" }],
      });
    }
    from = at + 1;
  }
  const page = newest.slice(from, from + size);
  const last = page.at(-1);
  const lines: EvidenceLine[] = [];
  for (const row of page) {
    lines.push({
      id: row.id,
      kind: row.kind,
      item: row.item,
      occurredAt: new Date(row.occurredAt),
      submittedAt: new Date(row.submittedAt),
      submittedBy: row.submittedBy,
      personName: row.personName,
      data: row.data,
      supersedes: row.supersedes,
      correctedBy: correctedBy.get(row.id) ?? null,
    });
  }
  return { total: rows.length, lines, olderCursor: from + size < newest.length && last ? last.id : null };
}
