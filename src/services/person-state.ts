import { isoOf } from "../domain/civil-date.js";
import type { Evidence, HeldCredential } from "../domain/criteria/types.js";
import { type EvidenceRow, listEvidenceFor } from "../storage/evidence-repo.js";
import { credentialsHeldBy, type HeldRow, recipientName } from "../storage/person-credentials-repo.js";
import type { Conn } from "../storage/store.js";
import type { ServiceContext } from "./deps.js";

/**
 * Maps a stored evidence row (or a person page's record, its time in milliseconds) to what the evaluator reads
 * (kind-specific fields from `data`). Optional fields are set
 * only when present (never as undefined), in a fixed order; written without object spreads, which cost a person's
 * page of 200 records more than the evaluation of a certification.
 */
export function toEvaluatorEvidence(
  row: Pick<EvidenceRow, "id" | "kind" | "item" | "supersedes" | "data"> & { occurredAt: Date | number },
): Evidence {
  const at = row.occurredAt;
  const e: Record<string, unknown> = { id: row.id, occurredAt: typeof at === "number" ? isoOf(at) : at.toISOString() };
  if (row.supersedes) {
    e.supersedes = row.supersedes;
  }
  const d = row.data;
  if (row.kind === "assessment") {
    e.kind = "assessment";
    e.item = row.item;
    if (typeof d.score === "number") {
      e.score = d.score;
    }
    if (typeof d.passed === "boolean") {
      e.passed = d.passed;
    }
  } else if (row.kind === "completion") {
    e.kind = "completion";
    e.completion = d.completion;
    e.item = row.item;
    if (d.mode === "live" || d.mode === "recording") {
      e.mode = d.mode;
    }
  } else if (row.kind === "closure") {
    e.kind = "closure";
    e.form = row.item;
    e.delivery = typeof d.delivery === "string" ? d.delivery : "";
  } else {
    e.kind = "rating";
    e.form = row.item;
    e.ratings = d.ratings;
    e.scale = d.scale;
    if (typeof d.delivery === "string") {
      e.delivery = d.delivery;
    }
  }
  if (typeof d.graderRole === "string") {
    e.graderRole = d.graderRole;
  }
  return e as Evidence;
}

export type PersonState = { email: string; name: string; evidence: Evidence[]; held: HeldCredential[] };

/** When and on what evidence a credential was awarded, from its decision record (absent when issued by hand). */
function awardOf(decision: Record<string, unknown> | null): Pick<HeldCredential, "earnedAt" | "evidenceIds"> {
  const metAt = (decision?.report as { metAt?: unknown } | undefined)?.metAt;
  const ids = decision?.evidenceIds;
  return {
    ...(typeof metAt === "string" && Number.isFinite(Date.parse(metAt)) ? { earnedAt: metAt } : {}),
    ...(Array.isArray(ids) ? { evidenceIds: ids.filter((id): id is string => typeof id === "string") } : {}),
  };
}

/** The credentials a person holds, as the evaluator and the award guard read them. */
export async function heldCredentials(db: Conn, email: string): Promise<HeldCredential[]> {
  return (await credentialsHeldBy(db, email)).map(toHeldCredential);
}

/** A held credential's row (`credentialsHeldBy`) as the evaluator reads it. */
export function toHeldCredential(c: HeldRow): HeldCredential {
  return {
    certification: c.achievementId,
    credentialId: c.credentialId,
    validFrom: c.validFrom.toISOString(),
    ...(c.validUntil ? { validUntil: c.validUntil.toISOString() } : {}),
    // Revoked (superseded included) and suspended credentials are not held as valid.
    status: c.revokedAt ? "revoked" : c.suspendedAt ? "suspended" : "active",
    ...awardOf(c.decision),
  };
}

/**
 * Everything the evaluator needs about one person: their evidence and the credentials they hold. `rows`: their
 * evidence rows when the caller has just read them (listEvidenceFor).
 */
export async function loadPersonState(ctx: ServiceContext, email: string, rows?: EvidenceRow[]): Promise<PersonState> {
  const db = ctx.store.conn();
  rows ??= await listEvidenceFor(db, email);
  const held = await heldCredentials(db, email);
  const named = [...rows].reverse().find((r) => r.personName)?.personName;
  const name = named ?? (await recipientName(db, email)) ?? email;
  return { email, name, evidence: rows.map(toEvaluatorEvidence), held };
}

/** True when the person holds a currently valid credential of the certification (or, `countNotYetValid`, one valid from later on). */
export function holdsValid(
  held: HeldCredential[],
  certification: string,
  now: Date,
  options: { countSuspended?: boolean; countNotYetValid?: boolean } = {},
): boolean {
  const t = now.getTime();
  return held.some(
    (h) =>
      h.certification === certification &&
      (h.status === "active" || (options.countSuspended === true && h.status === "suspended")) &&
      (options.countNotYetValid === true || Date.parse(h.validFrom) <= t) &&
      (h.validUntil === undefined || t < Date.parse(h.validUntil)),
  );
}
