import { and, eq, lt } from "drizzle-orm";
import type { Conn, Tables, Tx } from "./store.js";

export type OAuthTokenRow = Tables["oauthTokens"]["$inferSelect"];

export async function insertOAuthToken(tx: Tx, row: Tables["oauthTokens"]["$inferInsert"]): Promise<void> {
  await tx.insert(tx.t.oauthTokens).values(row);
}

/** The token whose SHA-256 is `tokenHash`, with its client's row. */
export async function findOAuthToken(
  db: Conn,
  tokenHash: string,
): Promise<{ token: OAuthTokenRow; client: Tables["apiKeys"]["$inferSelect"] } | undefined> {
  const { oauthTokens, apiKeys } = db.t;
  const [row] = await db
    .select({ token: oauthTokens, client: apiKeys })
    .from(oauthTokens)
    .innerJoin(apiKeys, eq(apiKeys.id, oauthTokens.clientId))
    .where(eq(oauthTokens.tokenHash, tokenHash))
    .limit(1);
  return row;
}

/** Forgets a client's tokens that expired before `now` (they can never be used again). */
export async function deleteExpiredOAuthTokens(tx: Tx, clientId: string, now: Date): Promise<void> {
  const { oauthTokens } = tx.t;
  await tx.delete(oauthTokens).where(and(eq(oauthTokens.clientId, clientId), lt(oauthTokens.expiresAt, now)));
}
