import { findRecipient } from "../storage/earner-repo.js";
import { recipientName } from "../storage/person-credentials-repo.js";
import type { ServiceContext } from "./deps.js";

/** The person who holds credentials under this recipient id (the console's `?person=<id>`), if any. */
export async function personByRecipientId(
  ctx: ServiceContext,
  recipientId: string,
): Promise<{ email: string; name: string } | undefined> {
  const recipient = await findRecipient(ctx.store.conn(), recipientId);
  return recipient ? { email: recipient.email, name: recipient.name } : undefined;
}

/** The name a person's credentials were issued under, if they hold any. */
export function knownNameOf(ctx: ServiceContext, email: string): Promise<string | undefined> {
  return recipientName(ctx.store.conn(), email);
}
