import { shownDetails } from "../domain/audit-details.js";
import { csvRow } from "../domain/csv.js";
import { type AuditQuery, type AuditRow, listAuditHeads, listAuditPage } from "../storage/audit-repo.js";
import type { ServiceContext } from "./deps.js";

/** One audit entry as the admin API and the CLI show it. */
export type AuditView = {
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: { type: string; id: string };
  details: Record<string, unknown>;
};

function toView(row: AuditRow): AuditView {
  return {
    seq: row.seq,
    at: row.at.toISOString(),
    actor: row.actor,
    action: row.action,
    target: { type: row.targetType, id: row.targetId },
    details: row.details,
  };
}

/** The audit log, newest first; `nextBefore` continues the listing (null when it is exhausted). */
export async function listAuditEntries(
  ctx: ServiceContext,
  query: AuditQuery,
): Promise<{ items: AuditView[]; nextBefore: number | null }> {
  const rows = await listAuditPage(ctx.store.conn(), query);
  const last = rows.at(-1);
  return { items: rows.map(toView), nextBefore: rows.length === query.limit && last ? last.seq : null };
}

/** An audit entry's line without its details (the console's recent activity). */
export type ActivityView = Omit<AuditView, "details">;

/** The newest `limit` entries, newest first, without their details (the console's recent activity). */
export async function newestActivity(ctx: ServiceContext, limit: number): Promise<ActivityView[]> {
  return (await listAuditHeads(ctx.store.conn(), limit)).map((row) => ({
    seq: row.seq,
    at: row.at.toISOString(),
    actor: row.actor,
    action: row.action,
    target: { type: row.targetType, id: row.targetId },
  }));
}

const EXPORT_BATCH = 500;
export const AUDIT_CSV_HEADER = ["seq", "at", "actor", "action", "target_type", "target_id", "details"] as const;

/**
 * Every entry the filters select, newest first, as CSV rows (csvRow: formula-looking cells neutralised), read in
 * keyset batches so an export of a long log never holds it in memory; details without secret-looking keys.
 */
export async function* auditCsvRows(
  ctx: ServiceContext,
  filters: Omit<AuditQuery, "before" | "limit">,
): AsyncGenerator<string> {
  yield csvRow(AUDIT_CSV_HEADER);
  let before: number | undefined;
  for (;;) {
    const page = await listAuditEntries(ctx, { ...filters, before, limit: EXPORT_BATCH });
    for (const entry of page.items) {
      yield csvRow([
        String(entry.seq),
        entry.at,
        entry.actor,
        entry.action,
        entry.target.type,
        entry.target.id,
        JSON.stringify(shownDetails(entry.details)),
      ]);
    }
    if (page.nextBefore === null) {
      return;
    }
    before = page.nextBefore;
  }
}
