import { awardAfterChange } from "./award-due.js";
import { awardEligibleMany } from "./award-eligible.js";
import type { CredentialView } from "./credential-view.js";
import type { ServiceContext } from "./deps.js";
import { BULK_PERSIST_BATCH, issueCredential, issueCredentialGroup } from "./issue-credential.js";
import type { IssueCredentialInput } from "./issue-plan.js";

/**
 * Issues the credential an admin asks for (`POST /admin/credentials`, the console's issue form), then evaluates its
 * recipient: a credential held by hand (a legacy holder's Associate, say) meets the prerequisites of other
 * certifications, whose awards follow at once, as evidence's do.
 *
 * Requests that arrive in the same turn of the event loop are issued together (group commit): issueCredentialGroup
 * reserves their status indexes in one transaction, signs them in one call over the pool, stores them in one write
 * transaction, then their recipients are evaluated together (those to whom nothing can be awarded, no evidence under
 * a catalog whose rules all need some, were settled in that transaction: neither marked due nor evaluated). Each
 * request gets its own answer: the credential
 * issueCredential would have given it, or the error it would have thrown (a refused one stores nothing of it). A
 * request alone takes issueCredential itself.
 */
export function issueCredentialByHand(ctx: ServiceContext, input: IssueCredentialInput): Promise<CredentialView> {
  const queue = ctx.state.issueByHand;
  return new Promise<CredentialView>((resolve, reject) => {
    queue.pending.push({ input, resolve, reject });
    if (queue.pending.length === 1) {
      setImmediate(() => void issueGathered(ctx));
    }
  });
}

/** Issues what was gathered, in groups of at most BULK_PERSIST_BATCH (one write transaction each). */
async function issueGathered(ctx: ServiceContext): Promise<void> {
  const queue = ctx.state.issueByHand;
  const gathered = queue.pending.splice(0, queue.pending.length);
  const groups: (typeof gathered)[] = [];
  for (let start = 0; start < gathered.length; start += BULK_PERSIST_BATCH) {
    groups.push(gathered.slice(start, start + BULK_PERSIST_BATCH));
  }
  await Promise.all(groups.map((group) => issueGroup(ctx, group)));
}

async function issueGroup(ctx: ServiceContext, group: typeof ctx.state.issueByHand.pending): Promise<void> {
  const [only] = group;
  if (group.length === 1 && only) {
    try {
      const view = await issueCredential(ctx, only.input);
      await awardAfterChange(ctx, [view.recipient.email]);
      only.resolve(view);
    } catch (error) {
      only.reject(error);
    }
    return;
  }
  try {
    const outcomes = await issueCredentialGroup(
      ctx,
      group.map(({ input }) => input),
    );
    // Those to whom nothing can be awarded (no evidence, a catalog whose rules all need some) were settled when stored.
    const issued = outcomes.flatMap((o) => (o.ok && !o.settled ? [o.credential.recipient.email] : []));
    await evaluateRecipients(ctx, issued);
    for (const [i, { resolve, reject }] of group.entries()) {
      const outcome = outcomes[i];
      if (outcome?.ok) {
        resolve(outcome.credential);
      } else {
        reject(outcome ? outcome.error : new Error("no outcome"));
      }
    }
  } catch (error) {
    for (const { reject } of group) {
      reject(error);
    }
  }
}

/**
 * Evaluates the recipients of a group together (awardEligibleMany: their person locks, one round of awards through
 * one bulk issuance, one transaction clearing their due marks). If that fails, each is evaluated on its own as
 * awardAfterChange does (a failure logged, the person left due for the sweep): an evaluation never fails an issuance.
 */
async function evaluateRecipients(ctx: ServiceContext, emails: string[]): Promise<void> {
  if (emails.length === 0) {
    return;
  }
  try {
    await awardEligibleMany(ctx, emails);
  } catch {
    await awardAfterChange(ctx, emails);
  }
}
