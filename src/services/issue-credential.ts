import type { SigningPriority } from "../crypto/signing-pool.js";
import { type Ob3Achievement, toOb3Achievement } from "../domain/achievement.js";
import type { CatalogEntry } from "../domain/catalog/parse-catalog.js";
import type { CredentialRecipe, CredentialRecipes } from "../domain/credential/recipe.js";
import { credentialStatusValue, type StatusSlot, statusListEntry } from "../domain/status/status-list-credential.js";
import { AppError } from "../errors.js";
import type { CredentialRecord } from "../storage/credentials-repo.js";
import type { Tx } from "../storage/store.js";
import { nothingToAward } from "./award-settled.js";
import { type CredentialView, credentialUrl, toCredentialView } from "./credential-view.js";
import type { ServiceContext } from "./deps.js";
import {
  checkIssuable,
  credentialRecordOf,
  type NewIssue,
  persistIssue,
  type SignedCredential,
  writeIssued,
  writeIssuedMany,
} from "./issue-persist.js";
import {
  type IssueCredentialInput,
  type IssuePlan,
  planIssue,
  settleIssue,
  statusPurposesFor,
  type UnreservedPlan,
} from "./issue-plan.js";
import { signCredentials } from "./sign-credentials.js";
import { refreshStatusList, reserveStatusSlotBlock } from "./status-lists.js";

/**
 * Issues one credential: plan (validate, compute its dates, reserve its status indexes in their own committed
 * transaction) → sign (through the signing pool: a worker thread when it has any) → persist the document, its
 * recipient, its status entries, the audit entry and the `credential.issued` event in one write transaction (which
 * also supersedes the credential it replaces). Signing happens outside the transactions.
 */
export async function issueCredential(ctx: ServiceContext, input: IssueCredentialInput): Promise<CredentialView> {
  const plan = await planIssue(ctx, input);
  const signed = await signIssue(ctx, input, plan);
  const record = credentialRecordOf(input, plan, signed);
  const resign = await persistIssue(ctx, input, plan, record);
  for (const listId of resign) {
    await refreshStatusList(ctx, listId);
  }
  ctx.logger.info("credential issued", { credentialId: plan.id, achievementId: plan.entry.id, actor: input.actor });
  // the record holds the signed document's text: the view parses it only if it is read
  return toCredentialView(ctx.config.publicUrl, null, record, plan.slots);
}

/**
 * The unsigned OpenBadgeCredentials of planned issuances, as recipes (built where they are signed: a signing worker),
 * each certification's Achievement made once for them all (`made`: the Achievements an issuance of several batches
 * made for the earlier ones; making one walks its criteria); a salt is drawn for each recipient, in order.
 */
function credentialRecipes(
  ctx: ServiceContext,
  items: readonly { input: IssueCredentialInput; plan: IssuePlan }[],
  made = new Map<CatalogEntry, Ob3Achievement>(),
): CredentialRecipes {
  const { publicUrl } = ctx.config;
  const achievements: Ob3Achievement[] = [];
  const places = new Map<CatalogEntry, number>();
  const recipes = items.map(({ input, plan }): CredentialRecipe => {
    let achievement = places.get(plan.entry);
    if (achievement === undefined) {
      let ob3 = made.get(plan.entry);
      if (ob3 === undefined) {
        ob3 = toOb3Achievement(plan.entry, publicUrl);
        made.set(plan.entry, ob3);
      }
      achievement = achievements.push(ob3) - 1;
      places.set(plan.entry, achievement);
    }
    return {
      id: credentialUrl(publicUrl, plan.id),
      achievement,
      recipient: { email: plan.email, name: plan.name },
      salt: ctx.newSalt(),
      validFrom: plan.validFrom,
      validUntil: plan.validUntil,
      awardedDate: input.awardedDate,
      evidence: input.decision?.evidence,
      results: input.decision?.results,
      credentialStatus: credentialStatusValue(plan.slots.map((slot) => statusListEntry(publicUrl, slot))),
    };
  });
  return { issuer: ctx.issuer, achievements, recipes };
}

/** Builds the credential and signs it: Data Integrity, then VC-JWT over the signed document (OB 3.0 §8's order). */
async function signIssue(ctx: ServiceContext, input: IssueCredentialInput, plan: IssuePlan): Promise<SignedCredential> {
  const [signed] = await signCredentials(ctx, credentialRecipes(ctx, [{ input, plan }]), plan.validFrom);
  return signed as SignedCredential;
}

