import type { Catalog } from "../domain/catalog/parse-catalog.js";
import { AppError } from "../errors.js";
import type { Db } from "../storage/db.js";
import { type EvidenceRow, listEvidenceFor } from "../storage/evidence-repo.js";

/** The delivery a rating form rates (from its data), if it names one. */
function deliveryOf(row: EvidenceRow): string | undefined {
  return row.kind === "rating" && typeof row.data.delivery === "string" ? row.data.delivery : undefined;
}

function day(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function refuse(code: "UNPROCESSABLE" | "CONFLICT" | "FORBIDDEN", path: string, message: string): AppError {
  return new AppError(code, `${path}: ${message}`, { errors: [{ path, message }] });
}

/** A closure needs forms of its delivery whose rules close deliveries, and a key those rules let close it. */
function checkClosure(catalog: Catalog, row: EvidenceRow, rows: EvidenceRow[]): void {
  const delivery = row.item;
  const forms = [...new Set(rows.filter((r) => deliveryOf(r) === delivery).map((r) => r.item))];
  if (forms.length === 0) {
    throw refuse("UNPROCESSABLE", "delivery", `no form of delivery ${delivery} is recorded for this person yet`);
  }
  const closures = forms.flatMap((form) => {
    const closure = catalog.items.forms.get(form)?.delivery.closure;
    return closure === undefined ? [] : [closure];
  });
  if (closures.length === 0) {
    const message = `the forms of delivery ${delivery} (${forms.join(", ")}) are judged without a closure`;
    throw refuse("UNPROCESSABLE", "delivery", message);
  }
  const roles = [...new Set(closures.flatMap((c) => c.graderRoles ?? []))];
  const anyone = closures.some((c) => c.graderRoles === undefined);
  const role = typeof row.data.graderRole === "string" ? row.data.graderRole : undefined;
  if (!anyone && (role === undefined || !roles.includes(role))) {
    const message = `closing delivery ${delivery} needs the key of a ${roles.join(" or ")}; this key grades as ${role ?? "no role"}`;
    throw refuse("FORBIDDEN", "graderRole", message);
  }
}

/**
 * The delivery rules of intake, checked in the recording transaction against the person's evidence: a closed
 * delivery takes no more forms (409), and is closed once (409); a correction is held to the same rule unless it stays
 * in the delivery of the record it replaces (a form of a closed delivery may be corrected, not moved into one); a
 * closure needs recorded forms of that delivery whose rules close deliveries (422), from the key of a grader those
 * rules let close it (403). Records of other kinds pass.
 */
export function checkDeliveryIntake(db: Db, catalog: Catalog, row: EvidenceRow): void {
  const delivery = row.kind === "closure" ? row.item : deliveryOf(row);
  if (delivery === undefined) {
    return;
  }
  const rows = withoutSuperseded(listEvidenceFor(db, row.personEmail));
  const replaced = row.supersedes === null ? undefined : rows.find((r) => r.id === row.supersedes);
  const stays =
    replaced !== undefined && (replaced.kind === "closure" ? replaced.item : deliveryOf(replaced)) === delivery;
  const closed = rows.find((r) => r.kind === "closure" && r.item === delivery);
  if (closed !== undefined && !stays) {
    const what = row.kind === "closure" ? "already closed" : "closed";
    const message = `delivery ${delivery} was ${what} on ${day(closed.occurredAt)} (record ${closed.id}): it takes no more forms`;
    throw refuse("CONFLICT", "delivery", message);
  }
  if (row.kind === "closure") {
    checkClosure(catalog, row, rows);
  }
}

/** The records that still count: a corrected record is replaced by its correction. */
function withoutSuperseded(rows: EvidenceRow[]): EvidenceRow[] {
  const superseded = new Set(rows.flatMap((r) => (r.supersedes === null ? [] : [r.supersedes])));
  return rows.filter((r) => !superseded.has(r.id));
}
