/**
 * The PostgreSQL twin of `schema.ts` (the SQLite schema the repositories are typed against): the same tables, columns,
 * indexes and row types, in PostgreSQL's own column types (timestamps with time zone to the millisecond, booleans,
 * `json` which keeps a document's text and key order). `test/unit/schema-twins.test.ts` checks that the two agree;
 * drizzle-kit generates `migrations-pg/` from this file (`drizzle.pg.config.ts`).
 */

import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  json,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { SeqGap } from "../domain/delivery/cursor.js";

/** Catalog entries as loaded from templates/, kept so credentials can reference the version they used. */
export const achievements = pgTable("achievements", {
  id: text().primaryKey(),
  version: text().notNull(),
  name: text().notNull(),
  definition: json().notNull(),
  updatedAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
});

/**
 * People credentials are issued to; the email is private admin data. The signed credentials carry only its hash; the
 * credentials table keeps a copy for the console list (credentials.recipient_email), never sent to the public.
 */
export const recipients = pgTable(
  "recipients",
  {
    id: text().primaryKey(),
    email: text().notNull(),
    name: text().notNull(),
    createdAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex("recipients_email_unique").on(t.email),
    // the console's people search: a name's beginning, case-insensitively, in (name, email) order, with the name and
    // id it shows (read from the index alone)
    index("recipients_name_idx").on(sql`lower(${t.name})`, t.email, t.name, t.id),
  ],
);

/** Every credential exactly as issued: the signed JSON document and its VC-JWT form. */
export const credentials = pgTable(
  "credentials",
  {
    id: text().primaryKey(),
    achievementId: text()
      .notNull()
      .references(() => achievements.id),
    achievementVersion: text().notNull(),
    recipientId: text()
      .notNull()
      .references(() => recipients.id),
    recipientName: text().notNull(),
    validFrom: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
    validUntil: timestamp({ mode: "date", precision: 3, withTimezone: true }),
    document: text().notNull(),
    jwt: text().notNull(),
    verificationMethod: text().notNull(),
    issuedBy: text().notNull(),
    createdAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
    /** For automatic awards: the definition version, the evidence ids used and the evaluation report. */
    decision: json().$type<Record<string, unknown>>(),
    /** Lifecycle: revocation is final (its status bit stays set); "superseded" when a newer credential replaced it. */
    revokedAt: timestamp({ mode: "date", precision: 3, withTimezone: true }),
    revocationReason: text(),
    revocationReasonPublic: boolean(),
    /** Set while suspended; cleared by reinstatement. */
    suspendedAt: timestamp({ mode: "date", precision: 3, withTimezone: true }),
    suspensionReason: text(),
    suspensionReasonPublic: boolean(),
    /** The credential that replaced this one (reissue, recertification), and the one this one replaced. */
    supersededBy: text(),
    supersedes: text(),
    /**
     * 0 while the audit log holds no entry about this credential besides its issuance; more once it does (kept by a
     * trigger on audit_log, migration credential_history): its page reads the history from the audit log only then.
     */
    historyChanges: integer().notNull().default(0),
    /**
     * The recipient's email (recipients.email, which never changes for a recipient), copied when the credential is
     * stored so the console's list reads it from its covering indexes below with no join to recipients. Null on rows
     * stored before it existed (migration recipient_email fills them), and wherever it is null the list reads it from
     * recipients instead.
     */
    recipientEmail: text(),
  },
  (t) => [
    // (achievement, created, id): one certification's credentials newest first, keyset-paginated (the console list)
    // …with the lifecycle columns, so a state filter is decided in the index, not by reading each row (whose columns
    // after the signed document sit in overflow pages): a rare state scans index entries only; and with the recipient
    // the list shows (id, name, email), so a page of the list reads no credential row at all (a random page of a large
    // file each, when the rows are not cached) and no recipient row either
    index("credentials_achievement_created_idx").on(
      t.achievementId,
      t.createdAt,
      t.id,
      t.revokedAt,
      t.suspendedAt,
      t.validUntil,
      t.recipientId,
      t.recipientName,
      t.recipientEmail,
    ),
    index("credentials_recipient_idx").on(t.recipientId),
    // (id, lifecycle): a credential page's live lifecycle read from the index alone (those columns of the row sit
    // after the signed document, in overflow pages); credential-pages-repo.ts asks for it by an id range
    index("credentials_lifecycle_idx").on(
      t.id,
      t.revokedAt,
      t.revocationReason,
      t.revocationReasonPublic,
      t.suspendedAt,
      t.suspensionReason,
      t.suspensionReasonPublic,
      t.supersededBy,
      t.supersedes,
      t.historyChanges,
    ),
    index("credentials_created_idx").on(
      t.createdAt,
      t.id,
      t.revokedAt,
      t.suspendedAt,
      t.validUntil,
      t.recipientId,
      t.recipientName,
      t.recipientEmail,
      t.achievementId,
    ),
    // The rare states of the console list, newest first: only the revoked (suspended) credentials are in these, so a
    // page of them reads that page, where the indexes above walk every active credential in between; each with the
    // columns the list shows, as above
    index("credentials_revoked_idx")
      .on(
        t.achievementId,
        t.createdAt,
        t.id,
        t.revokedAt,
        t.suspendedAt,
        t.validUntil,
        t.recipientId,
        t.recipientName,
        t.recipientEmail,
      )
      .where(sql`${t.revokedAt} is not null`),
    index("credentials_revoked_created_idx")
      .on(
        t.createdAt,
        t.id,
        t.revokedAt,
        t.suspendedAt,
        t.validUntil,
        t.recipientId,
        t.recipientName,
        t.recipientEmail,
        t.achievementId,
      )
      .where(sql`${t.revokedAt} is not null`),
    index("credentials_suspended_idx")
      .on(
        t.achievementId,
        t.createdAt,
        t.id,
        t.revokedAt,
        t.suspendedAt,
        t.validUntil,
        t.recipientId,
        t.recipientName,
        t.recipientEmail,
      )
      .where(sql`${t.suspendedAt} is not null`),
    index("credentials_suspended_created_idx")
      .on(
        t.createdAt,
        t.id,
        t.revokedAt,
        t.suspendedAt,
        t.validUntil,
        t.recipientId,
        t.recipientName,
        t.recipientEmail,
        t.achievementId,
      )
      .where(sql`${t.suspendedAt} is not null`),
    index("credentials_valid_until_idx").on(t.validUntil),
    // A credential is replaced at most once.
    uniqueIndex("credentials_supersedes_unique").on(t.supersedes),
  ],
);

