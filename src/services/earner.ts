import { createHash, timingSafeEqual } from "node:crypto";
import { normaliseEmail } from "../domain/credential/identity.js";
import { checkEmail, MAX_EMAIL_LENGTH } from "../domain/email.js";
import { AppError } from "../errors.js";
import {
  consumeLink,
  deleteEarnerSession,
  deleteExpiredEarnerSessions,
  deleteExpiredLinks,
  findLiveEarnerSession,
  findRecipient,
  findUsableLink,
  insertEarnerSession,
  touchEarnerSession,
} from "../storage/earner-repo.js";
import { recipientIdByEmail } from "../storage/email-preferences-repo.js";
import { appendEvent } from "../storage/events-repo.js";
import { credentialsHeldBy } from "../storage/person-credentials-repo.js";
import { readAttempts, writeAttempt } from "../storage/sessions-repo.js";
import type { ServiceContext } from "./deps.js";
import { EARNER_SIGN_IN_EVENT, preferenceTokenHash } from "./email-channel.js";

/**
 * The earner space's sign-in (issue 15, point 3): a one-time link e-mailed to a credential holder, no password.
 *
 * Asking for a link writes an `earner.sign-in-requested` event (payload: the recipient's id, nothing else) when the
 * address holds credentials, and nothing otherwise; the answer is the same either way. The e-mail channel of the
 * delivery loop sends it (SMTP or the local mail outbox), making the link's token as it sends: only its SHA-256 is
 * stored, it expires after 15 minutes and works once. Requests are counted per address and per client address in
 * `sign_in_attempts` (shared by every node), whether or not the address is known.
 */

/** Link requests allowed per window: per address (someone flooding one inbox), per client address (probing many). */
export const LINK_LIMITS = { address: 5, client: 20, windowMs: 15 * 60_000 } as const;

/** An earner session ends after this long unused, or this long after sign-in. */
export const EARNER_SESSION = { idleMs: 60 * 60_000, maxMs: 24 * 60 * 60_000 } as const;

const TOUCH_EVERY_MS = 60_000;

/** Link and session secrets are 32 random bytes in base64url: anything else is not one (and is not looked up). */
const SECRET = /^[A-Za-z0-9_-]{43}$/;

function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

function csrfTokenOf(secret: string): string {
  return createHash("sha256").update(`earner-csrf\0${secret}`, "utf8").digest("base64url");
}

/** A signed-in earner: the recipient (their address is the identity) and the token their forms carry. */
export type EarnerSession = {
  idHash: string;
  recipientId: string;
  email: string;
  name: string;
  csrfToken: string;
  csrfTokenHash: string;
};

/**
 * Asks for a sign-in link. Answers nothing (the caller says the same sentence whatever happened) or throws 429 when
 * the address or the client asked too often; counted before it is known whether the address holds credentials.
 */
export async function requestSignInLink(ctx: ServiceContext, input: { email: string; client: string }): Promise<void> {
  const email = normaliseEmail(input.email.trim());
  const now = ctx.clock();
  const keys = [`earner-link:address:${sha256(email)}`, `earner-link:client:${input.client}`];
  const wait = await ctx.store.tx(async (tx) => {
    let longest = 0;
    const rows = [];
    for (const [i, key] of keys.entries()) {
      await ctx.store.lock(tx, `sign-in:${key}`);
      const [row] = await readAttempts(tx, [key]);
      const fresh = !row || row.windowStart.getTime() + LINK_LIMITS.windowMs <= now.getTime();
      const limit = i === 0 ? LINK_LIMITS.address : LINK_LIMITS.client;
      if (!fresh && row.count >= limit) {
        longest = Math.max(
          longest,
          Math.ceil((row.windowStart.getTime() + LINK_LIMITS.windowMs - now.getTime()) / 1000),
        );
      }
      rows.push(fresh ? { key, windowStart: now, count: 1 } : { ...row, count: row.count + 1 });
    }
    if (longest > 0) {
      return longest;
    }
    for (const row of rows) {
      await writeAttempt(tx, row);
    }
    await deleteExpiredLinks(tx, now);
    const recipientId = await recipientIdByEmail(tx, email);
    if (recipientId && (await credentialsHeldBy(tx, email)).length > 0) {
      await appendEvent(tx, {
        id: ctx.newId(),
        type: EARNER_SIGN_IN_EVENT,
        credentialId: null,
        occurredAt: now,
        payload: { recipientId },
        dedupeKey: null,
      });
    }
    return 0;
  });
  if (wait > 0) {
    throw new AppError(
      "TOO_MANY_REQUESTS",
      `Too many sign-in links asked for: try again in ${Math.ceil(wait / 60)} minutes`,
      {
        retryAfter: wait,
      },
    );
  }
}

