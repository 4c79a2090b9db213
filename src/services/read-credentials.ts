import { normaliseEmail } from "../domain/credential/identity.js";
import { AppError, validationError } from "../errors.js";
import { findCredential, findCredentialDocument, listCredentials } from "../storage/credentials-repo.js";
import { slotsOf } from "../storage/status-entries-repo.js";
import { type CredentialView, toCredentialView } from "./credential-view.js";
import type { ServiceContext } from "./deps.js";

function notFound(id: string): AppError {
  return new AppError("NOT_FOUND", `No credential "${id}"`);
}

export async function getCredential(ctx: ServiceContext, id: string): Promise<CredentialView> {
  const db = ctx.store.conn();
  const record = await findCredential(db, id);
  if (!record) {
    throw notFound(id);
  }
  return toCredentialView(ctx.config.publicUrl, null, record, await slotsOf(db, record.id));
}

/** The signed JSON document exactly as stored, for the public read route. */
export async function getSignedCredential(ctx: ServiceContext, id: string): Promise<string> {
  const found = await findCredentialDocument(ctx.store.conn(), id);
  if (!found) {
    throw notFound(id);
  }
  return found.document;
}

/** The VC-JWT form, as issued. */
export async function getCredentialJwt(ctx: ServiceContext, id: string): Promise<string> {
  const found = await findCredentialDocument(ctx.store.conn(), id);
  if (!found) {
    throw notFound(id);
  }
  return found.jwt;
}

export type CredentialListQuery = { achievementId?: string; email?: string; limit: number; cursor?: string };

function encodeCursor(createdAt: Date, id: string): string {
  return Buffer.from(JSON.stringify([createdAt.getTime(), id])).toString("base64url");
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  try {
    const [ms, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as [unknown, unknown];
    if (typeof ms === "number" && Number.isSafeInteger(ms) && ms >= 0 && typeof id === "string") {
      return { createdAt: new Date(ms), id };
    }
  } catch {
    // fall through to the validation error
  }
  throw validationError([{ path: "cursor", message: "not a cursor returned by this API" }]);
}

/** One page of credentials, newest first, with the cursor of the next page (null at the end). */
export async function listCredentialPage(
  ctx: ServiceContext,
  query: CredentialListQuery,
): Promise<{ items: CredentialView[]; nextCursor: string | null }> {
  const db = ctx.store.conn();
  const rows = await listCredentials(db, {
    achievementId: query.achievementId,
    email: query.email ? normaliseEmail(query.email) : undefined,
    limit: query.limit + 1,
    after: query.cursor ? decodeCursor(query.cursor) : undefined,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor = rows.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null;
  const items: CredentialView[] = [];
  for (const r of page) {
    items.push(toCredentialView(ctx.config.publicUrl, null, r, await slotsOf(db, r.id)));
  }
  return { items, nextCursor };
}