/**
 * What a credential's public page needs of its signed document (services/credential-page-projection.ts): made once
 * from the document, so a view reads this narrow row instead of parsing and checking the document again. `madeBy`
 * names the projection format and the OB 3.0 schema it was checked against: a row made otherwise is not used (the
 * page verifies the document in full and makes the row again). Rows come and go with no effect on what a page says.
 */
export const credentialPages = pgTable("credential_pages", {
  credentialId: text()
    .primaryKey()
    .references(() => credentials.id),
  madeBy: text().notNull(),
  projection: text().notNull(),
});

/**
 * The part of page projections that many credentials share (their certification's texts as the signed documents state
 * them, and the schema check): stored once, named by the SHA-256 of its text (base64url), which a projection row
 * names (`shape`), so a projection row holds only what is the credential's own. Rows are never changed.
 */
export const credentialPageShapes = pgTable("credential_page_shapes", {
  id: text().primaryKey(),
  shape: text().notNull(),
});

/**
 * Bitstring Status Lists (W3C BSL 1.0), one purpose each. `version` counts bit changes; `document` is the signed
 * BitstringStatusListCredential of `signedVersion`, replaced only by a newer version (never served backwards).
 */
export const statusLists = pgTable(
  "status_lists",
  {
    id: text().primaryKey(),
    purpose: text({ enum: ["revocation", "suspension"] }).notNull(),
    length: integer().notNull(),
    /** Indexes handed out so far (reserved or used); the list is full when it reaches `length`. */
    allocated: integer().notNull().default(0),
    version: integer().notNull().default(0),
    createdAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
    signedVersion: integer(),
    document: text(),
    etag: text(),
    signedAt: timestamp({ mode: "date", precision: 3, withTimezone: true }),
  },
  (t) => [index("status_lists_purpose_idx").on(t.purpose, t.allocated)],
);