/** Whether a link token is live (not used, not expired): the confirm page asks, without using it. */
export async function signInLinkUsable(ctx: ServiceContext, token: string): Promise<boolean> {
  if (!SECRET.test(token)) {
    return false;
  }
  return (await findUsableLink(ctx.store.conn(), preferenceTokenHash(token), ctx.clock())) !== undefined;
}

/**
 * Uses a link: marks it used and opens a session in one transaction (the session the browser still carried is
 * ended: a session id is never carried across a sign-in). Returns the cookie secret, or undefined for a link that is
 * unknown, used or expired.
 */
export async function signInWithLink(
  ctx: ServiceContext,
  token: string,
  previousSecret: string | undefined,
): Promise<string | undefined> {
  if (!SECRET.test(token)) {
    return undefined;
  }
  const now = ctx.clock();
  return ctx.store.tx(async (tx) => {
    const recipientId = await consumeLink(tx, preferenceTokenHash(token), now);
    if (!recipientId) {
      return undefined;
    }
    if (previousSecret) {
      await deleteEarnerSession(tx, sha256(previousSecret));
    }
    await deleteExpiredEarnerSessions(tx, now);
    const secret = ctx.newSecret();
    const expiresAt = new Date(now.getTime() + EARNER_SESSION.maxMs);
    await insertEarnerSession(tx, {
      idHash: sha256(secret),
      recipientId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
      idleExpiresAt: new Date(Math.min(now.getTime() + EARNER_SESSION.idleMs, expiresAt.getTime())),
      csrfTokenHash: sha256(csrfTokenOf(secret)),
    });
    return secret;
  });
}

/** The session a cookie secret opens, or null (unknown, expired, signed out). Pushes the idle expiry on. */
export async function resumeEarnerSession(ctx: ServiceContext, secret: string): Promise<EarnerSession | null> {
  if (!SECRET.test(secret)) {
    return null;
  }
  const now = ctx.clock();
  const db = ctx.store.conn();
  const idHash = sha256(secret);
  const row = await findLiveEarnerSession(db, idHash, now);
  const recipient = row ? await findRecipient(db, row.recipientId) : undefined;
  if (!row || !recipient) {
    return null;
  }
  if (now.getTime() - row.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    const idle = new Date(Math.min(now.getTime() + EARNER_SESSION.idleMs, row.expiresAt.getTime()));
    await ctx.store.tx((tx) => touchEarnerSession(tx, idHash, now, idle));
  }
  return {
    idHash,
    recipientId: recipient.id,
    email: recipient.email,
    name: recipient.name,
    csrfToken: csrfTokenOf(secret),
    csrfTokenHash: row.csrfTokenHash,
  };
}

/** Whether a form's CSRF token is this session's (compared as hashes, in constant time). */
export function earnerCsrfMatches(session: EarnerSession, token: string | undefined): boolean {
  if (!token) {
    return false;
  }
  return timingSafeEqual(Buffer.from(session.csrfTokenHash, "hex"), Buffer.from(sha256(token), "hex"));
}

export async function signOutEarner(ctx: ServiceContext, session: EarnerSession): Promise<void> {
  await ctx.store.tx((tx) => deleteEarnerSession(tx, session.idHash));
}

/** Why an email typed into the sign-in form is refused (the domain's one rule), for the field's message. */
export function signInEmailProblem(email: string): string | undefined {
  const verdict = checkEmail(email);
  if (verdict.ok) {
    return undefined;
  }
  return verdict.problem === "empty"
    ? "Enter the e-mail address your credentials were issued to"
    : verdict.problem === "too-long"
      ? `An e-mail address has at most ${MAX_EMAIL_LENGTH} characters`
      : "This is not an e-mail address (name@example.org)";
}
