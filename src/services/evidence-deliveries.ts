import type { Catalog } from "../domain/catalog/parse-catalog.js";
import { deliveryName, formatDate } from "../domain/criteria/format.js";
import { AppError } from "../errors.js";
import { type EvidenceRow, listEvidenceFor } from "../storage/evidence-repo.js";
import type { Conn } from "../storage/store.js";

/**
 * The delivery a rating form rates or a closure closes: its id and the forms judged together with the record's form
 * (a delivery id alone names nothing: two courses' deliveries may share one). Undefined for other records.
 */
type DeliveryKey = { delivery: string; forms: readonly string[] };

function deliveryOf(catalog: Catalog, row: EvidenceRow): DeliveryKey | undefined {
  if ((row.kind !== "rating" && row.kind !== "closure") || typeof row.data.delivery !== "string") {
    return undefined;
  }
  return { delivery: row.data.delivery, forms: catalog.items.forms.get(row.item)?.deliveredWith ?? [row.item] };
}

/** Whether a record rates or closes the delivery `key` (its id, and a form judged together with the key's). */
function inDelivery(row: EvidenceRow, key: DeliveryKey): boolean {
  return row.data.delivery === key.delivery && key.forms.includes(row.item);
}

function refuse(code: "UNPROCESSABLE" | "CONFLICT", path: string, message: string): AppError {
  return new AppError(code, `${path}: ${message}`, { errors: [{ path, message }] });
}

/** A closure needs recorded forms of its delivery (who may close it, the catalog check has said). */
function checkClosure(key: DeliveryKey, rows: EvidenceRow[]): void {
  if (!rows.some((r) => r.kind === "rating" && inDelivery(r, key))) {
    const name = deliveryName(key.delivery, key.forms);
    throw refuse("UNPROCESSABLE", "delivery", `no form of ${name} is recorded for this person yet`);
  }
}

/**
 * The delivery rules of intake, checked in the recording transaction against the person's evidence: a closed
 * delivery takes no more forms (409), and is closed once (409); a correction is held to the same rule unless it stays
 * in the delivery of the record it replaces (a form of a closed delivery may be corrected, not moved into one); a
 * closure needs recorded forms of that delivery (422); who may close it is the catalog's check (graderRoleProblem).
 * A delivery is one form's (or the forms a rule judges together): another course's delivery with the same id is
 * another delivery. Records of other kinds pass.
 */
export async function checkDeliveryIntake(db: Conn, catalog: Catalog, row: EvidenceRow): Promise<void> {
  const key = deliveryOf(catalog, row);
  if (key === undefined) {
    return;
  }
  const rows = withoutSuperseded(await listEvidenceFor(db, row.personEmail));
  const replaced = row.supersedes === null ? undefined : rows.find((r) => r.id === row.supersedes);
  const stays = replaced !== undefined && inDelivery(replaced, key);
  const closed = rows.find((r) => r.kind === "closure" && inDelivery(r, key));
  if (closed !== undefined && !stays) {
    const what = row.kind === "closure" ? "already closed" : "closed";
    const on = formatDate(closed.occurredAt.toISOString());
    const message = `${deliveryName(key.delivery, key.forms)} was ${what} on ${on} (record ${closed.id}): it takes no more forms`;
    throw refuse("CONFLICT", "delivery", message);
  }
  if (row.kind === "closure") {
    checkClosure(key, rows);
  }
}

/** The records that still count: a corrected record is replaced by its correction. */
function withoutSuperseded(rows: EvidenceRow[]): EvidenceRow[] {
  const superseded = new Set(rows.flatMap((r) => (r.supersedes === null ? [] : [r.supersedes])));
  return rows.filter((r) => !superseded.has(r.id));
}
