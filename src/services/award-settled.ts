import type { Catalog } from "../domain/catalog/parse-catalog.js";
import { needsEvidence } from "../domain/criteria/needs-evidence.js";
import { dueEvaluationMark } from "../storage/evaluations-due-repo.js";
import { listEvidenceFor } from "../storage/evidence-repo.js";
import type { Tx } from "../storage/store.js";
import type { ServiceContext } from "./deps.js";

/** Every certification's rule needs evidence to be met (needsEvidence): the usual catalog, none met by holdings alone. */
export function everyRuleNeedsEvidence(catalog: Pick<Catalog, "entries">): boolean {
  return catalog.entries.every((e) => e.criteria.rule === undefined || needsEvidence(e.criteria.rule));
}

/**
 * Whether nothing can be awarded to a person, now or later, until a record of theirs arrives: they have no evidence
 * and every certification's rule needs some, so whatever they hold or await, every award decision is a skip. Read in
 * a write transaction holding the person's lock: a record stored after it takes that lock, marks them due and is
 * evaluated with whatever this transaction stores. A person already marked due answers false (their evaluation runs,
 * as it did).
 */
export async function nothingToAward(ctx: Pick<ServiceContext, "catalog">, tx: Tx, email: string): Promise<boolean> {
  return (
    everyRuleNeedsEvidence(ctx.catalog) &&
    (await listEvidenceFor(tx, email)).length === 0 &&
    (await dueEvaluationMark(tx, email)) === undefined
  );
}
