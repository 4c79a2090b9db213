import { validUntilFor } from "../domain/achievement.js";
import type { CatalogEntry } from "../domain/catalog/parse-catalog.js";
import { normaliseEmail } from "../domain/credential/identity.js";
import type { Ob3Evidence, Ob3Result } from "../domain/criteria/decision.js";
import type { StatusPurpose, StatusSlot } from "../domain/status/status-list-credential.js";
import { transitionProblem } from "../domain/status/transitions.js";
import { timeOrderedId } from "../domain/time-ordered-id.js";
import { AppError, validationError } from "../errors.js";
import { type CredentialRecord, findCredential } from "../storage/credentials-repo.js";
import type { Conn } from "../storage/store.js";
import type { ServiceContext } from "./deps.js";
import { reserveStatusSlots } from "./status-lists.js";

export type IssueCredentialInput = {
  /**
   * The credential's id, chosen beforehand (a bulk job's row): refused (409) if a credential already has it, so a row
   * retried after a crash is issued at most once. Default: a new id.
   */
  id?: string;
  achievementId: string;
  recipient: { email: string; name: string };
  actor: string;
  /** Set by automatic awards: what the credential carries, and the decision record kept beside it. */
  decision?: { evidence: Ob3Evidence[]; results: Ob3Result[]; record: Record<string, unknown> };
  /**
   * Refuse (409) when the recipient already holds a valid (or suspended) credential of it: checked in the write transaction. The
   * credential named by `supersedes` does not count (a renewal replaces it).
   */
  unlessHeld?: boolean;
  /** When the credential starts being valid (a bulk job's `validFrom` column); default: when it is issued. */
  validFrom?: Date;
  /** The original award date, kept when this credential replaces an earlier one (default: its validFrom). */
  awardedDate?: Date;
  /**
   * Id of a credential this one replaces (same certification): in the same write transaction it is revoked as
   * "superseded" (publicly), and both are linked; its revocation list is re-signed before this returns.
   */
  supersedes?: string;
  /** Keep this expiry instead of computing it from the definition (a reissue corrects details, not validity). */
  validUntil?: Date | null;
  /** Why it replaces `supersedes` (audited with the superseded credential), e.g. the correction of a reissue. */
  reason?: string;
};

/** What an issuance will write, settled before anything is signed. */
export type IssuePlan = {
  entry: CatalogEntry;
  id: string;
  email: string;
  name: string;
  now: Date;
  validFrom: Date;
  validUntil: Date | undefined;
  /** Reserved and committed: a process that dies after this leaves indexes never handed out again. */
  slots: StatusSlot[];
};

/** The status purposes a credential of this certification carries: revocation always, suspension on opt-in. */
export function statusPurposesFor(entry: CatalogEntry): StatusPurpose[] {
  return entry.suspendable === true ? ["revocation", "suspension"] : ["revocation"];
}

/** The credential being replaced, if it may be: same certification, neither revoked nor suspended. */
export async function checkSupersedable(db: Conn, id: string, achievementId: string): Promise<CredentialRecord> {
  const old = await findCredential(db, id);
  if (!old) {
    throw validationError([{ path: "supersedes", message: `no credential "${id}"` }]);
  }
  if (old.achievementId !== achievementId) {
    throw validationError([
      { path: "supersedes", message: `credential ${id} is of ${old.achievementId}, not ${achievementId}` },
    ]);
  }
  const problem = transitionProblem("supersede", {
    revokedAt: old.revokedAt,
    suspendedAt: old.suspendedAt,
    supersededBy: old.supersededBy,
    suspendable: true,
  });
  if (problem) {
    throw new AppError("CONFLICT", `Credential ${id} cannot be superseded: it ${problem}`, { credentialId: id });
  }
  return old;
}

/** An issuance settled but for its status indexes. */
export type UnreservedPlan = Omit<IssuePlan, "slots">;

/** Checks what is asked and settles the dates, id and recipient, at `now` (nothing is written). */
export async function settleIssue(
  ctx: ServiceContext,
  input: IssueCredentialInput,
  now: Date,
): Promise<UnreservedPlan> {
  const entry = ctx.catalog.get(input.achievementId);
  if (!entry) {
    throw validationError([{ path: "achievementId", message: `unknown achievement "${input.achievementId}"` }]);
  }
  if (input.supersedes) {
    await checkSupersedable(ctx.store.conn(), input.supersedes, entry.id);
  }
  const validFrom = new Date(Math.floor((input.validFrom ?? now).getTime() / 1000) * 1000);
  const validUntil =
    input.validUntil !== undefined
      ? (input.validUntil ?? undefined)
      : validUntilFor(entry, validFrom, { fiscalYearStartMonth: ctx.config.fiscalYearStartMonth });
  // in time order: a batch's rows go to the end of the indexes keyed by it (time-ordered-id.ts), not one page each
  const id = input.id ?? timeOrderedId(now, ctx.newId());
  const email = normaliseEmail(input.recipient.email);
  const name = input.recipient.name.trim();
  return { entry, id, email, name, now, validFrom, validUntil };
}

/** Checks what is asked, settles the dates, id and recipient, and reserves the status indexes. */
export async function planIssue(ctx: ServiceContext, input: IssueCredentialInput): Promise<IssuePlan> {
  const settled = await settleIssue(ctx, input, ctx.clock());
  const slots = await reserveStatusSlots(ctx, statusPurposesFor(settled.entry));
  return { ...settled, slots };
}
