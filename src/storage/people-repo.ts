import { and, asc, desc, eq, inArray, lt, type SQL, sql } from "drizzle-orm";
import { auditHeadColumns } from "./audit-repo.js";
import { fixedLimit, prepared, rowsOf } from "./prepared.js";
import type { Conn } from "./store.js";

/**
 * The console's people search. A person is an e-mail address known to the store: a recipient of credentials
 * (`recipients`), or someone with evidence only (`evidence`). Each is found by the beginning of their e-mail address
 * or of their name (case-insensitively, by the database's own `lower()`), in the order of the text that matched: four
 * indexed range scans (recipients by email, by lower(name); evidence by person_email, by lower(person_name)), each
 * after the cursor and limited, merged by the caller.
 */

/** A match: `key` is the text that matched (the email, or the lower-cased name), the order of a result page. */
export type PersonMatch = { key: string; email: string; name: string; recipientId: string | null; evidenceId: string };

/** After this (key, email), in that order. */
export type PeopleCursor = { key: string; email: string };

export type PeopleStreamQuery = {
  /** The typed beginning, as typed (the database lower-cases it for names); "" lists everyone. */
  prefix: string;
  after?: PeopleCursor;
  limit: number;
  /** Only recipients holding a credential of these certifications (undefined: any). */
  achievementIds?: readonly string[];
  /** Only people with evidence on these items (undefined: any). */
  items?: readonly string[];
};

/**
 * Above every character a name or address holds (U+10FFFF): `prefix || TOP` bounds the range of texts beginning with
 * `prefix` (byte order, as SQLite's BINARY and PostgreSQL's "C" collation compare); a `substr` check keeps only true
 * prefixes whatever the collation.
 */
const TOP = "\u{10FFFF}";

/** `column` begins with `prefix` (an index range, then the exact check). */
function beginsWith(column: SQL, prefix: SQL): SQL {
  return sql`${column} >= ${prefix} and ${column} < (${prefix} || ${text(TOP)}) and substr(${column}, 1, length(${prefix})) = ${prefix}`;
}

/** A text parameter, typed for PostgreSQL (which cannot type a bare parameter inside `||`, `length` or `lower`). */
function text(value: string): SQL {
  return sql`cast(${value} as text)`;
}

/** After the cursor in (key, email) order (its values the placeholders `afterKey`, `afterEmail`). */
function afterCursor(key: SQL, email: SQL, after: PeopleCursor | undefined): SQL | undefined {
  if (after === undefined) {
    return undefined;
  }
  const k = sql`cast(${sql.placeholder("afterKey")} as text)`;
  return sql`(${key} >= ${k} and (${key} > ${k} or ${email} > cast(${sql.placeholder("afterEmail")} as text)))`;
}

/** The typed beginning (`prefix`) and the name to skip (`skipNamePrefix`), as text placeholders. */
const PREFIX = sql`cast(${sql.placeholder("prefix")} as text)`;
const SKIP = sql`cast(${sql.placeholder("skipNamePrefix")} as text)`;

/** A stream's query: the search, and the name its address streams skip (found by name already). */
type StreamQuery = PeopleStreamQuery & { skipNamePrefix?: string };

/**
 * A stream's statement: prepared once per connection for each shape of query (a cursor or not, a name to skip or
 * not) when it filters on no list (a reader of every program, the usual case), else built for this query (its lists'
 * lengths vary). Building a query cost drizzle about as much as running it; its LIMIT is written in (fixedLimit), as
 * a bound one would have SQLite compile it again on every run. Its rows come as arrays in the select's
 * order (rowsOf: no per-row mapping), all text (a name may be null).
 */
async function runStream(
  db: Conn,
  name: string,
  q: StreamQuery,
  lists: boolean,
  build: (d: Conn, q: StreamQuery) => { prepare(): { execute(values?: Record<string, unknown>): unknown } },
): Promise<(string | null)[][]> {
  const values = {
    prefix: q.prefix,
    skipNamePrefix: q.skipNamePrefix,
    afterKey: q.after?.key,
    afterEmail: q.after?.email,
  };
  if (lists) {
    // placeholders are filled only by a prepared statement: this one is prepared for this call alone
    return (await rowsOf(db, build(db, q).prepare(), values)) as (string | null)[][];
  }
  // the limit is in the statement's text (fixedLimit), so in its key
  const shape = `${q.after ? "p" : ""}${q.skipNamePrefix ? "s" : ""}:${q.limit}`;
  return (await rowsOf(db, prepared(db, `people_${name}:${shape}`, build, q), values)) as (string | null)[][];
}

/** The recipient holds a credential of one of these certifications (undefined: no condition). */
function holdsOneOf(db: Conn, achievementIds: readonly string[] | undefined): SQL | undefined {
  if (achievementIds === undefined) {
    return undefined;
  }
  const { recipients, credentials } = db.t;
  return sql`exists (select 1 from ${credentials} where ${credentials.recipientId} = ${recipients.id} and ${inArray(credentials.achievementId, [...achievementIds])})`;
}

