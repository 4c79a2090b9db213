import { createHash } from "node:crypto";
import { signDataIntegrity } from "../crypto/data-integrity.js";
import { encodeStatusList, STATUS_LIST_LENGTH } from "../domain/status/bitstring.js";
import {
  buildStatusListCredential,
  type StatusPurpose,
  type StatusSlot,
} from "../domain/status/status-list-credential.js";
import { type OpenLists, reserveStatusSlot, writeOpenLists } from "../storage/status-entries-repo.js";
import { findListVersion, findServedList, readListSnapshot, storeSignedList } from "../storage/status-lists-repo.js";
import type { ServiceContext } from "./deps.js";

/**
 * Reserves one status index per purpose in its own committed transaction, before anything is signed: a process that
 * dies afterwards leaves reserved, unused indexes that are never handed out again, and never a credential without
 * status. The `status-allocation` lock (SQLite: the write lock the transaction takes up front) serialises concurrent
 * processes and nodes, so list creation and the `allocated` counters never interleave.
 */
export function reserveStatusSlots(
  ctx: Pick<ServiceContext, "store" | "clock" | "randomInt">,
  purposes: readonly StatusPurpose[],
): Promise<StatusSlot[]> {
  const now = ctx.clock();
  return ctx.store.tx(async (tx) => {
    await ctx.store.lock(tx, "status-allocation");
    const slots: StatusSlot[] = [];
    for (const purpose of purposes) {
      slots.push(await reserveStatusSlot(tx, { purpose, length: STATUS_LIST_LENGTH, now, randomInt: ctx.randomInt }));
    }
    return slots;
  });
}

/**
 * Reserves the status indexes of many credentials (one list of purposes each) as a block, in one committed transaction:
 * what `reserveStatusSlots` does for one, at the cost of one transaction for the whole block.
 */
export function reserveStatusSlotBlock(
  ctx: Pick<ServiceContext, "store" | "clock" | "randomInt">,
  purposesEach: readonly (readonly StatusPurpose[])[],
): Promise<StatusSlot[][]> {
  const now = ctx.clock();
  return ctx.store.tx(async (tx) => {
    await ctx.store.lock(tx, "status-allocation");
    const block: StatusSlot[][] = [];
    const open: OpenLists = new Map();
    for (const purposes of purposesEach) {
      const slots: StatusSlot[] = [];
      for (const purpose of purposes) {
        const options = { purpose, length: STATUS_LIST_LENGTH, now, randomInt: ctx.randomInt };
        slots.push(await reserveStatusSlot(tx, options, open));
      }
      block.push(slots);
    }
    await writeOpenLists(tx, open);
    return block;
  });
}

async function signAndStore(ctx: ServiceContext, listId: string): Promise<void> {
  const snapshot = await readListSnapshot(ctx.store.conn(), listId);
  if (!snapshot) {
    return;
  }
  const now = ctx.clock();
  const validFrom = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const keys = await ctx.keys.fresh();
  const unsigned = buildStatusListCredential({
    publicUrl: ctx.config.publicUrl,
    listId,
    issuer: keys.keyring.did,
    purpose: snapshot.purpose,
    encodedList: encodeStatusList(snapshot.setIndexes, snapshot.length),
    validFrom,
  });
  const signed = await signDataIntegrity({
    credential: unsigned,
    signer: keys.keyring.active,
    documentLoader: keys.documentLoader,
    now: validFrom,
  });
  const document = JSON.stringify(signed);
  const etag = `"${createHash("sha256").update(document).digest("base64url")}"`;
  await ctx.store.tx((tx) => storeSignedList(tx, { listId, version: snapshot.version, document, etag, signedAt: now }));
}

/**
 * Makes sure the stored signed list is at least as new as the list's current bits: signs it when a bit changed since
 * (or it was never signed). Returns once a document of that version or newer is stored, so the next GET serves it.
 */
export async function refreshStatusList(ctx: ServiceContext, listId: string): Promise<void> {
  const served = await findServedList(ctx.store.conn(), listId);
  if (!served || (served.signedVersion !== null && served.signedVersion >= served.version)) {
    return;
  }
  // Signings in flight per list: concurrent requests for the same version share one.
  const lists = ctx.state.statusListSignings;
  const running = lists.get(listId);
  if (running && running.version >= served.version) {
    return running.done;
  }
  const done = signAndStore(ctx, listId);
  const entry = { version: served.version, done };
  lists.set(listId, entry);
  try {
    await done;
  } finally {
    if (lists.get(listId) === entry) {
      lists.delete(listId);
    }
  }
}

export type ServedStatusList = { body: string; etag: string };

/** The signed list as served: re-signed first when a change has not been signed yet (e.g. after a crash). */
export async function getServedStatusList(ctx: ServiceContext, listId: string): Promise<ServedStatusList | undefined> {
  let served = await findServedList(ctx.store.conn(), listId);
  if (!served) {
    return undefined;
  }
  if (served.signedVersion === null || served.signedVersion < served.version) {
    await refreshStatusList(ctx, listId);
    served = await findServedList(ctx.store.conn(), listId);
  }
  if (!served?.document || !served.etag) {
    throw new Error(`status list ${listId} could not be signed`);
  }
  return { body: served.document, etag: served.etag };
}

/**
 * The signed `BitstringStatusListCredential` of one of our lists, as GET /status-lists/{listId} serves it; undefined
 * when there is no such list. For checking our own credentials' status without HTTP.
 */
export async function getSignedStatusList(
  ctx: ServiceContext,
  listId: string,
): Promise<Record<string, unknown> | undefined> {
  // Parsed once per signed version: the ETag is the hash of the bytes, so a re-signed list is parsed afresh. The
  // same object comes back while the list is unchanged, which lets the verifier memoise its check by identity. Read
  // live on every call, without the document while the parsed one is still the signed, current version.
  const parsed = ctx.state.parsedStatusLists;
  const cached = parsed.get(listId);
  if (cached) {
    const now = await findListVersion(ctx.store.conn(), listId);
    if (now?.etag === cached.etag && now.signedVersion !== null && now.signedVersion >= now.version) {
      return cached.document;
    }
  }
  const served = await getServedStatusList(ctx, listId);
  if (!served) {
    return undefined;
  }
  const again = parsed.get(listId);
  if (again?.etag === served.etag) {
    return again.document;
  }
  const document = Object.freeze(JSON.parse(served.body) as Record<string, unknown>);
  parsed.set(listId, { etag: served.etag, document });
  return document;
}
