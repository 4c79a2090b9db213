import type { Evidence, HeldCredential } from "../domain/criteria/types.js";
import { type EvidenceRow, listEvidenceFor } from "../storage/evidence-repo.js";
import { credentialsHeldBy, type HeldRow, recipientName } from "../storage/person-credentials-repo.js";
import type { Conn } from "../storage/store.js";
import type { ServiceContext } from "./deps.js";

function graderRoleOf(data: Record<string, unknown>): { graderRole?: string } {
  return typeof data.graderRole === "string" ? { graderRole: data.graderRole } : {};
}

/** Maps a stored evidence row to what the evaluator reads (kind-specific fields from `data`). */
export function toEvaluatorEvidence(row: EvidenceRow): Evidence {
  const base = {
    id: row.id,
    occurredAt: row.occurredAt.toISOString(),
    ...(row.supersedes ? { supersedes: row.supersedes } : {}),
  };
  const d = row.data;
  if (row.kind === "assessment") {
    return {
      ...base,
      kind: "assessment",
      item: row.item,
      ...(typeof d.score === "number" ? { score: d.score } : {}),
      ...(typeof d.passed === "boolean" ? { passed: d.passed } : {}),
      ...graderRoleOf(d),
    };
  }
  if (row.kind === "completion") {
    return {
      ...base,
      kind: "completion",
      completion: d.completion as Extract<Evidence, { kind: "completion" }>["completion"],
      item: row.item,
      ...(d.mode === "live" || d.mode === "recording" ? { mode: d.mode } : {}),
      ...graderRoleOf(d),
    };
  }
  if (row.kind === "closure") {
    const delivery = typeof d.delivery === "string" ? d.delivery : "";
    return { ...base, kind: "closure", form: row.item, delivery, ...graderRoleOf(d) };
  }
  return {
    ...base,
    kind: "rating",
    form: row.item,
    ratings: d.ratings as number[],
    scale: d.scale as number,
    ...(typeof d.delivery === "string" ? { delivery: d.delivery } : {}),
    ...graderRoleOf(d),
  };
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

/** Everything the evaluator needs about one person: their evidence and the credentials they hold. */
export async function loadPersonState(ctx: ServiceContext, email: string): Promise<PersonState> {
  const db = ctx.store.conn();
  const rows = await listEvidenceFor(db, email);
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
