import { recipientOfToken, remindersWanted, setRemindersWanted } from "../storage/email-preferences-repo.js";
import type { ServiceContext } from "./deps.js";
import { preferenceTokenHash } from "./email-channel.js";

/** Tokens are 32 random bytes in base64url: anything else is not one (and is not looked up). */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

async function recipientOf(ctx: ServiceContext, token: string): Promise<string | undefined> {
  return TOKEN.test(token) ? recipientOfToken(ctx.store.conn(), preferenceTokenHash(token)) : undefined;
}

/** The preferences behind a preference-page token, or undefined when the token is not one we sent. */
export async function readEmailPreferences(
  ctx: ServiceContext,
  token: string,
): Promise<{ reminders: boolean } | undefined> {
  const recipientId = await recipientOf(ctx, token);
  return recipientId ? { reminders: await remindersWanted(ctx.store.conn(), recipientId) } : undefined;
}

/** Turns expiry reminders off or on for the token's recipient; undefined when the token is not one we sent. */
export async function setExpiryReminders(
  ctx: ServiceContext,
  token: string,
  reminders: boolean,
): Promise<{ reminders: boolean } | undefined> {
  const recipientId = await recipientOf(ctx, token);
  if (!recipientId) {
    return undefined;
  }
  await ctx.store.tx((tx) => setRemindersWanted(tx, recipientId, reminders, ctx.clock()));
  return { reminders };
}
