import type { StatusPurpose } from "../domain/status/status-list-credential.js";
import { type LifecycleState, lifecycleState, transitionProblem } from "../domain/status/transitions.js";
import { AppError } from "../errors.js";
import { appendAudit } from "../storage/audit-repo.js";
import { findCredential } from "../storage/credentials-repo.js";
import { setStatusBit, slotsOf } from "../storage/status-entries-repo.js";
import type { Tx } from "../storage/store.js";
import {
  findVcApiCredentials,
  markVcApiRevoked,
  markVcApiSuspended,
  type VcApiCredentialRow,
} from "../storage/vc-api-credentials-repo.js";
import { reinstateCredential, revokeCredential, suspendCredential } from "./credential-status.js";
import { credentialUrl } from "./credential-view.js";
import type { ServiceContext } from "./deps.js";
import { refreshStatusList } from "./status-lists.js";

/** The three status changes the VC API status service can ask for. */
export type VcApiStatusOperation = "revoke" | "suspend" | "reinstate";

export type VcApiStatusInput = {
  /** The credential's `id` (one of ours: its URL or UUID; one issued through the VC API: its id). */
  credentialId: string;
  operations: VcApiStatusOperation[];
  reason: string;
  reasonPublic: boolean;
  actor: string;
};

/** Where the credential stands after the update, and which status entries it carries. */
export type VcApiStatusResult = {
  credentialId: string;
  state: LifecycleState;
  statusPurposes: StatusPurpose[];
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Our Open Badge's UUID when `credentialId` names one (its URL, or the UUID itself). */
function openBadgeIdOf(ctx: ServiceContext, credentialId: string): string | undefined {
  const prefix = credentialUrl(ctx.config.publicUrl, "");
  const id = credentialId.startsWith(prefix) ? credentialId.slice(prefix.length) : credentialId;
  return UUID.test(id) ? id.toLowerCase() : undefined;
}

/** The one VC API credential the id names: the one that carries status entries. */
async function findTarget(ctx: ServiceContext, credentialId: string): Promise<VcApiCredentialRow> {
  const db = ctx.store.conn();
  for (const row of await findVcApiCredentials(db, credentialId)) {
    if ((await slotsOf(db, row.id)).length > 0) {
      return row;
    }
  }
  throw new AppError("NOT_FOUND", `No credential with status entries has the id ${credentialId.slice(0, 200)}`);
}

const CHANGE: Record<
  VcApiStatusOperation,
  { purpose: StatusPurpose; bit: boolean; mark: (tx: Tx, id: string, at: Date) => Promise<boolean> }
> = {
  revoke: { purpose: "revocation", bit: true, mark: markVcApiRevoked },
  suspend: { purpose: "suspension", bit: true, mark: markVcApiSuspended },
  reinstate: { purpose: "suspension", bit: false, mark: (tx, id) => markVcApiSuspended(tx, id, null) },
};

/**
 * One status change of a credential issued through the VC API, by the admin lifecycle's rules (transitions.ts:
 * revocation is final, suspension needs a suspension entry): its row, its status bit and the audit entry in one
 * write transaction, then its list re-signed before returning.
 */
async function changeVcApiCredential(
  ctx: ServiceContext,
  target: VcApiCredentialRow,
  operation: VcApiStatusOperation,
  input: VcApiStatusInput,
): Promise<void> {
  const at = ctx.clock();
  const change = CHANGE[operation];
  const lists = await ctx.store.tx(async (tx) => {
    const [row] = (await findVcApiCredentials(tx, target.id)).filter((r) => r.id === target.id);
    const slots = await slotsOf(tx, target.id);
    const problem = transitionProblem(operation, {
      revokedAt: row?.revokedAt ?? null,
      suspendedAt: row?.suspendedAt ?? null,
      supersededBy: null,
      suspendable: slots.some((s) => s.purpose === "suspension"),
    });
    if (problem) {
      const why = problem.replace(
        "belongs to a certification that does not allow suspension (its definition does not set `suspendable: true`)",
        "has no suspension status entry",
      );
      throw new AppError("CONFLICT", `Cannot ${operation} credential ${input.credentialId.slice(0, 200)}: it ${why}`);
    }
    if (!(await change.mark(tx, target.id, at))) {
      throw new AppError("CONFLICT", `Credential ${input.credentialId.slice(0, 200)} changed meanwhile: read it again`);
    }
    const changed: string[] = [];
    const entries = slots.filter((s) => s.purpose === change.purpose);
    for (const slot of entries) {
      if (await setStatusBit(tx, slot, change.bit)) {
        changed.push(slot.listId);
      }
    }
    await appendAudit(tx, {
      at,
      actor: input.actor,
      action: `credential.${operation === "revoke" ? "revoked" : operation === "suspend" ? "suspended" : "reinstated"}`,
      targetType: "vc-api-credential",
      targetId: target.id,
      details: {
        credentialId: input.credentialId,
        reason: input.reason,
        statusEntries: entries.map((s) => `${s.purpose}:${s.listId}/${s.index}`),
      },
    });
    return changed;
  });
  for (const listId of lists) {
    await refreshStatusList(ctx, listId);
  }
}

/**
 * The VC API status service (`POST /credentials/status`): revokes, suspends or reinstates one of our credentials. An
 * Open Badge goes through the admin lifecycle itself (credential-status.ts: its row, bit, audit entry, event and the
 * recipient's evaluation); a credential issued through the VC API by the same transition rules.
 */
export async function updateStatusForVcApi(ctx: ServiceContext, input: VcApiStatusInput): Promise<VcApiStatusResult> {
  const badgeId = openBadgeIdOf(ctx, input.credentialId);
  if (badgeId && (await findCredential(ctx.store.conn(), badgeId))) {
    const lifecycle = { revoke: revokeCredential, suspend: suspendCredential, reinstate: reinstateCredential };
    for (const operation of input.operations) {
      await lifecycle[operation](ctx, { ...input, credentialId: badgeId });
    }
    const record = await findCredential(ctx.store.conn(), badgeId);
    const slots = await slotsOf(ctx.store.conn(), badgeId);
    return {
      credentialId: input.credentialId,
      state: record ? lifecycleState(record) : "active",
      statusPurposes: slots.map((s) => s.purpose),
    };
  }
  const target = await findTarget(ctx, input.credentialId);
  for (const operation of input.operations) {
    await changeVcApiCredential(ctx, target, operation, input);
  }
  const [row] = (await findVcApiCredentials(ctx.store.conn(), target.id)).filter((r) => r.id === target.id);
  const slots = await slotsOf(ctx.store.conn(), target.id);
  ctx.logger.info("vc api credential status changed", { vcApiCredentialId: target.id, actor: input.actor });
  return {
    credentialId: input.credentialId,
    state: row ? lifecycleState(row) : "active",
    statusPurposes: slots.map((s) => s.purpose),
  };
}
