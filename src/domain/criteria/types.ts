import type { CompletionType, Rule } from "./rule-schema.js";

/**
 * One accepted evidence record about a person, as the evaluator sees it (append-only in storage;
 * a correction is a new record whose `supersedes` names the one it replaces).
 */
export type Evidence =
  | (EvidenceBase & {
      kind: "assessment";
      /** The assessment's id. */
      item: string;
      /** Percent score 0–100, for scored assessments. */
      score?: number;
      /** Pass/fail grading. */
      passed?: boolean;
      /** The grader's role, checked against the rule's `graderRoles`. */
      graderRole?: string;
    })
  | (EvidenceBase & {
      kind: "completion";
      completion: CompletionType;
      item: string;
      mode?: "live" | "recording";
      /** The role of the key that recorded it (the observer), checked against the rule's `graderRoles`. */
      graderRole?: string;
    })
  | (EvidenceBase & {
      kind: "rating";
      /** The form's id (observation form, training survey). */
      form: string;
      /** Every rating given on the form (1..scale). */
      ratings: number[];
      scale: number;
      /** The delivery the form rates: forms of one delivery are averaged together. Absent: the form stands alone. */
      delivery?: string;
      /** The role of the key that submitted it (the observer of an observation form). */
      graderRole?: string;
    })
  | (EvidenceBase & {
      kind: "closure";
      /** The form whose delivery a grader closed (a delivery id is one form's: another course's may share it). */
      form: string;
      /** The delivery a grader closed: every form of it is in, and it takes no more. */
      delivery: string;
      /** The role of the key that closed it, checked against the rule's `delivery.closure.graderRoles`. */
      graderRole?: string;
    });

type EvidenceBase = {
  id: string;
  /** When it happened (the attempt, the completion, the delivery rated): ISO 8601. */
  occurredAt: string;
  /** The id of an earlier record this one corrects; the earlier one then no longer counts. */
  supersedes?: string;
};

/** A credential the person holds, for `prerequisite` rules. */
export type HeldCredential = {
  certification: string;
  credentialId: string;
  validFrom: string;
  validUntil?: string;
  status: "active" | "revoked" | "suspended";
  /**
   * When the person earned it: for a credential awarded on evidence, the instant its criteria were met (kept by a
   * reissue). Absent (issued by hand): its validFrom. A rule `after` a prerequisite counts evidence from then on.
   */
  earnedAt?: string;
  /** The evidence it was awarded on (none when issued by hand). */
  evidenceIds?: string[];
};

export type RuleStatus = "met" | "not-met" | "not-yet-possible";

/**
 * The report of one rule: its status, the evidence that counted, and for an unmet rule a plain
 * sentence saying what is missing ("needs 80 %, best is 72 % on 2026-03-02; …").
 */
export type RuleReport = {
  id: string;
  type: string;
  label: string;
  status: RuleStatus;
  /** When it became met (the deciding evidence's date); ordering rules compare against this. */
  metAt?: string;
  /** Ids of the evidence records that satisfied it. */
  evidence: string[];
  /** Set when not met: what is missing, in plain words. */
  missing?: string;
  /** Notes on evidence that did not count, and why ("attempt on 2026-03-05 ignored: retake without …"). */
  notes?: string[];
  children?: RuleReport[];
};

/**
 * The assessments a renewal or a re-award may not count again: those dated before `from` (the cycle's start),
 * which went to the earlier credential or predate it. They are still reported, as used by that credential. After a
 * revocation (`everyKind`), records of every kind dated before `from` are spent: a revoked certification is earned
 * again only on new evidence, never on what it was revoked with.
 */
export type SpentAssessments = {
  /** Records of every kind are spent, not only assessments (a re-award after a revocation). */
  everyKind?: boolean;
  /** Only assessments dated at or after this instant (ISO 8601) count. */
  from: string;
  /** The credential they went to. */
  credentialId: string;
  /** Its state, in words: "revoked", "expired on 2027-03-03", "due for renewal". */
  state: string;
  /** The evidence it was awarded on. */
  used: readonly string[];
};

export type EvaluationInput = {
  rule: Rule;
  evidence: Evidence[];
  held: HeldCredential[];
  /** The evaluation instant (injected clock). */
  now: Date;
  /** For a renewal or a re-award: the assessments that no longer count. */
  spent?: SpentAssessments | undefined;
};