/**
 * One row per index ever handed out: reserved (committed) before the credential is signed, then marked with the
 * credential id when the credential is stored. Rows are never deleted, so an index is never handed out twice, even
 * when the process died between reservation and storage.
 */
export const statusEntries = pgTable(
  "status_entries",
  {
    listId: text()
      .notNull()
      .references(() => statusLists.id),
    idx: integer().notNull(),
    credentialId: text(),
    /** The status bit: 1 = revoked / suspended. */
    bit: integer().notNull().default(0),
    reservedAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.listId, t.idx] }),
    index("status_entries_credential_idx").on(t.credentialId),
    index("status_entries_bit_idx").on(t.listId, t.bit),
  ],
);

/**
 * The events outbox, append-only (triggers refuse UPDATE and DELETE): written in the same transaction as the change
 * it reports. `dedupeKey` makes computed events (expiry reminders) happen once.
 */
export const events = pgTable(
  "events",
  {
    seq: bigint({ mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    id: text().notNull(),
    type: text().notNull(),
    credentialId: text(),
    occurredAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
    payload: json().$type<Record<string, unknown>>().notNull(),
    dedupeKey: text(),
  },
  (t) => [
    uniqueIndex("events_id_unique").on(t.id),
    uniqueIndex("events_dedupe_unique").on(t.dedupeKey),
    index("events_type_idx").on(t.type, t.seq),
  ],
);

/**
 * How far each built-in delivery channel (e-mail, webhooks; by its outbox channel name) has taken the events outbox:
 * every event up to `afterSeq`, except the sequence numbers in `gaps`, not seen yet when a later one was (on
 * PostgreSQL transactions may commit out of sequence order): src/domain/delivery/cursor.ts. A take reads what is
 * new and the gaps, not the history.
 */
export const deliveryCursors = pgTable("delivery_cursors", {
  channel: text().primaryKey(),
  afterSeq: bigint({ mode: "number" }).notNull(),
  gaps: json().$type<SeqGap[]>().notNull(),
  updatedAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
});

/** Per delivery channel (webhooks, email…): who holds a claim on an event until when, and when it was delivered. */
export const eventDeliveries = pgTable(
  "event_deliveries",
  {
    channel: text().notNull(),
    eventSeq: bigint({ mode: "number" })
      .notNull()
      .references(() => events.seq),
    claimToken: text().notNull(),
    claimedUntil: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
    attempts: integer().notNull().default(1),
    deliveredAt: timestamp({ mode: "date", precision: 3, withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.channel, t.eventSeq] })],
);

/** Bearer API keys: only a SHA-256 of the secret is stored. */
export const apiKeys = pgTable("api_keys", {
  id: text().primaryKey(),
  name: text().notNull(),
  secretHash: text().notNull(),
  scopes: json().$type<string[]>().notNull(),
  createdAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
  createdBy: text().notNull(),
  revokedAt: timestamp({ mode: "date", precision: 3, withTimezone: true }),
  /** The grader role this key grades as (e.g. "ps-engineer"); only such keys may submit graded results. */
  graderRole: text(),
  /** "oauth-client": an OAuth 2.0 client (its secret is accepted only at the token endpoint), else a bearer key. */
  kind: text({ enum: ["api-key", "oauth-client"] })
    .notNull()
    .default("api-key"),
  /** Requests per minute on the VC API endpoints; null: the default (`LAUREL_VERIFY_RATE_LIMIT`). */
  rateLimitPerMinute: integer(),
});

/** OAuth 2.0 access tokens (client credentials grant): only a SHA-256 of the token is stored. */
export const oauthTokens = pgTable(
  "oauth_tokens",
  {
    tokenHash: text().primaryKey(),
    clientId: text()
      .notNull()
      .references(() => apiKeys.id),
    scopes: json().$type<string[]>().notNull(),
    createdAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
    expiresAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
  },
  (t) => [index("oauth_tokens_client_idx").on(t.clientId, t.expiresAt)],
);

/**
 * Credentials issued through the W3C VC API (any VC Data Model credential, not a catalog certification): the
 * document as issued, and its status. Their status entries are `status_entries` rows keyed by this `id`.
 */
export const vcApiCredentials = pgTable(
  "vc_api_credentials",
  {
    id: text().primaryKey(),
    /** The credential's own `id` (a URL), when it has one: what the VC API status service names it by. */
    credentialId: text(),
    document: text().notNull(),
    issuedBy: text().notNull(),
    createdAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
    revokedAt: timestamp({ mode: "date", precision: 3, withTimezone: true }),
    suspendedAt: timestamp({ mode: "date", precision: 3, withTimezone: true }),
  },
  (t) => [index("vc_api_credentials_credential_idx").on(t.credentialId)],
);

/** Append-only record of every write (UPDATE and DELETE are refused by triggers in the migrations). */
export const auditLog = pgTable(
  "audit_log",
  {
    seq: bigint({ mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    at: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
    actor: text().notNull(),
    action: text().notNull(),
    targetType: text().notNull(),
    targetId: text().notNull(),
    details: json().$type<Record<string, unknown>>().notNull().default(sql`'{}'::json`),
  },
  (t) => [
    index("audit_target_idx").on(t.targetType, t.targetId),
    // the console's audit filters, newest first by keyset (seq): one actor's or one action's entries, a date range
    index("audit_actor_idx").on(t.actor, t.seq),
    index("audit_action_idx").on(t.action, t.seq),
    index("audit_at_idx").on(t.at),
  ],
);

/**
 * Completion evidence about a person, append-only: a correction is a new row whose `supersedes`
 * names the row it replaces. `externalId` makes submissions idempotent. `data` holds the
 * kind-specific fields (score, ratings, …) exactly as accepted. `item` is the assessment, completed item or
 * form id; for a closure (a grader closing a rated delivery) it is the delivery id.
 */
export const evidence = pgTable(
  "evidence",
  {
    id: text().primaryKey(),
    externalId: text().notNull(),
    personEmail: text().notNull(),
    personName: text(),
    kind: text({ enum: ["assessment", "completion", "rating", "closure"] }).notNull(),
    item: text().notNull(),
    occurredAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
    supersedes: text(),
    data: json().$type<Record<string, unknown>>().notNull(),
    submittedBy: text().notNull(),
    submittedAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
  },
  (t) => [
    uniqueIndex("evidence_external_id_unique").on(t.externalId),
    // a person's records in the order they are read (occurredAt, submittedAt, id): walked in order, never sorted
    index("evidence_person_idx").on(t.personEmail, t.occurredAt, t.submittedAt, t.id),
    // the console's people search: people known by their evidence alone, found by a name's beginning
    index("evidence_person_name_idx").on(sql`lower(${t.personName})`, t.personEmail),
  ],
);

/** Awards that met their criteria but whose definition requires an admin's approval. */
export const pendingApprovals = pgTable(
  "pending_approvals",
  {
    id: text().primaryKey(),
    personEmail: text().notNull(),
    personName: text().notNull(),
    achievementId: text()
      .notNull()
      .references(() => achievements.id),
    achievementVersion: text().notNull(),
    decision: json().$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
    decidedAt: timestamp({ mode: "date", precision: 3, withTimezone: true }),
    outcome: text({ enum: ["approved", "rejected"] }),
    decidedBy: text(),
    reason: text(),
    credentialId: text(),
  },
  (t) => [
    index("pending_approvals_person_idx").on(t.personEmail, t.achievementId),
    // the undecided ones (the console dashboard's count, the queue)
    index("pending_approvals_open_idx").on(t.decidedAt, t.createdAt),
  ],
);

/**
 * Per person (by e-mail address), a count of the writes to what their console page shows besides their credentials:
 * every evidence record stored, every approval queued, decided or removed, every audit entry about their evidence or
 * approvals. Kept by triggers only (the migration person_changes_counted), whatever the writer, on every node: the
 * page's check (storage/person-page-repo.ts) reads this one row instead of counting their records. No row: nothing
 * counted yet (the triggers insert it at the first write after the migration).
 */
export const personChanges = pgTable("person_changes", {
  email: text().primaryKey(),
  changes: integer().notNull().default(0),
});

/**
 * Per person (by e-mail address), the audit entries about their credentials, evidence records and approvals, by `seq`:
 * their console page shows the newest of them (storage/people-repo.ts auditAboutPerson) from this index alone instead of
 * finding every entry about every one of their rows. Kept by a trigger on audit_log only (the migration
 * person_history_kept, which also fills it from the log), whatever the writer, on every node: an entry is about the
 * person their target row names when the entry is written (every writer stores the target row first).
 */
export const personHistory = pgTable(
  "person_history",
  {
    email: text().notNull(),
    seq: bigint({ mode: "number" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.email, t.seq] })],
);

/**
 * People whose evidence changed since their last completed evaluation: marked in the transaction that stores the
 * evidence (each change writes a fresh `mark`, never reused), cleared by an evaluation only while `mark` is still the
 * one it read before evaluating, so evidence that arrives meanwhile keeps the person due. Whoever is left (the process
 * died between storing and awarding, or the award failed) is evaluated at start and by the periodic sweep.
 */
export const evaluationsDue = pgTable(
  "evaluations_due",
  {
    personEmail: text().primaryKey(),
    mark: text().notNull(),
    markedAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
    notBefore: timestamp({ mode: "date", precision: 3, withTimezone: true }),
  },
  (t) => [index("evaluations_due_marked_idx").on(t.markedAt, t.personEmail)],
);

/**
 * Cluster-wide periodic work (the expiry and award sweeps): which node (`holder`, an id made at its start) runs the
 * job named `name`, until when. The holder renews it while it runs; another node takes it over only once it expired.
 */
export const leases = pgTable("leases", {
  name: text().primaryKey(),
  holder: text().notNull(),
  expiresAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
});

/**
 * Rate-limit counters shared by every node (PostgreSQL deployments): a client key's hits in its current fixed window,
 * which starts at the client's first hit; windows that ended are deleted by the periodic clean-up.
 */
export const rateLimitWindows = pgTable(
  "rate_limit_windows",
  {
    key: text().primaryKey(),
    windowStart: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
    hits: integer().notNull(),
  },
  (t) => [index("rate_limit_windows_start_idx").on(t.windowStart)],
);

/**
 * The issuer key generations activated so far (`npm run keys:rotate`, or a node starting with a newer one in the keys
 * folder): every node signs with the newest one recorded, reloading the shared keys folder when it sees a newer one.
 */
export const keyGenerations = pgTable("key_generations", {
  generation: integer().primaryKey(),
  activatedAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
  activatedBy: text().notNull(),
});

/**
 * What a built-in delivery channel owes for one outbox event: an e-mail to its recipient, or one webhook endpoint's
 * call (see schema.ts).
 */
export const outboundMessages = pgTable(
  "outbound_messages",
  {
    id: text().primaryKey(),
    channel: text({ enum: ["email", "webhook"] }).notNull(),
    eventSeq: bigint({ mode: "number" })
      .notNull()
      .references(() => events.seq),
    eventId: text().notNull(),
    credentialId: text(),
    target: text().notNull(),
    kind: text().notNull(),
    state: text({ enum: ["pending", "delivered", "failed", "skipped"] }).notNull(),
    attempts: integer().notNull().default(0),
    scheduledAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
    nextAttemptAt: timestamp({ mode: "date", precision: 3, withTimezone: true }),
    leaseToken: text(),
    leaseUntil: timestamp({ mode: "date", precision: 3, withTimezone: true }),
    finishedAt: timestamp({ mode: "date", precision: 3, withTimezone: true }),
  },
  (t) => [
    uniqueIndex("outbound_messages_event_target_unique").on(t.channel, t.eventSeq, t.target),
    index("outbound_messages_due_idx").on(t.channel, t.state, t.nextAttemptAt),
    index("outbound_messages_credential_idx").on(t.credentialId),
  ],
);

/** Every attempt at an outbound message (see schema.ts). */
export const deliveryAttempts = pgTable(
  "delivery_attempts",
  {
    seq: bigint({ mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    messageId: text()
      .notNull()
      .references(() => outboundMessages.id),
    channel: text({ enum: ["email", "webhook"] }).notNull(),
    target: text().notNull(),
    eventId: text().notNull(),
    attemptedAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
    outcome: text({ enum: ["delivered", "retry", "failed", "skipped"] }).notNull(),
    code: integer(),
    answer: text().notNull(),
    latencyMs: integer().notNull(),
  },
  (t) => [
    index("delivery_attempts_message_idx").on(t.messageId, t.seq),
    index("delivery_attempts_target_idx").on(t.channel, t.target, t.seq),
  ],
);

/** Webhook endpoints (see schema.ts). */
export const webhookEndpoints = pgTable("webhook_endpoints", {
  id: text().primaryKey(),
  url: text().notNull(),
  description: text(),
  eventTypes: json().$type<string[]>().notNull(),
  secret: text().notNull(),
  enabled: boolean().notNull(),
  createdAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
  updatedAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
  failingSince: timestamp({ mode: "date", precision: 3, withTimezone: true }),
  disabledAt: timestamp({ mode: "date", precision: 3, withTimezone: true }),
  disabledReason: text(),
});

/** The embedded default's mail outbox (see schema.ts). */
export const mailOutbox = pgTable(
  "mail_outbox",
  {
    seq: bigint({ mode: "number" }).primaryKey().generatedByDefaultAsIdentity(),
    messageId: text()
      .notNull()
      .references(() => outboundMessages.id),
    credentialId: text(),
    kind: text().notNull(),
    to: text().notNull(),
    from: text().notNull(),
    replyTo: text(),
    subject: text().notNull(),
    text: text().notNull(),
    html: text().notNull(),
    headers: json().$type<Record<string, string>>().notNull(),
    attachments: json().$type<Array<{ filename: string; contentType: string; cid?: string; size: number }>>().notNull(),
    createdAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("mail_outbox_message_unique").on(t.messageId)],
);

/** A recipient's e-mail choices (see schema.ts). */
export const emailPreferences = pgTable("email_preferences", {
  recipientId: text()
    .primaryKey()
    .references(() => recipients.id),
  reminders: boolean().notNull(),
  updatedAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
});

/** The links to a recipient's preference page (see schema.ts). */
export const preferenceTokens = pgTable(
  "preference_tokens",
  {
    tokenHash: text().primaryKey(),
    recipientId: text()
      .notNull()
      .references(() => recipients.id),
    createdAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
  },
  (t) => [index("preference_tokens_recipient_idx").on(t.recipientId)],
);

/**
 * Console accounts (issue 14). The email is the sign-in name (stored lower-cased, unique); `passwordHash` is an
 * Argon2id PHC string, null for accounts that sign in only through SSO. A password someone else chose (the first
 * admin's, one an admin or the CLI generated) must be changed at the next sign-in (`mustChangePassword`).
 */
export const users = pgTable(
  "users",
  {
    id: text().primaryKey(),
    email: text().notNull(),
    name: text().notNull(),
    passwordHash: text(),
    mustChangePassword: boolean().notNull().default(false),
    createdAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
    createdBy: text().notNull(),
    disabledAt: timestamp({ mode: "date", precision: 3, withTimezone: true }),
  },
  (t) => [uniqueIndex("users_email_unique").on(t.email)],
);

/** What an account may do: a role (domain/access.ts), for one catalog program or all (null), graded as a role. */
export const userGrants = pgTable(
  "user_grants",
  {
    id: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => users.id),
    role: text({ enum: ["admin", "program-manager", "grader", "auditor"] }).notNull(),
    program: text(),
    graderRole: text(),
    createdAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
  },
  (t) => [index("user_grants_user_idx").on(t.userId)],
);

/**
 * Console sessions, server-side: the cookie carries a random secret, the row only its SHA-256 (and that of the CSRF
 * token derived from it). A session ends at `idleExpiresAt` (pushed on as it is used) or `expiresAt`, whichever
 * comes first, or when its row is deleted (sign-out, sign-out everywhere, the account disabled).
 */
export const sessions = pgTable(
  "sessions",
  {
    idHash: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => users.id),
    createdAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
    lastSeenAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
    expiresAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
    idleExpiresAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
    csrfTokenHash: text().notNull(),
    via: text({ enum: ["password", "sso"] }).notNull(),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

/** Failed sign-ins per account and per client address in the current window (shared by every node). */
export const signInAttempts = pgTable("sign_in_attempts", {
  key: text().primaryKey(),
  windowStart: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
  count: integer().notNull(),
});

/** OpenID Connect sign-ins under way: the state's hash, with the nonce and PKCE verifier it was sent with (one use). */
export const ssoRequests = pgTable("sso_requests", {
  stateHash: text().primaryKey(),
  nonce: text().notNull(),
  codeVerifier: text().notNull(),
  expiresAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
});

/** One-time sign-in links to the earner space (see schema.ts). */
export const earnerLinkTokens = pgTable(
  "earner_link_tokens",
  {
    tokenHash: text().primaryKey(),
    recipientId: text()
      .notNull()
      .references(() => recipients.id),
    createdAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
    expiresAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
    usedAt: timestamp({ mode: "date", precision: 3, withTimezone: true }),
  },
  (t) => [index("earner_link_tokens_recipient_idx").on(t.recipientId)],
);

/** Earner sessions (see schema.ts). */
export const earnerSessions = pgTable(
  "earner_sessions",
  {
    idHash: text().primaryKey(),
    recipientId: text()
      .notNull()
      .references(() => recipients.id),
    createdAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
    lastSeenAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
    expiresAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
    idleExpiresAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
    csrfTokenHash: text().notNull(),
  },
  (t) => [index("earner_sessions_recipient_idx").on(t.recipientId)],
);

/** An earner's public profile (see schema.ts). */
export const earnerProfiles = pgTable(
  "earner_profiles",
  {
    recipientId: text()
      .primaryKey()
      .references(() => recipients.id),
    handle: text(),
    published: boolean().notNull(),
    hiddenCredentials: json().$type<string[]>().notNull(),
    updatedAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("earner_profiles_handle_unique").on(t.handle)],
);

/** Bulk jobs (issue 17): see schema.ts. */
export const jobs = pgTable(
  "jobs",
  {
    id: text().primaryKey(),
    kind: text({ enum: ["awards", "evidence"] }).notNull(),
    status: text({ enum: ["queued", "running", "done", "cancelled", "failed"] }).notNull(),
    dryRun: boolean().notNull(),
    onDuplicate: text({ enum: ["skip", "error"] }).notNull(),
    actor: text().notNull(),
    principal: json().$type<Record<string, unknown>>().notNull(),
    fileName: text(),
    format: text({ enum: ["csv", "jsonl"] }).notNull(),
    fileHash: text().notNull(),
    total: integer().notNull(),
    done: integer().notNull().default(0),
    failed: integer().notNull().default(0),
    skipped: integer().notNull().default(0),
    idempotencyKeyHash: text(),
    createdAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
    startedAt: timestamp({ mode: "date", precision: 3, withTimezone: true }),
    finishedAt: timestamp({ mode: "date", precision: 3, withTimezone: true }),
    updatedAt: timestamp({ mode: "date", precision: 3, withTimezone: true }).notNull(),
    error: text(),
  },
  (t) => [
    uniqueIndex("jobs_idempotency_unique").on(t.actor, t.idempotencyKeyHash),
    index("jobs_status_idx").on(t.status, t.createdAt),
    index("jobs_created_idx").on(t.createdAt),
  ],
);

/** One input line of a job: see schema.ts. */
export const jobRows = pgTable(
  "job_rows",
  {
    jobId: text().notNull(),
    line: integer().notNull(),
    externalId: text(),
    record: json().$type<Record<string, unknown>>(),
    credentialId: text(),
    state: text({ enum: ["pending", "done", "failed", "skipped"] }).notNull(),
    outcome: json().$type<Record<string, unknown>>(),
  },
  (t) => [
    primaryKey({ columns: [t.jobId, t.line] }),
    index("job_rows_state_idx").on(t.jobId, t.state, t.line),
    index("job_rows_external_id_idx").on(t.externalId),
  ],
);