/** Recipients whose e-mail address begins with `prefix` (already lower-case: addresses are stored so), by address. */
export async function recipientsByEmail(db: Conn, q: StreamQuery): Promise<PersonMatch[]> {
  const rows = await runStream(db, "recipients_by_email", q, q.achievementIds !== undefined, recipientsByEmailQuery);
  return recipientMatches(rows, false);
}

/** Matches from a recipients stream's rows: [email, name, id], or [key, email, name, id] when `keyed`. */
function recipientMatches(rows: (string | null)[][], keyed: boolean): PersonMatch[] {
  const matches: PersonMatch[] = [];
  const at = keyed ? 1 : 0;
  for (const row of rows) {
    const email = row[at] as string;
    matches.push({
      key: (keyed ? row[0] : email) as string,
      email,
      name: row[at + 1] as string,
      recipientId: row[at + 2] as string,
      evidenceId: "",
    });
  }
  return matches;
}

function recipientsByEmailQuery(d: Conn, q: StreamQuery) {
  const { recipients } = d.t;
  const email = sql`${recipients.email}`;
  const filters: (SQL | undefined)[] = [
    beginsWith(email, PREFIX),
    afterCursor(email, email, q.after),
    holdsOneOf(d, q.achievementIds),
  ];
  if (q.skipNamePrefix) {
    // found by their name already
    filters.push(sql`not (${beginsWith(sql`lower(${recipients.name})`, sql`lower(${SKIP})`)})`);
  }
  return d
    .select({ email: recipients.email, name: recipients.name, id: recipients.id })
    .from(recipients)
    .where(and(...filters))
    .orderBy(asc(recipients.email))
    .limit(fixedLimit(q.limit));
}

/** Recipients whose name begins with `prefix` (either case), by lower-cased name, then address. */
export async function recipientsByName(db: Conn, q: PeopleStreamQuery): Promise<PersonMatch[]> {
  const rows = await runStream(db, "recipients_by_name", q, q.achievementIds !== undefined, recipientsByNameQuery);
  return recipientMatches(rows, true);
}

function recipientsByNameQuery(d: Conn, q: StreamQuery) {
  const { recipients } = d.t;
  const key = sql<string>`lower(${recipients.name})`;
  const filters: (SQL | undefined)[] = [
    beginsWith(key, sql`lower(${PREFIX})`),
    afterCursor(key, sql`${recipients.email}`, q.after),
  ];
  filters.push(holdsOneOf(d, q.achievementIds));
  return d
    .select({ key, email: recipients.email, name: recipients.name, id: recipients.id })
    .from(recipients)
    .where(and(...filters))
    .orderBy(key, asc(recipients.email))
    .limit(fixedLimit(q.limit));
}

/** People with evidence whose address begins with `prefix`, by address (one row per person). */
export async function evidencePeopleByEmail(db: Conn, q: StreamQuery): Promise<PersonMatch[]> {
  const rows = await runStream(db, "evidence_by_email", q, q.items !== undefined, evidenceByEmailQuery);
  const matches: PersonMatch[] = [];
  for (const [email, name, id] of rows) {
    matches.push({
      key: email as string,
      email: email as string,
      name: name ?? "",
      recipientId: null,
      evidenceId: id as string,
    });
  }
  return matches;
}

function evidenceByEmailQuery(d: Conn, q: StreamQuery) {
  const { evidence } = d.t;
  const email = sql`${evidence.personEmail}`;
  const filters: (SQL | undefined)[] = [
    beginsWith(email, PREFIX),
    afterCursor(email, email, q.after),
    q.items === undefined ? undefined : inArray(evidence.item, [...q.items]),
  ];
  if (q.skipNamePrefix) {
    filters.push(sql`not (${beginsWith(sql`lower(coalesce(${evidence.personName}, ''))`, sql`lower(${SKIP})`)})`);
  }
  return d
    .select({
      email: evidence.personEmail,
      name: sql<string | null>`max(${evidence.personName})`,
      id: sql<string>`min(${evidence.id})`,
    })
    .from(evidence)
    .where(and(...filters))
    .groupBy(evidence.personEmail)
    .orderBy(asc(evidence.personEmail))
    .limit(fixedLimit(q.limit));
}

/** People with evidence whose recorded name begins with `prefix` (either case), by lower-cased name, then address. */
export async function evidencePeopleByName(db: Conn, q: PeopleStreamQuery): Promise<PersonMatch[]> {
  const rows = await runStream(db, "evidence_by_name", q, q.items !== undefined, evidenceByNameQuery);
  const matches: PersonMatch[] = [];
  for (const [key, email, name, id] of rows) {
    matches.push({
      key: key as string,
      email: email as string,
      name: name as string,
      recipientId: null,
      evidenceId: id as string,
    });
  }
  return matches;
}