/** What became of one input of a bulk issuance: its credential, or why it was not issued (nothing of it stored). */
export type IssueOutcome = { ok: true; credential: CredentialView } | { ok: false; error: AppError };

/**
 * An issued outcome of issueCredentials whose view is made the first time it is read (then kept: the same object on
 * every read), from the stored record and its status slots, as toCredentialView made it at once before: a pure function
 * of them (no clock), so the same view whenever it is made. Bulk jobs never read it (only `ok`), awards read its id:
 * making a view (and its parsed-document slot) for each of ten thousand credentials, kept alive with the outcomes until
 * the call returns, cost the main thread its making and the scavenges that copied it (bench/profile-bulk-main.ts).
 * A plain object with an own, enumerable getter: a spread, JSON or a structured clone of it keeps the credential.
 */
function issuedOutcome(publicUrl: string, record: CredentialRecord, slots: StatusSlot[]): IssueOutcome {
  let view: CredentialView | undefined;
  return {
    ok: true,
    get credential(): CredentialView {
      view ??= toCredentialView(publicUrl, null, record, slots);
      return view;
    },
  };
}

/**
 * Credentials stored per write transaction by issueCredentials: few enough that a transaction holds SQLite's write
 * lock briefly (other requests' writes wait behind one), enough that the commit costs little per credential.
 */
export const BULK_PERSIST_BATCH = 100;

/**
 * Credentials being signed beyond the batch awaited: enough to keep every worker busy while the main thread stores
 * (two batches of BULK_PERSIST_BATCH; more batches when they are smaller).
 */
const SIGNING_LOOKAHEAD = 2 * BULK_PERSIST_BATCH;

/** Lets what waits for the event loop run: the signing pool's answers (and the next tasks it hands out), requests. */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

type Planned = { index: number; input: IssueCredentialInput; plan: IssuePlan };

/** What one input came to in the write transaction of its batch: stored under its id, or refused there. */
export type StoredOutcome = { index: number } & ({ ok: true; credentialId: string } | { ok: false; error: AppError });

export type IssueHooks = {
  /**
   * Called inside each write transaction that stores a batch, after its writes, with what became of each of the
   * batch's inputs (by input index): whatever it writes commits or rolls back with those credentials (a bulk job's row
   * outcomes). Inputs refused before signing (settled outcomes with `ok: false`) never reach it.
   */
  afterStore?: (tx: Tx, stored: readonly StoredOutcome[]) => Promise<void>;
};

export type IssueOptions = IssueHooks & {
  /** The signing pool's priority of the batches (a bulk job's: `bulk`). Default `interactive`. */
  priority?: SigningPriority;
  /**
   * Credentials stored per write transaction (default BULK_PERSIST_BATCH). A bulk job stores fewer at a time: on
   * SQLite a write transaction runs without yielding the event loop and holds the write lock, so requests wait for
   * the whole of one.
   */
  persistBatch?: number;
};

/**
 * Issues many credentials, each as issueCredential would (same document, same rows, audit entry and event), at a
 * fraction of the cost: one clock reading for all, in batches of `options.persistBatch`: the status indexes reserved
 * as blocks of BULK_PERSIST_BATCH credentials in committed transactions, each batch's signing fanned out over the
 * signing pool (at `options.priority`), its signed credentials stored in one write transaction (each stored batch's
 * signing overlaps the next ones' reservation and signing), the event loop served between two transactions. An input
 * that is refused (unknown certification, a credential it may not supersede, one already held with `unlessHeld`) gets
 * its AppError in its outcome and stores nothing, like a refused issueCredential; the others are issued. Outcomes keep
 * the inputs' order. A failure of reservation, signing or storage throws: what earlier transactions stored stays
 * stored (with its events), the indexes reserved for batches not stored are never handed out again.
 */
