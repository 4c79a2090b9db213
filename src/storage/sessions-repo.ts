import { and, eq, gt, isNull, lte, ne, or, sql } from "drizzle-orm";
import { placeholderOf, prepared, rowsOf } from "./prepared.js";
import type { Conn, Tables, Tx } from "./store.js";

export type SessionRow = Tables["sessions"]["$inferSelect"];

/** What a request needs of its live session, account and grants (findLiveSessionWithUser). */
export type LiveSession = Pick<SessionRow, "lastSeenAt" | "expiresAt" | "csrfTokenHash" | "via">;
export type SessionUser = Pick<Tables["users"]["$inferSelect"], "id" | "email" | "name" | "mustChangePassword"> & {
  hasPassword: boolean;
};
export type SessionGrant = Pick<Tables["userGrants"]["$inferSelect"], "id" | "role" | "program" | "graderRole">;

export async function insertSession(tx: Tx, row: SessionRow): Promise<void> {
  await tx.insert(tx.t.sessions).values(row);
}

/**
 * The live session of `idHash` (neither expired nor idle too long, its account not disabled) with its account and the
 * account's grants (oldest first), in one statement prepared once per connection: every console request reads it, and
 * on PostgreSQL each statement is a round trip. The grants come unordered and are put oldest first here (an account
 * has a handful): an ORDER BY had SQLite build a sorter on every request, for one row as for five. Whether the account
 * has a password, not its hash: no request needs the hash, which would be read (and decoded into a string) on every
 * one. The rows are read flat, as arrays (rowsOf): drizzle's mapping of a joined select into nested objects, row by
 * row, was a tenth of the statement's cost.
 */
export async function findLiveSessionWithUser(
  db: Conn,
  idHash: string,
  now: Date,
): Promise<{ session: LiveSession; user: SessionUser; grants: SessionGrant[] } | undefined> {
  const query = prepared(db, "sessions_live_with_user_grants_flat", (d) => {
    const { sessions, users, userGrants } = d.t;
    // only the columns a request uses, in the order read below
    return d
      .select({
        lastSeenAt: sessions.lastSeenAt,
        expiresAt: sessions.expiresAt,
        csrfTokenHash: sessions.csrfTokenHash,
        via: sessions.via,
        userId: users.id,
        email: users.email,
        name: users.name,
        // 0/1 on SQLite, a boolean on PostgreSQL: read through Boolean below
        hasPassword: sql<boolean>`${users.passwordHash} is not null`,
        mustChangePassword: users.mustChangePassword,
        grantId: userGrants.id,
        role: userGrants.role,
        program: userGrants.program,
        graderRole: userGrants.graderRole,
        grantCreatedAt: userGrants.createdAt,
      })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .leftJoin(userGrants, eq(userGrants.userId, users.id))
      .where(
        and(
          eq(sessions.idHash, sql.placeholder("idHash")),
          gt(sessions.expiresAt, placeholderOf(sessions.expiresAt, "now")),
          gt(sessions.idleExpiresAt, placeholderOf(sessions.idleExpiresAt, "now")),
          isNull(users.disabledAt),
        ),
      );
  });
  const rows = await rowsOf(db, query, { idHash, now });
  const first = rows[0];
  if (!first) {
    return undefined;
  }
  const unordered: SessionGrant[] = [];
  const createdAt: number[] = [];
  for (const row of rows) {
    if (row[9] !== null && row[9] !== undefined) {
      unordered.push({
        id: row[9] as string,
        role: row[10] as SessionGrant["role"],
        program: row[11] as string | null,
        graderRole: row[12] as string | null,
      });
      createdAt.push(Number(row[13]));
    }
  }
  // oldest first, then by id: what `ORDER BY created_at, id` gave
  const grants =
    unordered.length < 2
      ? unordered
      : unordered
          .map((_, i) => i)
          .sort((i, j) => {
            const a = unordered[i] as SessionGrant;
            const b = unordered[j] as SessionGrant;
            return (createdAt[i] as number) - (createdAt[j] as number) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
          })
          .map((i) => unordered[i] as SessionGrant);
  return {
    session: {
      lastSeenAt: new Date(first[0] as number),
      expiresAt: new Date(first[1] as number),
      csrfTokenHash: first[2] as string,
      via: first[3] as LiveSession["via"],
    },
    user: {
      id: first[4] as string,
      email: first[5] as string,
      name: first[6] as string,
      hasPassword: Boolean(first[7]),
      mustChangePassword: Boolean(first[8]),
    },
    grants,
  };
}

