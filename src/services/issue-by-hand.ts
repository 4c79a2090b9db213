import { awardAfterChange } from "./award-due.js";
import type { CredentialView } from "./credential-view.js";
import type { ServiceContext } from "./deps.js";
import { issueCredential } from "./issue-credential.js";
import type { IssueCredentialInput } from "./issue-plan.js";

/**
 * Issues the credential an admin asks for (`POST /admin/credentials`), then evaluates its recipient: a credential
 * held by hand (a legacy holder's Associate, say) meets the prerequisites of other certifications, whose awards
 * follow at once, as evidence's do.
 */
export async function issueCredentialByHand(ctx: ServiceContext, input: IssueCredentialInput): Promise<CredentialView> {
  const view = await issueCredential(ctx, input);
  await awardAfterChange(ctx, [view.recipient.email]);
  return view;
}
