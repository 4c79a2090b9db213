import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Catalog entries as loaded from templates/, kept so credentials can reference the version they used. */
export const achievements = sqliteTable("achievements", {
  id: text().primaryKey(),
  version: text().notNull(),
  name: text().notNull(),
  definition: text({ mode: "json" }).notNull(),
  updatedAt: integer({ mode: "timestamp_ms" }).notNull(),
});

/** People credentials are issued to; the email is private admin data (credentials carry only its hash). */
export const recipients = sqliteTable(
  "recipients",
  {
    id: text().primaryKey(),
    email: text().notNull(),
    name: text().notNull(),
    createdAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [uniqueIndex("recipients_email_unique").on(t.email)],
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
  },
  (t) => [
    index("credentials_achievement_idx").on(t.achievementId),
    index("credentials_recipient_idx").on(t.recipientId),
    index("credentials_created_idx").on(t.createdAt, t.id),
  ],
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
});

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
  (t) => [index("audit_target_idx").on(t.targetType, t.targetId)],
);

/**
 * Completion evidence about a person, append-only: a correction is a new row whose `supersedes`
 * names the row it replaces. `externalId` makes submissions idempotent. `data` holds the
 * kind-specific fields (score, ratings, …) exactly as accepted.
 */
export const evidence = sqliteTable(
  "evidence",
  {
    id: text().primaryKey(),
    externalId: text().notNull(),
    personEmail: text().notNull(),
    personName: text(),
    kind: text({ enum: ["assessment", "completion", "rating"] }).notNull(),
    item: text().notNull(),
    occurredAt: integer({ mode: "timestamp_ms" }).notNull(),
    supersedes: text(),
    data: text({ mode: "json" }).$type<Record<string, unknown>>().notNull(),
    submittedBy: text().notNull(),
    submittedAt: integer({ mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("evidence_external_id_unique").on(t.externalId),
    index("evidence_person_idx").on(t.personEmail, t.occurredAt),
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
  (t) => [index("pending_approvals_person_idx").on(t.personEmail, t.achievementId)],
);