export async function issueCredentials(
  ctx: ServiceContext,
  inputs: readonly IssueCredentialInput[],
  options: IssueOptions = {},
): Promise<IssueOutcome[]> {
  const { priority = "interactive", persistBatch: perTransaction = BULK_PERSIST_BATCH } = options;
  if (!Number.isInteger(perTransaction) || perTransaction < 1) {
    throw new Error("issueCredentials stores a whole number ≥ 1 of credentials per write transaction");
  }
  const outcomes: IssueOutcome[] = new Array(inputs.length);
  const now = ctx.clock();
  const settled: { index: number; input: IssueCredentialInput; plan: UnreservedPlan }[] = [];
  for (const [index, input] of inputs.entries()) {
    try {
      settled.push({ index, input, plan: await settleIssue(ctx, input, now) });
    } catch (error) {
      outcomes[index] = refusal(error);
    }
  }
  if (settled.length === 0) {
    return outcomes;
  }
  // the proofs' time: the issuance's second (each credential's validFrom is that too, unless its input gives one)
  const created = new Date(Math.floor(now.getTime() / 1000) * 1000);
  // The status indexes are reserved (and committed) just before they are signed, for BULK_PERSIST_BATCH credentials
  // (of `settled`) at a time, whatever the batches: the first batch is signed as soon as its own are, where reserving
  // the whole bulk's first left the workers idle meanwhile, and small batches (a bulk job's) do not pay a reservation
  // transaction each (it reads and rewrites the status list's row, signed list and all).
  const reservations: Promise<StatusSlot[][]>[] = [];
  const reservedBlock = (k: number): Promise<StatusSlot[][]> => {
    let reservation = reservations[k];
    if (reservation === undefined) {
      const members = settled.slice(k * BULK_PERSIST_BATCH, (k + 1) * BULK_PERSIST_BATCH);
      reservation = reserveStatusSlotBlock(
        ctx,
        members.map(({ plan }) => statusPurposesFor(plan.entry)),
      );
      reservations[k] = reservation;
    }
    return reservation;
  };
  /** The status slots of `settled[start, end)`, from the blocks that hold them. */
  const reserved = async (start: number, end: number): Promise<StatusSlot[][]> => {
    const first = Math.floor(start / BULK_PERSIST_BATCH);
    const last = Math.floor((end - 1) / BULK_PERSIST_BATCH);
    const blocks: Promise<StatusSlot[][]>[] = [];
    for (let k = first; k <= last; k++) {
      blocks.push(reservedBlock(k));
    }
    const slots = (await Promise.all(blocks)).flat();
    const offset = start - first * BULK_PERSIST_BATCH;
    return slots.slice(offset, offset + (end - start));
  };
  const achievements = new Map<CatalogEntry, Ob3Achievement>();
  const signings: (Promise<{ batch: Planned[]; signed: SignedCredential[] }> | undefined)[] = [];
  let started = 0; // the credentials of `settled` whose batch's signing has started
  const startSigning = () => {
    const start = started;
    const end = Math.min(settled.length, start + perTransaction);
    started = end;
    const signing = (async () => {
      const block = await reserved(start, end);
      const planned = settled
        .slice(start, end)
        .map((s, i): Planned => ({ ...s, plan: { ...s.plan, slots: block[i] ?? [] } }));
      return {
        batch: planned,
        signed: await signCredentials(ctx, credentialRecipes(ctx, planned, achievements), created, priority),
      };
    })();
    signing.catch(() => {}); // awaited in turn below; one failing after an earlier failure is not unhandled
    signings.push(signing);
  };
  const resign = new Set<string>();
  // The workers sign the next batches while the main thread stores the one signed first; a few batches ahead only,
  // so that a single issuance asked for meanwhile waits behind a few chunks, not behind the whole bulk.
  for (let b = 0, stored = 0; stored < settled.length; b++) {
    while (started < settled.length && started <= stored + SIGNING_LOOKAHEAD) {
      startSigning();
    }
    const { batch, signed } = await (signings[b] as Promise<{ batch: Planned[]; signed: SignedCredential[] }>);
    // what the outcomes keep of a stored batch is its records: its signed answers and plans are let go
    signings[b] = undefined;
    const results = await persistBatch(ctx, batch, signed, options);
    stored += batch.length;
    for (const [i, result] of results.entries()) {
      const { index, input, plan } = batch[i] as Planned;
      if (!result.ok) {
        outcomes[index] = { ok: false, error: result.error };
        continue;
      }
      for (const listId of result.resign) {
        resign.add(listId);
      }
      outcomes[index] = issuedOutcome(ctx.config.publicUrl, result.record, plan.slots);
      ctx.logger.info("credential issued", { credentialId: plan.id, achievementId: plan.entry.id, actor: input.actor });
    }
    if (stored < settled.length) {
      // A signed batch already waiting would be stored at once, without the event loop turning: the workers' answers
      // would wait (and with them the next tasks the pool hands out: a worker idles once it has signed those it
      // holds), and so would a request (its write waits for the whole of the job's run of transactions, not one).
      await yieldToEventLoop();
    }
  }
  for (const listId of resign) {
    await refreshStatusList(ctx, listId);
  }
  return outcomes;
}

