import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { SeqGap } from "../domain/delivery/cursor.js";

/** Catalog entries as loaded from templates/, kept so credentials can reference the version they used. */
export const achievements = sqliteTable("achievements", {
  id: text().primaryKey(),
  version: text().notNull(),
  name: text().notNull(),
  definition: text({ mode: "json" }).notNull(),
  updatedAt: integer({ mode: "timestamp_ms" }).notNull(),
});

/**
 * People credentials are issued to; the email is private admin data. The signed credentials carry only its hash; the
 * credentials table keeps a copy for the console list (credentials.recipient_email), never sent to the public.
 */
export const recipients = sqliteTable(
  "recipients",
  {
    id: text().primaryKey(),
    email: text().notNull(),
    name: text().notNull(),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("recipients_email_unique").on(t.email),
    // the console's people search: a name's beginning, case-insensitively, in (name, email) order, with the name and
    // id it shows (read from the index alone)
    index("recipients_name_idx").on(sql`lower(${t.name})`, t.email, t.name, t.id),
  ],
);

/** Every credential exactly as issued: the signed JSON document and its VC-JWT form. */
export const credentials = sqliteTable(
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
    validFrom: integer({ mode: "timestamp_ms" }).notNull(),
    validUntil: integer({ mode: "timestamp_ms" }),
    document: text().notNull(),
    jwt: text().notNull(),
    verificationMethod: text().notNull(),
    issuedBy: text().notNull(),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
    /** For automatic awards: the definition version, the evidence ids used and the evaluation report. */
    decision: text({ mode: "json" }).$type<Record<string, unknown>>(),
    /** Lifecycle: revocation is final (its status bit stays set); "superseded" when a newer credential replaced it. */
    revokedAt: integer({ mode: "timestamp_ms" }),
    revocationReason: text(),
    revocationReasonPublic: integer({ mode: "boolean" }),
    /** Set while suspended; cleared by reinstatement. */
    suspendedAt: integer({ mode: "timestamp_ms" }),
    suspensionReason: text(),
    suspensionReasonPublic: integer({ mode: "boolean" }),
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
export const credentialPages = sqliteTable("credential_pages", {
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
export const credentialPageShapes = sqliteTable("credential_page_shapes", {
  id: text().primaryKey(),
  shape: text().notNull(),
});

/**
 * Bitstring Status Lists (W3C BSL 1.0), one purpose each. `version` counts bit changes; `document` is the signed
 * BitstringStatusListCredential of `signedVersion`, replaced only by a newer version (never served backwards).
 */
export const statusLists = sqliteTable(
  "status_lists",
  {
    id: text().primaryKey(),
    purpose: text({ enum: ["revocation", "suspension"] }).notNull(),
    length: integer().notNull(),
    /** Indexes handed out so far (reserved or used); the list is full when it reaches `length`. */
    allocated: integer().notNull().default(0),
    version: integer().notNull().default(0),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
    signedVersion: integer(),
    document: text(),
    etag: text(),
    signedAt: integer({ mode: "timestamp_ms" }),
  },
  (t) => [index("status_lists_purpose_idx").on(t.purpose, t.allocated)],
);

/**
 * One row per index ever handed out: reserved (committed) before the credential is signed, then marked with the
 * credential id when the credential is stored. Rows are never deleted, so an index is never handed out twice, even
 * when the process died between reservation and storage.
 */
export const statusEntries = sqliteTable(
  "status_entries",
  {
    listId: text()
      .notNull()
      .references(() => statusLists.id),
    idx: integer().notNull(),
    credentialId: text(),
    /** The status bit: 1 = revoked / suspended. */
    bit: integer().notNull().default(0),
    reservedAt: integer({ mode: "timestamp_ms" }).notNull(),
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
export const events = sqliteTable(
  "events",
  {
    seq: integer().primaryKey({ autoIncrement: true }),
    id: text().notNull(),
    type: text().notNull(),
    credentialId: text(),
    occurredAt: integer({ mode: "timestamp_ms" }).notNull(),
    payload: text({ mode: "json" }).$type<Record<string, unknown>>().notNull(),
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
export const deliveryCursors = sqliteTable("delivery_cursors", {
  channel: text().primaryKey(),
  afterSeq: integer().notNull(),
  gaps: text({ mode: "json" }).$type<SeqGap[]>().notNull(),
  updatedAt: integer({ mode: "timestamp_ms" }).notNull(),
});

/** Per delivery channel (webhooks, email…): who holds a claim on an event until when, and when it was delivered. */
export const eventDeliveries = sqliteTable(
  "event_deliveries",
  {
    channel: text().notNull(),
    eventSeq: integer()
      .notNull()
      .references(() => events.seq),
    claimToken: text().notNull(),
    claimedUntil: integer({ mode: "timestamp_ms" }).notNull(),
    attempts: integer().notNull().default(1),
    deliveredAt: integer({ mode: "timestamp_ms" }),
  },
  (t) => [primaryKey({ columns: [t.channel, t.eventSeq] })],
);

/** Bearer API keys: only a SHA-256 of the secret is stored. */
export const apiKeys = sqliteTable("api_keys", {
  id: text().primaryKey(),
  name: text().notNull(),
  secretHash: text().notNull(),
  scopes: text({ mode: "json" }).$type<string[]>().notNull(),
  createdAt: integer({ mode: "timestamp_ms" }).notNull(),
  createdBy: text().notNull(),
  revokedAt: integer({ mode: "timestamp_ms" }),
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
export const oauthTokens = sqliteTable(
  "oauth_tokens",
  {
    tokenHash: text().primaryKey(),
    clientId: text()
      .notNull()
      .references(() => apiKeys.id),
    scopes: text({ mode: "json" }).$type<string[]>().notNull(),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
    expiresAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("oauth_tokens_client_idx").on(t.clientId, t.expiresAt)],
);

/**
 * Credentials issued through the W3C VC API (any VC Data Model credential, not a catalog certification): the
 * document as issued, and its status. Their status entries are `status_entries` rows keyed by this `id`.
 */
export const vcApiCredentials = sqliteTable(
  "vc_api_credentials",
  {
    id: text().primaryKey(),
    /** The credential's own `id` (a URL), when it has one: what the VC API status service names it by. */
    credentialId: text(),
    document: text().notNull(),
    issuedBy: text().notNull(),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
    revokedAt: integer({ mode: "timestamp_ms" }),
    suspendedAt: integer({ mode: "timestamp_ms" }),
  },
  (t) => [index("vc_api_credentials_credential_idx").on(t.credentialId)],
);

/** Append-only record of every write (UPDATE and DELETE are refused by triggers in the migrations). */
export const auditLog = sqliteTable(
  "audit_log",
  {
    seq: integer().primaryKey({ autoIncrement: true }),
    at: integer({ mode: "timestamp_ms" }).notNull(),
    actor: text().notNull(),
    action: text().notNull(),
    targetType: text().notNull(),
    targetId: text().notNull(),
    details: text({ mode: "json" }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
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
export const evidence = sqliteTable(
  "evidence",
  {
    id: text().primaryKey(),
    externalId: text().notNull(),
    personEmail: text().notNull(),
    personName: text(),
    kind: text({ enum: ["assessment", "completion", "rating", "closure"] }).notNull(),
    item: text().notNull(),
    occurredAt: integer({ mode: "timestamp_ms" }).notNull(),
    supersedes: text(),
    data: text({ mode: "json" }).$type<Record<string, unknown>>().notNull(),
    submittedBy: text().notNull(),
    submittedAt: integer({ mode: "timestamp_ms" }).notNull(),
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
export const pendingApprovals = sqliteTable(
  "pending_approvals",
  {
    id: text().primaryKey(),
    personEmail: text().notNull(),
    personName: text().notNull(),
    achievementId: text()
      .notNull()
      .references(() => achievements.id),
    achievementVersion: text().notNull(),
    decision: text({ mode: "json" }).$type<Record<string, unknown>>().notNull(),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
    decidedAt: integer({ mode: "timestamp_ms" }),
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
 * counted yet (the triggers insert it at the first write after the migration). Those triggers name `evidence`,
 * `pending_approvals` and `audit_log`: a migration that rebuilds one of them must drop and re-create them (0030's header).
 */
export const personChanges = sqliteTable("person_changes", {
  email: text().primaryKey(),
  changes: integer().notNull().default(0),
});

/**
 * Per person (by e-mail address), the audit entries about their credentials, evidence records and approvals, by `seq`:
 * their console page shows the newest of them (storage/people-repo.ts auditAboutPerson) from this index alone instead of
 * finding every entry about every one of their rows. Kept by a trigger on audit_log only (the migration
 * person_history_kept, which also fills it from the log), whatever the writer, on every node: an entry is about the
 * person their target row names when the entry is written (every writer stores the target row first).
 * The table is WITHOUT ROWID (made so by 0034, which drizzle cannot declare): a later migration that drizzle-kit
 * generates to rebuild it would silently make it a rowid table again; write such a migration by hand.
 */
export const personHistory = sqliteTable(
  "person_history",
  {
    email: text().notNull(),
    seq: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.email, t.seq] })],
);

/**
 * People whose evidence or credentials changed since their last completed evaluation: marked in the transaction that
 * stores the change (each change writes a fresh `mark`, never reused), cleared by an evaluation only while `mark` is
 * still the one it read before evaluating (so a change that arrives meanwhile keeps the person due) and `notBefore`
 * has passed (a record dated ahead of the clock counts only from its date). Whoever is left (the process died
 * between storing and awarding, the award failed, a record's time had not come) is evaluated at start and by the
 * periodic sweep.
 */
export const evaluationsDue = sqliteTable(
  "evaluations_due",
  {
    personEmail: text().primaryKey(),
    mark: text().notNull(),
    markedAt: integer({ mode: "timestamp_ms" }).notNull(),
    /** The evaluation cannot be complete before this instant: a record is dated after it was marked (clock skew). */
    notBefore: integer({ mode: "timestamp_ms" }),
  },
  (t) => [index("evaluations_due_marked_idx").on(t.markedAt, t.personEmail)],
);

/**
 * Cluster-wide periodic work (the expiry and award sweeps): which node (`holder`, an id made at its start) runs the
 * job named `name`, until when. The holder renews it while it runs; another node takes it over only once it expired.
 */
export const leases = sqliteTable("leases", {
  name: text().primaryKey(),
  holder: text().notNull(),
  expiresAt: integer({ mode: "timestamp_ms" }).notNull(),
});

/**
 * Rate-limit counters shared by every node (PostgreSQL deployments): a client key's hits in its current fixed window,
 * which starts at the client's first hit; windows that ended are deleted by the periodic clean-up.
 */
export const rateLimitWindows = sqliteTable(
  "rate_limit_windows",
  {
    key: text().primaryKey(),
    windowStart: integer({ mode: "timestamp_ms" }).notNull(),
    hits: integer().notNull(),
  },
  (t) => [index("rate_limit_windows_start_idx").on(t.windowStart)],
);

/**
 * The issuer key generations activated so far (`npm run keys:rotate`, or a node starting with a newer one in the keys
 * folder): every node signs with the newest one recorded, reloading the shared keys folder when it sees a newer one.
 */
export const keyGenerations = sqliteTable("key_generations", {
  generation: integer().primaryKey(),
  activatedAt: integer({ mode: "timestamp_ms" }).notNull(),
  activatedBy: text().notNull(),
});

/**
 * What a built-in delivery channel owes for one outbox event: an e-mail to its recipient, or one webhook endpoint's
 * call. Created when the channel takes the event from the outbox (once per channel, event and target). Its retry
 * schedule is kept here (`nextAttemptAt`), so a restart resumes it; a worker holds it by `leaseToken` until
 * `leaseUntil` while it attempts it, and one that dies leaves it to be taken again once the lease ends.
 */
export const outboundMessages = sqliteTable(
  "outbound_messages",
  {
    id: text().primaryKey(),
    channel: text({ enum: ["email", "webhook"] }).notNull(),
    eventSeq: integer()
      .notNull()
      .references(() => events.seq),
    eventId: text().notNull(),
    credentialId: text(),
    /** E-mail: the recipient's address; webhook: the endpoint's id. */
    target: text().notNull(),
    /** E-mail: award, reissue, reminder, revocation or suspension; webhook: the event type. */
    kind: text().notNull(),
    state: text({ enum: ["pending", "delivered", "failed", "skipped"] }).notNull(),
    attempts: integer().notNull().default(0),
    /** When its current run of attempts began (creation, or a replay): the retry horizon counts from here. */
    scheduledAt: integer({ mode: "timestamp_ms" }).notNull(),
    /** When it is next due; null once delivered, failed or skipped. */
    nextAttemptAt: integer({ mode: "timestamp_ms" }),
    leaseToken: text(),
    leaseUntil: integer({ mode: "timestamp_ms" }),
    finishedAt: integer({ mode: "timestamp_ms" }),
  },
  (t) => [
    uniqueIndex("outbound_messages_event_target_unique").on(t.channel, t.eventSeq, t.target),
    index("outbound_messages_due_idx").on(t.channel, t.state, t.nextAttemptAt),
    index("outbound_messages_credential_idx").on(t.credentialId),
  ],
);

/** Every attempt at an outbound message, kept: when, its outcome, the server's answer (SMTP reply, HTTP status). */
export const deliveryAttempts = sqliteTable(
  "delivery_attempts",
  {
    seq: integer().primaryKey({ autoIncrement: true }),
    messageId: text()
      .notNull()
      .references(() => outboundMessages.id),
    channel: text({ enum: ["email", "webhook"] }).notNull(),
    target: text().notNull(),
    eventId: text().notNull(),
    attemptedAt: integer({ mode: "timestamp_ms" }).notNull(),
    outcome: text({ enum: ["delivered", "retry", "failed", "skipped"] }).notNull(),
    /** The SMTP reply code or HTTP status; null when there was no answer (connection error, refused address). */
    code: integer(),
    /** The first bytes of the answer, or what went wrong. */
    answer: text().notNull(),
    latencyMs: integer().notNull(),
  },
  (t) => [
    index("delivery_attempts_message_idx").on(t.messageId, t.seq),
    index("delivery_attempts_target_idx").on(t.channel, t.target, t.seq),
  ],
);

/** Webhook endpoints (Standard Webhooks): the signing secret is kept to sign with, and shown only at creation. */
export const webhookEndpoints = sqliteTable("webhook_endpoints", {
  id: text().primaryKey(),
  url: text().notNull(),
  description: text(),
  /** Event types it receives; empty: every type. */
  eventTypes: text({ mode: "json" }).$type<string[]>().notNull(),
  secret: text().notNull(),
  enabled: integer({ mode: "boolean" }).notNull(),
  createdAt: integer({ mode: "timestamp_ms" }).notNull(),
  updatedAt: integer({ mode: "timestamp_ms" }).notNull(),
  /** Set at a failed attempt after a success (or the first), cleared by a success: failing for the whole horizon disables it. */
  failingSince: integer({ mode: "timestamp_ms" }),
  disabledAt: integer({ mode: "timestamp_ms" }),
  disabledReason: text(),
});

/** The embedded default: without LAUREL_SMTP_URL, each e-mail is kept here, exactly as it would have been sent. */
export const mailOutbox = sqliteTable(
  "mail_outbox",
  {
    seq: integer().primaryKey({ autoIncrement: true }),
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
    headers: text({ mode: "json" }).$type<Record<string, string>>().notNull(),
    attachments: text({ mode: "json" })
      .$type<Array<{ filename: string; contentType: string; cid?: string; size: number }>>()
      .notNull(),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("mail_outbox_message_unique").on(t.messageId)],
);

/** A recipient's e-mail choices: reminders may be turned off (award and revocation notices are always sent). */
export const emailPreferences = sqliteTable("email_preferences", {
  recipientId: text()
    .primaryKey()
    .references(() => recipients.id),
  reminders: integer({ mode: "boolean" }).notNull(),
  updatedAt: integer({ mode: "timestamp_ms" }).notNull(),
});

/** The links to a recipient's preference page, one per reminder sent; only a SHA-256 of each token is kept. */
export const preferenceTokens = sqliteTable(
  "preference_tokens",
  {
    tokenHash: text().primaryKey(),
    recipientId: text()
      .notNull()
      .references(() => recipients.id),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("preference_tokens_recipient_idx").on(t.recipientId)],
);

/**
 * Console accounts (issue 14). The email is the sign-in name (stored lower-cased, unique); `passwordHash` is an
 * Argon2id PHC string, null for accounts that sign in only through SSO. A password someone else chose (the first
 * admin's, one an admin or the CLI generated) must be changed at the next sign-in (`mustChangePassword`).
 */
export const users = sqliteTable(
  "users",
  {
    id: text().primaryKey(),
    email: text().notNull(),
    name: text().notNull(),
    passwordHash: text(),
    mustChangePassword: integer({ mode: "boolean" }).notNull().default(false),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
    createdBy: text().notNull(),
    disabledAt: integer({ mode: "timestamp_ms" }),
  },
  (t) => [uniqueIndex("users_email_unique").on(t.email)],
);

/** What an account may do: a role (domain/access.ts), for one catalog program or all (null), graded as a role. */
export const userGrants = sqliteTable(
  "user_grants",
  {
    id: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => users.id),
    role: text({ enum: ["admin", "program-manager", "grader", "auditor"] }).notNull(),
    program: text(),
    graderRole: text(),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("user_grants_user_idx").on(t.userId)],
);

/**
 * Console sessions, server-side: the cookie carries a random secret, the row only its SHA-256 (and that of the CSRF
 * token derived from it). A session ends at `idleExpiresAt` (pushed on as it is used) or `expiresAt`, whichever
 * comes first, or when its row is deleted (sign-out, sign-out everywhere, the account disabled).
 */
export const sessions = sqliteTable(
  "sessions",
  {
    idHash: text().primaryKey(),
    userId: text()
      .notNull()
      .references(() => users.id),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
    lastSeenAt: integer({ mode: "timestamp_ms" }).notNull(),
    expiresAt: integer({ mode: "timestamp_ms" }).notNull(),
    idleExpiresAt: integer({ mode: "timestamp_ms" }).notNull(),
    csrfTokenHash: text().notNull(),
    via: text({ enum: ["password", "sso"] }).notNull(),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

/** Failed sign-ins per account and per client address in the current window (shared by every node). */
export const signInAttempts = sqliteTable("sign_in_attempts", {
  key: text().primaryKey(),
  windowStart: integer({ mode: "timestamp_ms" }).notNull(),
  count: integer().notNull(),
});

/** OpenID Connect sign-ins under way: the state's hash, with the nonce and PKCE verifier it was sent with (one use). */
export const ssoRequests = sqliteTable("sso_requests", {
  stateHash: text().primaryKey(),
  nonce: text().notNull(),
  codeVerifier: text().notNull(),
  expiresAt: integer({ mode: "timestamp_ms" }).notNull(),
});

/**
 * One-time sign-in links to the earner space (/me): only the token's SHA-256 is kept. A link expires 15 minutes after
 * it was made and works once (`usedAt` is set by the one POST that consumes it).
 */
export const earnerLinkTokens = sqliteTable(
  "earner_link_tokens",
  {
    tokenHash: text().primaryKey(),
    recipientId: text()
      .notNull()
      .references(() => recipients.id),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
    expiresAt: integer({ mode: "timestamp_ms" }).notNull(),
    usedAt: integer({ mode: "timestamp_ms" }),
  },
  (t) => [index("earner_link_tokens_recipient_idx").on(t.recipientId)],
);

/** Earner sessions, server-side (like the console's `sessions`, but of a recipient, not a staff account). */
export const earnerSessions = sqliteTable(
  "earner_sessions",
  {
    idHash: text().primaryKey(),
    recipientId: text()
      .notNull()
      .references(() => recipients.id),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
    lastSeenAt: integer({ mode: "timestamp_ms" }).notNull(),
    expiresAt: integer({ mode: "timestamp_ms" }).notNull(),
    idleExpiresAt: integer({ mode: "timestamp_ms" }).notNull(),
    csrfTokenHash: text().notNull(),
  },
  (t) => [index("earner_sessions_recipient_idx").on(t.recipientId)],
);

/** An earner's public profile (`/u/<handle>`): off until they publish it; credentials they chose to hide from it. */
export const earnerProfiles = sqliteTable(
  "earner_profiles",
  {
    recipientId: text()
      .primaryKey()
      .references(() => recipients.id),
    handle: text(),
    published: integer({ mode: "boolean" }).notNull(),
    hiddenCredentials: text({ mode: "json" }).$type<string[]>().notNull(),
    updatedAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("earner_profiles_handle_unique").on(t.handle)],
);

/**
 * Bulk jobs (issue 17): a file of awards or evidence, stored with all its rows before it is answered, then run in
 * batches by the `bulk-jobs` cluster job. `principal` is the submitter's (kind, id, actor, grants): every row is
 * checked with it. `done`, `failed` and `skipped` count the rows settled so far (updated in the transactions that
 * settle them). `idempotencyKeyHash` (SHA-256 of the Idempotency-Key) is unique per actor; `fileHash` tells a retried
 * upload from another file under the same key.
 */
export const jobs = sqliteTable(
  "jobs",
  {
    id: text().primaryKey(),
    kind: text({ enum: ["awards", "evidence"] }).notNull(),
    status: text({ enum: ["queued", "running", "done", "cancelled", "failed"] }).notNull(),
    dryRun: integer({ mode: "boolean" }).notNull(),
    onDuplicate: text({ enum: ["skip", "error"] }).notNull(),
    actor: text().notNull(),
    principal: text({ mode: "json" }).$type<Record<string, unknown>>().notNull(),
    fileName: text(),
    format: text({ enum: ["csv", "jsonl"] }).notNull(),
    fileHash: text().notNull(),
    total: integer().notNull(),
    done: integer().notNull().default(0),
    failed: integer().notNull().default(0),
    skipped: integer().notNull().default(0),
    idempotencyKeyHash: text(),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
    startedAt: integer({ mode: "timestamp_ms" }),
    finishedAt: integer({ mode: "timestamp_ms" }),
    updatedAt: integer({ mode: "timestamp_ms" }).notNull(),
    error: text(),
  },
  (t) => [
    uniqueIndex("jobs_idempotency_unique").on(t.actor, t.idempotencyKeyHash),
    index("jobs_status_idx").on(t.status, t.createdAt),
    index("jobs_created_idx").on(t.createdAt),
  ],
);

/**
 * One input line of a job: its parsed record (null when the line could not be read), the credential id chosen for it
 * at submission (awards: the credential is issued under it, so a retried row can never be issued twice), its state and
 * outcome (written in the transaction that stores what the row did). A line's rows are inserted before the job row,
 * so rows without a job are what an upload interrupted before it was answered left behind (never run).
 */
export const jobRows = sqliteTable(
  "job_rows",
  {
    jobId: text().notNull(),
    line: integer().notNull(),
    externalId: text(),
    record: text({ mode: "json" }).$type<Record<string, unknown>>(),
    credentialId: text(),
    state: text({ enum: ["pending", "done", "failed", "skipped"] }).notNull(),
    outcome: text({ mode: "json" }).$type<Record<string, unknown>>(),
  },
  (t) => [
    primaryKey({ columns: [t.jobId, t.line] }),
    index("job_rows_state_idx").on(t.jobId, t.state, t.line),
    index("job_rows_external_id_idx").on(t.externalId),
  ],
);
