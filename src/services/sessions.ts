import { hash, timingSafeEqual } from "node:crypto";
import type { Principal } from "../domain/access.js";
import { normaliseEmail } from "../domain/credential/identity.js";
import { AppError } from "../errors.js";
import { appendAudit } from "../storage/audit-repo.js";
import {
  clearAttempts,
  deleteExpiredSessions,
  deleteSession,
  deleteSessionsOf,
  findLiveSessionWithUser,
  insertSession,
  readAttempts,
  type SessionRow,
  touchSession,
  writeAttempt,
} from "../storage/sessions-repo.js";
import type { Tx } from "../storage/store.js";
import { findUserByEmail } from "../storage/users-repo.js";
import type { ServiceContext } from "./deps.js";
import { verifyPassword } from "./passwords.js";
import { principalOfUser, type UserView } from "./users.js";

/** Sign-in failures allowed per window: per account (guessing one password), per client address (spraying many). */
export const SIGN_IN_LIMITS = { account: 5, address: 20, windowMs: 15 * 60_000 } as const;

/** A session's last-seen time is written at most this often (not on every page view). */
const TOUCH_EVERY_MS = 60_000;

/**
 * SHA-256 of a string, hex. The one-shot `crypto.hash` (every console request hashes its cookie and derives its CSRF
 * token): a Hash object per digest cost more than the digest itself.
 */
function sha256(text: string): string {
  return hash("sha256", text, "hex");
}

/** The CSRF token of a session: derived from its cookie secret (so it is never stored in clear), bound to it. */
function csrfTokenOf(secret: string): string {
  return hash("sha256", `csrf\0${secret}`, "base64url");
}

/** A signed-in console request: who, with what grants, and the token its forms must carry. */
export type ConsoleSession = {
  idHash: string;
  user: Pick<UserView, "id" | "email" | "name" | "mustChangePassword" | "hasPassword" | "grants">;
  principal: Principal;
  csrfToken: string;
  /** The stored hash the forms' token is checked against. */
  csrfTokenHash: string;
  via: "password" | "sso";
  expiresAt: Date;
};

/**
 * Where a sign-in comes from: the client's address (throttling, the audit log), and the session cookie the browser
 * still carried, if any (ended by the sign-in: a session id is never carried across a sign-in).
 */
export type SignInOrigin = { address: string; previousSecret?: string };

/** What the audit log keeps of a sign-in's origin (the address; never a cookie). */
function auditedOrigin(origin: SignInOrigin): { address: string } {
  return { address: origin.address };
}

function attemptKeys(email: string, origin: SignInOrigin): { account: string; address: string } {
  return { account: `account:${email}`, address: `address:${origin.address}` };
}

/** Seconds until the caller may try again, when the account or the address is over its limit (else 0). */
async function throttledFor(ctx: ServiceContext, keys: { account: string; address: string }, now: Date) {
  const rows = await readAttempts(ctx.store.conn(), [keys.account, keys.address]);
  let wait = 0;
  for (const row of rows) {
    const limit = row.key === keys.account ? SIGN_IN_LIMITS.account : SIGN_IN_LIMITS.address;
    const ends = row.windowStart.getTime() + SIGN_IN_LIMITS.windowMs;
    if (row.count >= limit && ends > now.getTime()) {
      wait = Math.max(wait, Math.ceil((ends - now.getTime()) / 1000));
    }
  }
  return wait;
}

/** Counts a failure against both keys, in the caller's transaction (under a lock per key: nodes share counters). */
async function countFailure(ctx: ServiceContext, tx: Tx, keys: string[], now: Date) {
  for (const key of keys) {
    await ctx.store.lock(tx, `sign-in:${key}`);
    const [row] = await readAttempts(tx, [key]);
    const fresh = !row || row.windowStart.getTime() + SIGN_IN_LIMITS.windowMs <= now.getTime();
    await writeAttempt(tx, fresh ? { key, windowStart: now, count: 1 } : { ...row, count: row.count + 1 });
  }
}

/** Opens a session for an account (sign-in by password or SSO): returns the cookie secret, the only time it exists. */
export async function openSession(
  ctx: ServiceContext,
  tx: Tx,
  userId: string,
  via: SessionRow["via"],
  now: Date,
): Promise<string> {
  const secret = ctx.newSecret();
  const { sessionIdleMs, sessionMaxMs } = ctx.config.console;
  const expiresAt = new Date(now.getTime() + sessionMaxMs);
  await deleteExpiredSessions(tx, now);
  await insertSession(tx, {
    idHash: sha256(secret),
    userId,
    createdAt: now,
    lastSeenAt: now,
    expiresAt,
    idleExpiresAt: new Date(Math.min(now.getTime() + sessionIdleMs, expiresAt.getTime())),
    csrfTokenHash: sha256(csrfTokenOf(secret)),
    via,
  });
  return secret;
}

/**
 * Signs in with email and password. Refused alike (401, one message) for an unknown email, a disabled account, an
 * account without a password and a wrong password, after the same Argon2 work; over the limit per account or per
 * address → 429 with the seconds to wait, before any password is checked. Every outcome is audited (never the
 * password); a success opens a new session (a session id is never reused across sign-ins).
 */
