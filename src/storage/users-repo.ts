import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import { prepared } from "./prepared.js";
import type { Conn, Tables, Tx } from "./store.js";

export type UserRow = Tables["users"]["$inferSelect"];
export type UserGrantRow = Tables["userGrants"]["$inferSelect"];

export async function insertUser(tx: Tx, row: Tables["users"]["$inferInsert"]): Promise<void> {
  await tx.insert(tx.t.users).values(row);
}

export async function findUser(db: Conn, id: string): Promise<UserRow | undefined> {
  const { users } = db.t;
  return (await db.select().from(users).where(eq(users.id, id)).limit(1))[0];
}

/** The account of an email, as stored (lower-cased). */
export async function findUserByEmail(db: Conn, email: string): Promise<UserRow | undefined> {
  const { users } = db.t;
  return (await db.select().from(users).where(eq(users.email, email)).limit(1))[0];
}

/** Every account, by email (console accounts are a staff list: tens, not millions). */
export async function listUsers(db: Conn): Promise<UserRow[]> {
  const { users } = db.t;
  return db.select().from(users).orderBy(asc(users.email));
}

export async function countUsers(db: Conn): Promise<number> {
  const { users } = db.t;
  const [row] = await db.select({ n: sql<number>`count(*)`.mapWith(Number) }).from(users);
  return row?.n ?? 0;
}

/** Disables an enabled account; false when it does not exist or was already disabled. */
export async function disableUser(tx: Tx, id: string, at: Date): Promise<boolean> {
  const { users } = tx.t;
  const changed = await tx
    .update(users)
    .set({ disabledAt: at })
    .where(and(eq(users.id, id), isNull(users.disabledAt)))
    .returning({ id: users.id });
  return changed.length > 0;
}

/** Re-enables a disabled account; false when it does not exist or is enabled. */
export async function enableUser(tx: Tx, id: string): Promise<boolean> {
  const { users } = tx.t;
  const changed = await tx
    .update(users)
    .set({ disabledAt: null })
    .where(and(eq(users.id, id), sql`${users.disabledAt} is not null`))
    .returning({ id: users.id });
  return changed.length > 0;
}

export async function setPasswordHash(
  tx: Tx,
  id: string,
  passwordHash: string,
  mustChangePassword: boolean,
): Promise<void> {
  const { users } = tx.t;
  await tx.update(users).set({ passwordHash, mustChangePassword }).where(eq(users.id, id));
}

export async function setUserName(tx: Tx, id: string, name: string): Promise<void> {
  const { users } = tx.t;
  await tx.update(users).set({ name }).where(eq(users.id, id));
}

export async function insertGrant(tx: Tx, row: Tables["userGrants"]["$inferInsert"]): Promise<void> {
  await tx.insert(tx.t.userGrants).values(row);
}

/** Removes one of an account's grants; false when the account has no such grant. */
export async function deleteGrant(tx: Tx, userId: string, grantId: string): Promise<boolean> {
  const { userGrants } = tx.t;
  const gone = await tx
    .delete(userGrants)
    .where(and(eq(userGrants.id, grantId), eq(userGrants.userId, userId)))
    .returning({ id: userGrants.id });
  return gone.length > 0;
}

/** Removes every grant of an account (before SSO writes the grants its mapping gives). */
export async function deleteGrantsOf(tx: Tx, userId: string): Promise<void> {
  const { userGrants } = tx.t;
  await tx.delete(userGrants).where(eq(userGrants.userId, userId));
}

/** The grants of some accounts, oldest first. */
/** One account's grants, as `grantsOf` orders them, in a statement prepared once per connection (every console request). */
export async function grantsOfUser(db: Conn, userId: string): Promise<UserGrantRow[]> {
  const query = prepared(db, "user_grants_of_user", (d) => {
    const { userGrants } = d.t;
    return d
      .select()
      .from(userGrants)
      .where(eq(userGrants.userId, sql.placeholder("userId")))
      .orderBy(asc(userGrants.createdAt), asc(userGrants.id));
  });
  return query.execute({ userId });
}

export async function grantsOf(db: Conn, userIds: readonly string[]): Promise<UserGrantRow[]> {
  if (userIds.length === 0) {
    return [];
  }
  const { userGrants } = db.t;
  return db
    .select()
    .from(userGrants)
    .where(inArray(userGrants.userId, [...userIds]))
    .orderBy(asc(userGrants.createdAt), asc(userGrants.id));
}
