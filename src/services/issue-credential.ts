import { toOb3Achievement } from "../domain/achievement.js";
import { buildOpenBadgeCredential } from "../domain/credential/build.js";
import { recipientIdentifiers } from "../domain/credential/identity.js";
import { credentialStatusValue, statusListEntry } from "../domain/status/status-list-credential.js";
import { type CredentialView, credentialUrl, toCredentialView } from "./credential-view.js";
import type { ServiceContext } from "./deps.js";
import { credentialRecordOf, persistIssue, type SignedCredential } from "./issue-persist.js";
import { type IssueCredentialInput, type IssuePlan, planIssue } from "./issue-plan.js";
import { refreshStatusList } from "./status-lists.js";

/**
 * Issues one credential: plan (validate, compute its dates, reserve its status indexes in their own committed
 * transaction) → sign → persist the document, its recipient, its status entries, the audit entry and the
 * `credential.issued` event in one write transaction (which also supersedes the credential it replaces).
 * Signing happens outside the transactions.
 */
export async function issueCredential(ctx: ServiceContext, input: IssueCredentialInput): Promise<CredentialView> {
  const plan = await planIssue(ctx, input);
  const signed = await signIssue(ctx, input, plan);
  const record = credentialRecordOf(input, plan, signed);
  const resign = await persistIssue(ctx, input, plan, record);
  for (const listId of resign) {
    await refreshStatusList(ctx, listId);
  }
  ctx.logger.info("credential issued", { credentialId: plan.id, achievementId: plan.entry.id, actor: input.actor });
  return toCredentialView(ctx.config.publicUrl, signed.document, record, plan.slots);
}

/** Builds the credential and signs it: Data Integrity, then VC-JWT over the signed document (OB 3.0 §8's order). */
async function signIssue(ctx: ServiceContext, input: IssueCredentialInput, plan: IssuePlan): Promise<SignedCredential> {
  const { publicUrl } = ctx.config;
  const unsigned = buildOpenBadgeCredential({
    id: credentialUrl(publicUrl, plan.id),
    issuer: ctx.issuer,
    achievement: toOb3Achievement(plan.entry, publicUrl),
    identifiers: recipientIdentifiers({ email: plan.email, name: plan.name }, ctx.newSalt()),
    validFrom: plan.validFrom,
    validUntil: plan.validUntil,
    awardedDate: input.awardedDate,
    evidence: input.decision?.evidence,
    results: input.decision?.results,
    credentialStatus: credentialStatusValue(plan.slots.map((slot) => statusListEntry(publicUrl, slot))),
  });
  // Data Integrity, then the VC-JWT over the signed document, in a signing thread when the pool has any.
  return ctx.signing.signCredential({
    credential: unsigned,
    created: plan.validFrom,
    generation: ctx.keyring.active.generation,
  });
}