export async function signInWithPassword(
  ctx: ServiceContext,
  input: { email: string; password: string },
  origin: SignInOrigin,
): Promise<{ secret: string; userId: string; mustChangePassword: boolean }> {
  const email = normaliseEmail(input.email.trim());
  const keys = attemptKeys(email, origin);
  const now = ctx.clock();
  const user = await findUserByEmail(ctx.store.conn(), email);
  const target = { targetType: "user", targetId: user?.id ?? "unknown" };
  const wait = await throttledFor(ctx, keys, now);
  if (wait > 0) {
    await ctx.store.tx((tx) =>
      appendAudit(tx, {
        at: now,
        actor: "anonymous",
        action: "user.sign-in-throttled",
        ...target,
        details: auditedOrigin(origin),
      }),
    );
    throw new AppError("TOO_MANY_REQUESTS", `Too many failed sign-ins: try again in ${Math.ceil(wait / 60)} minutes`, {
      retryAfter: wait,
    });
  }
  const matches = await verifyPassword(user?.passwordHash ?? null, input.password);
  if (!user || !matches || user.disabledAt) {
    const reason = !user ? "unknown-account" : user.disabledAt ? "disabled" : "wrong-password";
    await ctx.store.tx(async (tx) => {
      await countFailure(ctx, tx, [keys.account, keys.address], now);
      await appendAudit(tx, {
        at: now,
        actor: user ? `user:${user.id}` : "anonymous",
        action: "user.sign-in-failed",
        ...target,
        details: { ...auditedOrigin(origin), reason },
      });
    });
    throw new AppError("UNAUTHENTICATED", "The email or the password is wrong");
  }
  const secret = await ctx.store.tx(async (tx) => {
    await clearAttempts(tx, keys.account);
    if (origin.previousSecret) {
      await deleteSession(tx, sha256(origin.previousSecret));
    }
    const opened = await openSession(ctx, tx, user.id, "password", now);
    await appendAudit(tx, {
      at: now,
      actor: `user:${user.id}`,
      action: "user.signed-in",
      ...target,
      details: { ...auditedOrigin(origin), via: "password" },
    });
    return opened;
  });
  return { secret, userId: user.id, mustChangePassword: user.mustChangePassword };
}

/**
 * The session a cookie secret opens, with its account's grants as they are now (a revoked grant or a disabled account
 * takes effect on the next request), or null (unknown, expired, signed out, account disabled). Pushes the idle expiry
 * on, at most once a minute.
 */
export async function resumeSession(ctx: ServiceContext, secret: string): Promise<ConsoleSession | null> {
  const now = ctx.clock();
  const db = ctx.store.conn();
  const idHash = sha256(secret);
  const found = await findLiveSessionWithUser(db, idHash, now);
  if (!found) {
    return null;
  }
  const { session: row, user } = found;
  if (now.getTime() - row.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    const idle = new Date(Math.min(now.getTime() + ctx.config.console.sessionIdleMs, row.expiresAt.getTime()));
    await ctx.store.tx((tx) => touchSession(tx, idHash, now, idle));
  }
  const grants = found.grants.map((g) => ({
    id: g.id,
    role: g.role,
    program: g.program,
    graderRole: g.graderRole,
  }));
  const view = {
    id: user.id,
    email: user.email,
    name: user.name,
    mustChangePassword: user.mustChangePassword,
    hasPassword: user.hasPassword,
    grants,
  };
  return {
    idHash,
    user: view,
    principal: principalOfUser(view),
    csrfToken: csrfTokenOf(secret),
    csrfTokenHash: row.csrfTokenHash,
    via: row.via,
    expiresAt: row.expiresAt,
  };
}

/** Whether a form's CSRF token is this session's (compared as hashes, in constant time). */
export function csrfTokenMatches(session: ConsoleSession, token: string | undefined): boolean {
  if (!token) {
    return false;
  }
  return timingSafeEqual(Buffer.from(session.csrfTokenHash, "hex"), Buffer.from(sha256(token), "hex"));
}

/** Signs out this session (audited). */
export async function signOut(ctx: ServiceContext, session: ConsoleSession): Promise<void> {
  const now = ctx.clock();
  await ctx.store.tx(async (tx) => {
    await deleteSession(tx, session.idHash);
    await appendAudit(tx, {
      at: now,
      actor: session.principal.actor,
      action: "user.signed-out",
      targetType: "user",
      targetId: session.user.id,
    });
  });
}

/** Signs out every session of the account, on every device (audited with how many ended). */
export async function signOutEverywhere(ctx: ServiceContext, session: ConsoleSession): Promise<void> {
  const now = ctx.clock();
  await ctx.store.tx(async (tx) => {
    const ended = await deleteSessionsOf(tx, session.user.id);
    await appendAudit(tx, {
      at: now,
      actor: session.principal.actor,
      action: "user.signed-out-everywhere",
      targetType: "user",
      targetId: session.user.id,
      details: { sessionsEnded: ended },
    });
  });
}