/** What became of one issuance of a group: its credential, or what issueCredential would have thrown for it. */
export type GroupOutcome =
  | {
      ok: true;
      credential: CredentialView;
      /** Nothing can be awarded to its recipient (nothingToAward): not marked due, and not to be evaluated. */
      settled: boolean;
    }
  | { ok: false; error: unknown };

/**
 * Issues independent credentials asked for at about the same time (concurrent requests: issue-by-hand.ts gathers
 * them), each exactly as issueCredential would (same document, rows, audit entry and event), sharing the fixed costs:
 * one clock reading, one transaction reserving every status index, one signing call (one chunk per worker), one
 * write transaction (group commit). Each input keeps its own answer: a refusal or failure of one is its outcome alone
 * and stores nothing of it. A shared step that fails is retried per input (signing, storing: nothing was stored by
 * the failed transaction), so one bad input never fails its neighbours. At most BULK_PERSIST_BATCH inputs.
 */
export async function issueCredentialGroup(
  ctx: ServiceContext,
  inputs: readonly IssueCredentialInput[],
): Promise<GroupOutcome[]> {
  if (inputs.length > BULK_PERSIST_BATCH) {
    throw new Error(`a group issues at most ${BULK_PERSIST_BATCH} credentials`);
  }
  const outcomes: GroupOutcome[] = new Array(inputs.length);
  const now = ctx.clock();
  const settled: { index: number; input: IssueCredentialInput; plan: UnreservedPlan }[] = [];
  for (const [index, input] of inputs.entries()) {
    try {
      settled.push({ index, input, plan: await settleIssue(ctx, input, now) });
    } catch (error) {
      outcomes[index] = { ok: false, error };
    }
  }
  if (settled.length === 0) {
    return outcomes;
  }
  let block: Awaited<ReturnType<typeof reserveStatusSlotBlock>>;
  try {
    block = await reserveStatusSlotBlock(
      ctx,
      settled.map(({ plan }) => statusPurposesFor(plan.entry)),
    );
  } catch (error) {
    for (const { index } of settled) {
      outcomes[index] = { ok: false, error };
    }
    return outcomes;
  }
  const planned: Planned[] = settled.map((s, i) => ({ ...s, plan: { ...s.plan, slots: block[i] ?? [] } }));
  const signedAll = await signEach(ctx, planned);
  const ready: Planned[] = [];
  const signed: SignedCredential[] = [];
  for (const [i, item] of planned.entries()) {
    const result = signedAll[i] as { ok: true; signed: SignedCredential } | { ok: false; error: unknown };
    if (result.ok) {
      ready.push(item);
      signed.push(result.signed);
    } else {
      outcomes[item.index] = { ok: false, error: result.error };
    }
  }
  const stored = await storeEach(ctx, ready, signed);
  const resign = new Map<string, number[]>();
  for (const [i, result] of stored.entries()) {
    const { index } = ready[i] as Planned;
    if (!result.ok) {
      outcomes[index] = { ok: false, error: result.error };
      continue;
    }
    for (const listId of result.resign) {
      resign.set(listId, [...(resign.get(listId) ?? []), i]);
    }
  }
  // Stored: a list that cannot be re-signed now fails the answers that changed it, as it fails issueCredential's.
  const failedRefresh = new Map<number, unknown>();
  for (const [listId, items] of resign) {
    try {
      await refreshStatusList(ctx, listId);
    } catch (error) {
      for (const i of items) {
        failedRefresh.set(i, error);
      }
    }
  }
  for (const [i, result] of stored.entries()) {
    if (!result.ok) {
      continue;
    }
    const { index, input, plan } = ready[i] as Planned;
    if (failedRefresh.has(i)) {
      outcomes[index] = { ok: false, error: failedRefresh.get(i) };
      continue;
    }
    ctx.logger.info("credential issued", { credentialId: plan.id, achievementId: plan.entry.id, actor: input.actor });
    const credential = toCredentialView(ctx.config.publicUrl, null, result.record, plan.slots);
    outcomes[index] = { ok: true, credential, settled: result.settled };
  }
  return outcomes;
}

/** Signs a group in one call; if that fails, each credential on its own, so that only the one that fails fails. */
async function signEach(
  ctx: ServiceContext,
  planned: Planned[],
): Promise<({ ok: true; signed: SignedCredential } | { ok: false; error: unknown })[]> {
  const batch = credentialRecipes(ctx, planned);
  const created = planned[0]?.plan.validFrom as Date;
  try {
    const signed = await signCredentials(ctx, batch, created);
    return signed.map((one) => ({ ok: true, signed: one }));
  } catch {
    return Promise.all(
      planned.map(async ({ plan }, i) => {
        try {
          const one = { ...batch, recipes: [batch.recipes[i] as CredentialRecipe] };
          const [signed] = await signCredentials(ctx, one, plan.validFrom);
          return { ok: true as const, signed: signed as SignedCredential };
        } catch (error) {
          return { ok: false as const, error };
        }
      }),
    );
  }
}

