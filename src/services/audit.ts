import { type AuditQuery, type AuditRow, listAuditPage } from "../storage/audit-repo.js";
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
