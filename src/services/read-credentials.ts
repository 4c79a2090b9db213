import { normaliseEmail } from "../domain/credential/identity.js";
import { AppError, validationError } from "../errors.js";
import {
  type CredentialSummary,
  findCredential,
  findCredentialDocument,
  type ListedState,
  listCredentialSummaries,
  listCredentials,
} from "../storage/credentials-repo.js";
import { slotsOf } from "../storage/status-entries-repo.js";
import { type CredentialView, toCredentialView } from "./credential-view.js";

export type { CredentialSummary, ListedState } from "../storage/credentials-repo.js";

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

export type CredentialSummaryPageQuery = {
  /** The programs the reader may read credentials of ("all", or catalog program names). */
  programs: "all" | readonly string[];
  achievementId?: string;
  /** A recipient's email (normalised here): exact match. */
  email?: string;
  state?: ListedState;
  limit: number;
  cursor?: string;
};

/**
 * One page of the console's credentials list, newest first, only of the programs given (a credential whose
 * certification has left the catalog belongs to no program: only a reader of every program sees it).
 */
export async function listCredentialSummaryPage(
  ctx: ServiceContext,
  query: CredentialSummaryPageQuery,
): Promise<{ items: CredentialSummary[]; nextCursor: string | null }> {
  const programs = query.programs;
  // A reader of some programs: one indexed query per certification of theirs (achievement, created, id), merged;
  // one `achievement_id IN (…)` query would sort every matching row instead.
  const readable =
    programs === "all"
      ? undefined
      : ctx.catalog.entries.filter((entry) => programs.includes(entry.program)).map((entry) => entry.id);
  const achievementIds =
    query.achievementId !== undefined
      ? readable === undefined || readable.includes(query.achievementId)
        ? [query.achievementId]
        : []
      : readable;
  const db = ctx.store.conn();
  // one certification (a filtered list): its statement's rows are in the page's order already (newest first, then
  // id), read as they are; several are merged below
  const one = achievementIds?.length === 1 ? achievementIds[0] : undefined;
  const base = {
    achievementId: one,
    email: query.email ? normaliseEmail(query.email) : undefined,
    state: query.state,
    now: ctx.clock(),
    limit: query.limit + 1,
    after: query.cursor ? decodeCursor(query.cursor) : undefined,
  };
  let rows: CredentialSummary[];
  if (achievementIds === undefined || one !== undefined) {
    rows = await listCredentialSummaries(db, base);
  } else {
    rows = [];
    for (const achievementId of achievementIds) {
      rows.push(...(await listCredentialSummaries(db, { ...base, achievementId })));
    }
    rows.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    rows = rows.slice(0, base.limit);
  }
  // the row past the page (read to learn whether there is a next page) dropped from the rows read, not copied around
  const more = rows.length > query.limit;
  if (more) {
    rows.length = query.limit;
  }
  const last = rows.at(-1);
  return {
    items: rows,
    nextCursor: more && last ? encodeCursor(new Date(last.createdAt), last.id) : null,
  };
}

/** The catalog program a credential's certification belongs to (undefined: no longer in the catalog). */
export function programOf(ctx: ServiceContext, achievementId: string): string | undefined {
  return ctx.catalog.get(achievementId)?.program;
}