/**
 * Stores a group in one write transaction (persistBatch); if that transaction fails (rolled back: nothing of it
 * stored), each credential in a transaction of its own, as issueCredential stores it, so that only the one that
 * fails fails.
 */
async function storeEach(
  ctx: ServiceContext,
  ready: Planned[],
  signed: SignedCredential[],
): Promise<
  ({ ok: true; record: CredentialRecord; resign: string[]; settled: boolean } | { ok: false; error: unknown })[]
> {
  if (ready.length === 0) {
    return [];
  }
  try {
    return await persistBatch(ctx, ready, signed, { settle: true });
  } catch {
    const results: (
      | { ok: true; record: CredentialRecord; resign: string[]; settled: boolean }
      | { ok: false; error: unknown }
    )[] = [];
    for (const [i, { input, plan }] of ready.entries()) {
      const record = credentialRecordOf(input, plan, signed[i] as SignedCredential);
      try {
        results.push({ ok: true, record, resign: await persistIssue(ctx, input, plan, record), settled: false });
      } catch (error) {
        results.push({ ok: false, error });
      }
    }
    return results;
  }
}

function refusal(error: unknown): IssueOutcome {
  if (error instanceof AppError) {
    return { ok: false, error };
  }
  throw error;
}

type Stored =
  | { ok: true; record: CredentialRecord; resign: string[]; settled: boolean }
  | { ok: false; error: AppError };

/**
 * Stores a batch of signed credentials in one write transaction, each as persistIssue would: the people's locks first
 * (in one order, so that two batches never wait for each other), then per credential its checks (a refusal stores
 * nothing of it) and its writes. Pure of side effects outside the transaction, so that a retried transaction
 * (PostgreSQL, on a deadlock) gives the same answer.
 */
function persistBatch(
  ctx: ServiceContext,
  batch: Planned[],
  signed: SignedCredential[],
  hooks: IssueHooks & {
    /**
     * Leaves unmarked a recipient to whom nothing can be awarded (nothingToAward, read here), `settled` in its
     * outcome: the caller evaluates only the others. Without it every recipient is marked due (the sweep's).
     */
    settle?: boolean;
  },
): Promise<Stored[]> {
  return ctx.store.tx(async (tx) => {
    for (const email of [...new Set(batch.map(({ plan }) => plan.email))].sort()) {
      await ctx.store.lock(tx, `person:${email}`);
    }
    const stored: Stored[] = [];
    // Credentials that replace none are written together (writeIssuedMany), in order, before anything reads what
    // they would have written: a replacing one, or a check of a person or an id among them.
    const held: NewIssue[] = [];
    const heldPeople = new Set<string>();
    const heldIds = new Set<string>();
    const write = async () => {
      await writeIssuedMany(ctx, tx, held);
      held.length = 0;
      heldPeople.clear();
      heldIds.clear();
    };
    for (const [i, { input, plan }] of batch.entries()) {
      const record = credentialRecordOf(input, plan, signed[i] as SignedCredential);
      const reads =
        input.supersedes !== undefined ||
        heldIds.has(plan.id) ||
        ((input.unlessHeld === true || hooks.settle === true) && heldPeople.has(plan.email));
      if (reads) {
        await write();
      }
      let old: CredentialRecord | undefined;
      try {
        old = await checkIssuable(ctx, tx, input, plan);
      } catch (error) {
        if (!(error instanceof AppError)) {
          throw error;
        }
        stored.push({ ok: false, error });
        continue;
      }
      const settled = hooks.settle === true && !old && (await nothingToAward(ctx, tx, plan.email));
      if (old) {
        const resign = await writeIssued(ctx, tx, { input, plan, record, old, settled });
        stored.push({ ok: true, record, resign, settled });
        continue;
      }
      held.push({ input, plan, record, settled });
      heldPeople.add(plan.email);
      heldIds.add(plan.id);
      stored.push({ ok: true, record, resign: [], settled });
    }
    await write();
    await hooks.afterStore?.(
      tx,
      stored.map((s, i): StoredOutcome => {
        const { index, plan } = batch[i] as Planned;
        return s.ok ? { index, ok: true, credentialId: plan.id } : { index, ok: false, error: s.error };
      }),
    );
    return stored;
  });
}
