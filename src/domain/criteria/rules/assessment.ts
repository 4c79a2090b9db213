import { formatDate, formatShortOf, instant, labelOf, plural } from "../format.js";
import type { AssessmentRule } from "../rule-schema.js";
import type { RuleReport, SpentAssessments } from "../types.js";
import { matchesCompletion } from "./completion.js";
import { type EvalContext, type EvidenceOf, recordsOf, report } from "./context.js";
import { applyFilters, scopeWords } from "./filters.js";
import { authorisedGrader, graderWords, unauthorisedGrader } from "./grader.js";

type Attempt = EvidenceOf<"assessment">;
type Graded = { attempt: Attempt; passed: boolean };
/** The completions that re-open retakes after a failure, when the rule has a retake policy. */
type RetakeGate = { label: string; completedAt: number[] };

/** An attempt's outcome, or undefined when it does not count at all (a grader without an authorised role). */
function grade(rule: AssessmentRule, a: Attempt, notes: string[]): Graded | undefined {
  // the attempt's words are made only for a note (most attempts need none)
  if (!authorisedGrader(rule.graderRoles, a)) {
    notes.push(unauthorisedGrader(rule.graderRoles, a, `attempt on ${formatDate(a.occurredAt)}`, "graded") as string);
    return undefined;
  }
  if (rule.passMark !== undefined) {
    if (a.score === undefined) {
      notes.push(`attempt on ${formatDate(a.occurredAt)} has no score: counted as failed`);
      return { attempt: a, passed: false };
    }
    return { attempt: a, passed: a.score >= rule.passMark };
  }
  if (a.passed === undefined) {
    notes.push(`attempt on ${formatDate(a.occurredAt)} has no pass/fail grade: counted as failed`);
  }
  return { attempt: a, passed: a.passed === true };
}

function retakeGate(rule: AssessmentRule, ctx: EvalContext): RetakeGate | undefined {
  const target = rule.retakeRequires === undefined ? undefined : ctx.find(rule.retakeRequires);
  if (target?.type !== "completion") {
    return undefined;
  }
  const completedAt: number[] = [];
  for (const e of recordsOf(ctx.evidence, "completion", target.item)) {
    if (matchesCompletion(target, e)) {
      completedAt.push(instant(e.occurredAt));
    }
  }
  return { label: labelOf(target), completedAt };
}

/** needs …, then the best or last counting attempt (or `none` when no attempt counts), then the retake clause. */
function missingSentence(rule: AssessmentRule, none: string, counted: Graded[], retakeBlocked: string): string {
  if (rule.passMark !== undefined) {
    let best: { score: number; at: string } | undefined;
    for (const { attempt } of counted) {
      if (attempt.score !== undefined && (best === undefined || attempt.score > best.score)) {
        best = { score: attempt.score, at: attempt.occurredAt };
      }
    }
    const status =
      best !== undefined
        ? `best is ${formatShortOf(best.score, rule.passMark)} % on ${formatDate(best.at)}`
        : counted.length === 0
          ? none
          : "no scored attempt yet";
    return `needs ${rule.passMark} %, ${status}${retakeBlocked}`;
  }
  const by = graderWords(rule.graderRoles, "graded");
  const last = counted.at(-1);
  const status = last === undefined ? none : `last attempt on ${formatDate(last.attempt.occurredAt)} failed`;
  return `needs a pass${by}, ${status}${retakeBlocked}`;
}

/**
 * Splits off the attempts a renewal or re-award may not count again (dated before `spent.from`), with a note
 * on each: used by the earlier credential, or predating it. Returns the attempts that may count.
 */
function withoutSpent(attempts: Attempt[], spent: SpentAssessments | undefined, notes: string[]): Attempt[] {
  if (spent === undefined) {
    return attempts;
  }
  const from = instant(spent.from);
  const credential = `credential ${spent.credentialId} (${spent.state})`;
  return attempts.filter((a) => {
    if (instant(a.occurredAt) >= from) {
      return true;
    }
    const on = `attempt on ${formatDate(a.occurredAt)}`;
    notes.push(
      spent.used.includes(a.id)
        ? `${on} was used by ${credential}`
        : `${on} does not count: only attempts since ${formatDate(spent.from)} count after ${credential}`,
    );
    return false;
  });
}

/** "no attempt since 2027-02-01: 2 earlier attempts, 1 used by credential … (revoked)". */
function spentWords(spent: SpentAssessments, earlier: Attempt[]): string {
  const used = earlier.filter((a) => spent.used.includes(a.id)).length;
  const credential = `credential ${spent.credentialId} (${spent.state})`;
  const attempts = plural(earlier.length, "earlier attempt");
  const which =
    used === earlier.length
      ? `${attempts} used by ${credential}`
      : used === 0
        ? `${attempts} before ${credential}`
        : `${attempts}, ${used} used by ${credential}`;
  return `no attempt since ${formatDate(spent.from)}: ${which}`;
}

/**
 * assessment: met at the first counting passing attempt (score ≥ passMark, or a pass by an authorised
 * grader). With `retakeRequires`, an attempt after a failure counts only if that completion was recorded
 * strictly between the failure and the attempt; an ineligible failed attempt becomes the failure to beat.
 */
export function evaluateAssessment(rule: AssessmentRule, ctx: EvalContext): RuleReport {
  const attempts = recordsOf(ctx.evidence, "assessment", rule.assessment) as Attempt[];
  const spentNotes: string[] = [];
  const fresh = withoutSpent(attempts, ctx.spent, spentNotes);
  const filtered = applyFilters(rule, fresh, ctx, "attempt");
  if ("blocked" in filtered) {
    const { blocked } = filtered;
    return spentNotes.length === 0 ? blocked : { ...blocked, notes: [...spentNotes, ...(blocked.notes ?? [])] };
  }
  const notes = [...spentNotes, ...filtered.notes];
  const gate = retakeGate(rule, ctx);
  const counted: Graded[] = [];
  let failure: Attempt | undefined;
  for (const a of filtered.counted) {
    const graded = grade(rule, a, notes);
    if (graded === undefined) {
      continue;
    }
    if (gate !== undefined && failure !== undefined) {
      const [from, to] = [instant(failure.occurredAt), instant(a.occurredAt)];
      if (!gate.completedAt.some((t) => from < t && t < to)) {
        const after = `after the failure on ${formatDate(failure.occurredAt)}`;
        notes.push(
          `attempt on ${formatDate(a.occurredAt)} does not count: retake without completing ${gate.label} ${after}`,
        );
        failure = graded.passed ? failure : a;
        continue;
      }
    }
    if (graded.passed) {
      return report(rule, { status: "met", metAt: a.occurredAt, evidence: [a.id], notes });
    }
    counted.push(graded);
    failure = a;
  }
  const failedAt = failure === undefined ? undefined : instant(failure.occurredAt);
  const blocked = gate !== undefined && failedAt !== undefined && !gate.completedAt.some((t) => t > failedAt);
  const retake = blocked ? `; retake allowed after completing ${gate.label}` : "";
  // the rule's scope in words only when no attempt passed its filters
  const scope = attempts.length === 0 || filtered.counted.length > 0 ? "" : scopeWords(rule, ctx);
  const none =
    attempts.length === 0
      ? "no attempt yet"
      : fresh.length === 0 && ctx.spent !== undefined
        ? spentWords(ctx.spent, attempts)
        : filtered.counted.length === 0 && scope !== ""
          ? `no attempt${scope}`
          : "no attempt counts yet";
  return report(rule, { status: "not-met", missing: missingSentence(rule, none, counted, retake), notes });
}
