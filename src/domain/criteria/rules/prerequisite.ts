import { formatDate, instant } from "../format.js";
import type { PrerequisiteRule } from "../rule-schema.js";
import type { HeldCredential, RuleReport } from "../types.js";
import { type EvalContext, report } from "./context.js";

/** Why a held credential is not currently valid at `nowMs`, or undefined when it is. */
function invalidity(held: HeldCredential, nowMs: number): string | undefined {
  if (held.status !== "active") {
    return held.status;
  }
  if (held.validUntil !== undefined && !(nowMs < instant(held.validUntil))) {
    return `expired on ${formatDate(held.validUntil)}`;
  }
  if (!(instant(held.validFrom) <= nowMs)) {
    return `not valid until ${formatDate(held.validFrom)}`;
  }
  return undefined;
}

/** Earliest validFrom first, then credential id: a deterministic order over a person's credentials. */
function byValidFrom(a: HeldCredential, b: HeldCredential): number {
  const d = instant(a.validFrom) - instant(b.validFrom);
  return d !== 0 ? d : a.credentialId < b.credentialId ? -1 : a.credentialId > b.credentialId ? 1 : 0;
}

/**
 * prerequisite: met iff a credential of that certification is active and within its validity window at
 * `now`; metAt is when the person earned it (its earnedAt, else its validFrom), so that a rule `after` it
 * counts only evidence from then on (seed 000: "the Associate level is a prerequisite for the Specialist
 * level"). The credential is named in `notes` (it is not an evidence record).
 */
export function evaluatePrerequisite(rule: PrerequisiteRule, ctx: EvalContext): RuleReport {
  const held = ctx.held.filter((h) => h.certification === rule.certification).sort(byValidFrom);
  const valid = held.find((h) => invalidity(h, ctx.nowMs) === undefined);
  if (valid !== undefined) {
    const earnedAt = valid.earnedAt ?? valid.validFrom;
    const earned = earnedAt === valid.validFrom ? "" : `, earned on ${formatDate(earnedAt)}`;
    const note = `held as ${valid.credentialId}, valid from ${formatDate(valid.validFrom)}${earned}`;
    return report(rule, { status: "met", metAt: earnedAt, notes: [note] });
  }
  const latest = held.at(-1);
  const reason = latest === undefined ? "not held" : invalidity(latest, ctx.nowMs);
  const named = rule.label === undefined ? "" : ` (${rule.label})`;
  return report(rule, { status: "not-met", missing: `needs ${rule.certification} held${named}: ${reason}` });
}