function evidenceByNameQuery(d: Conn, q: StreamQuery) {
  const { evidence } = d.t;
  const key = sql<string>`lower(${evidence.personName})`;
  const filters: (SQL | undefined)[] = [
    beginsWith(key, sql`lower(${PREFIX})`),
    afterCursor(key, sql`${evidence.personEmail}`, q.after),
    q.items === undefined ? undefined : inArray(evidence.item, [...q.items]),
  ];
  return d
    .select({
      key,
      email: evidence.personEmail,
      name: sql<string>`min(${evidence.personName})`,
      id: sql<string>`min(${evidence.id})`,
    })
    .from(evidence)
    .where(and(...filters))
    .groupBy(key, evidence.personEmail)
    .orderBy(key, asc(evidence.personEmail))
    .limit(fixedLimit(q.limit));
}

/** The recipient ids of these addresses (people found by their evidence who also hold credentials). */
export async function recipientIdsOf(db: Conn, emails: readonly string[]): Promise<Map<string, string>> {
  if (emails.length === 0) {
    return new Map();
  }
  const { recipients } = db.t;
  const rows = await db
    .select({ id: recipients.id, email: recipients.email })
    .from(recipients)
    .where(inArray(recipients.email, [...emails]));
  return new Map(rows.map((r) => [r.email, r.id]));
}

/** An audit entry about a person (auditAboutPerson), as an array: seq, at (epoch ms), actor, action, target type and id. */
export type PersonAuditRow = [number, number, string, string, string, string];

/**
 * The newest `limit` audit entries (before `beforeSeq`) about the credentials, evidence records and approvals of the
 * person with this address, newest first: one statement prepared once per page size, walking the person's entries in
 * `person_history` (kept by a trigger on the log, migration person_history_kept) backwards from `beforeSeq` by its
 * primary key, each joined to its entry by `seq`: `limit` entries read, however many the person has.
 */
export async function auditAboutPerson(
  db: Conn,
  email: string,
  limit: number,
  beforeSeq: number,
): Promise<PersonAuditRow[]> {
  const statement = prepared(db, `audit_about_person_${limit}`, auditAboutPersonQuery, limit);
  return (await rowsOf(db, statement, { email, before: beforeSeq })) as PersonAuditRow[];
}

function auditAboutPersonQuery(d: Conn, limit: number) {
  const { auditLog, personHistory } = d.t;
  return d
    .select(auditHeadColumns(auditLog))
    .from(personHistory)
    .innerJoin(auditLog, eq(auditLog.seq, personHistory.seq))
    .where(and(eq(personHistory.email, sql.placeholder("email")), lt(personHistory.seq, sql.placeholder("before"))))
    .orderBy(desc(personHistory.seq))
    .limit(fixedLimit(limit));
}

/** A person's evidence record as their page reads it (personRecords): times as epoch milliseconds. */
export type PersonRecord = {
  id: string;
  kind: "assessment" | "completion" | "rating" | "closure";
  item: string;
  occurredAt: number;
  submittedAt: number;
  submittedBy: string;
  personName: string | null;
  supersedes: string | null;
  data: Record<string, unknown>;
};

/**
 * Every evidence record of the person with this address, oldest first (by when it happened, then when it was
 * recorded, then id), as listEvidenceFor reads them but with its rows taken as arrays (rowsOf) rather than mapped by
 * drizzle into objects with Dates: for a person with 200 records drizzle's mapping cost more than the statement.
 */
export async function personRecords(db: Conn, email: string): Promise<PersonRecord[]> {
  const statement = prepared(db, "person_records", (d) => {
    const { evidence } = d.t;
    return d
      .select({
        id: evidence.id,
        kind: evidence.kind,
        item: evidence.item,
        occurredAt: evidence.occurredAt,
        submittedAt: evidence.submittedAt,
        submittedBy: evidence.submittedBy,
        personName: evidence.personName,
        supersedes: evidence.supersedes,
        data: evidence.data,
      })
      .from(evidence)
      .where(eq(evidence.personEmail, sql.placeholder("email")))
      .orderBy(asc(evidence.occurredAt), asc(evidence.submittedAt), asc(evidence.id));
  });
  const rows = await rowsOf(db, statement, { email });
  const records: PersonRecord[] = [];
  for (const row of rows) {
    const data = row[8];
    records.push({
      id: row[0] as string,
      kind: row[1] as PersonRecord["kind"],
      item: row[2] as string,
      occurredAt: row[3] as number,
      submittedAt: row[4] as number,
      submittedBy: row[5] as string,
      personName: row[6] as string | null,
      supersedes: row[7] as string | null,
      // SQLite gives the stored JSON text; PostgreSQL's driver (and drizzle) the parsed value
      data: (typeof data === "string" ? JSON.parse(data) : data) as Record<string, unknown>,
    });
  }
  return records;
}
