import { and, count, eq, inArray, max, sql } from "drizzle-orm";
import { prepared } from "./prepared.js";
import type { Conn } from "./store.js";

/**
 * What changes whenever anything a person's console page shows changes, besides the rows it reads itself (their
 * credentials, their approvals): their evidence, which is append-only (a correction is a new record), by its count
 * and newest date, read from the index on (person_email, occurred_at) alone; and the audit entries about their
 * credentials and approvals, append-only too, by count (a count, not the newest seq: on PostgreSQL an entry with a
 * lower seq may commit after one with a higher), each an index range of audit_log by (target_type, target_id) for
 * the ids of their rows (a subquery: joined, SQLite would walk every audit entry of the type). An audit entry about
 * evidence is written only with its record (services/record-evidence.ts), so the evidence count covers those. One
 * statement (an aggregate: always one row), prepared once per connection.
 */
export type PersonChanges = { records: number; newestRecord: number | null; audits: number };

export async function personChanges(db: Conn, email: string): Promise<PersonChanges> {
  const query = prepared(db, "person_page_changes", (d) => {
    const { auditLog, credentials, evidence, pendingApprovals, recipients } = d.t;
    const credentialIds = d
      .select({ id: credentials.id })
      .from(credentials)
      .innerJoin(recipients, eq(recipients.id, credentials.recipientId))
      .where(eq(recipients.email, sql.placeholder("email")));
    const approvalIds = d
      .select({ id: pendingApprovals.id })
      .from(pendingApprovals)
      .where(eq(pendingApprovals.personEmail, sql.placeholder("email")));
    const audits = (type: string, ids: typeof credentialIds | typeof approvalIds) =>
      sql<number>`(${d
        .select({ n: count() })
        .from(auditLog)
        .where(and(eq(auditLog.targetType, type), inArray(auditLog.targetId, ids)))})`;
    return d
      .select({
        records: count(),
        newest: max(evidence.occurredAt),
        credentialAudits: audits("credential", credentialIds),
        approvalAudits: audits("approval", approvalIds),
      })
      .from(evidence)
      .where(eq(evidence.personEmail, sql.placeholder("email")));
  });
  const [row] = (await query.execute({ email })) as {
    records: number;
    newest: Date | null;
    credentialAudits: number | string;
    approvalAudits: number | string;
  }[];
  return {
    records: Number(row?.records ?? 0),
    newestRecord: row?.newest ? new Date(row.newest).getTime() : null,
    audits: Number(row?.credentialAudits ?? 0) + Number(row?.approvalAudits ?? 0),
  };
}