/** Pushes a session's idle expiry on (never past its absolute expiry: the caller computes it). */
export async function touchSession(tx: Tx, idHash: string, at: Date, idleExpiresAt: Date): Promise<void> {
  const { sessions } = tx.t;
  await tx.update(sessions).set({ lastSeenAt: at, idleExpiresAt }).where(eq(sessions.idHash, idHash));
}

/** Ends one session; false when there was none. */
export async function deleteSession(tx: Tx, idHash: string): Promise<boolean> {
  const { sessions } = tx.t;
  const gone = await tx.delete(sessions).where(eq(sessions.idHash, idHash)).returning({ id: sessions.idHash });
  return gone.length > 0;
}

/** Ends every session of an account; returns how many there were. */
export async function deleteSessionsOf(tx: Tx, userId: string): Promise<number> {
  const { sessions } = tx.t;
  const gone = await tx.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.idHash });
  return gone.length;
}

/** Ends every session of an account but one (the one that changed the password). */
export async function deleteOtherSessionsOf(tx: Tx, userId: string, keepIdHash: string): Promise<void> {
  const { sessions } = tx.t;
  await tx.delete(sessions).where(and(eq(sessions.userId, userId), ne(sessions.idHash, keepIdHash)));
}

/** Forgets sessions that expired before `now`. */
export async function deleteExpiredSessions(tx: Tx, now: Date): Promise<void> {
  const { sessions } = tx.t;
  await tx.delete(sessions).where(or(lte(sessions.expiresAt, now), lte(sessions.idleExpiresAt, now)));
}

export type AttemptRow = Tables["signInAttempts"]["$inferSelect"];

/** The failure counters of these keys (`account:<email>`, `address:<ip>`). */
export async function readAttempts(db: Conn, keys: readonly string[]): Promise<AttemptRow[]> {
  const { signInAttempts } = db.t;
  const rows: AttemptRow[] = [];
  for (const key of keys) {
    rows.push(...(await db.select().from(signInAttempts).where(eq(signInAttempts.key, key)).limit(1)));
  }
  return rows;
}

/** Writes a key's counter (insert or replace; the caller read it in the same transaction, under its lock). */
export async function writeAttempt(tx: Tx, row: AttemptRow): Promise<void> {
  const { signInAttempts } = tx.t;
  await tx
    .insert(signInAttempts)
    .values(row)
    .onConflictDoUpdate({ target: signInAttempts.key, set: { windowStart: row.windowStart, count: row.count } });
}

export async function clearAttempts(tx: Tx, key: string): Promise<void> {
  const { signInAttempts } = tx.t;
  await tx.delete(signInAttempts).where(eq(signInAttempts.key, key));
}

export type SsoRequestRow = Tables["ssoRequests"]["$inferSelect"];

export async function insertSsoRequest(tx: Tx, row: SsoRequestRow): Promise<void> {
  await tx.insert(tx.t.ssoRequests).values(row);
}

/** Takes (reads and deletes: one use) an SSO request still valid at `now`; expired ones are deleted too. */
export async function takeSsoRequest(tx: Tx, stateHash: string, now: Date): Promise<SsoRequestRow | undefined> {
  const { ssoRequests } = tx.t;
  const taken = await tx.delete(ssoRequests).where(eq(ssoRequests.stateHash, stateHash)).returning();
  await tx.delete(ssoRequests).where(lte(ssoRequests.expiresAt, now));
  const row = taken[0];
  return row && row.expiresAt > now ? row : undefined;
}
