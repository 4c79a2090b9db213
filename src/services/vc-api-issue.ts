import { signDataIntegrity } from "../crypto/data-integrity.js";
import { envelopeVcJwt } from "../crypto/vc-jose.js";
import { prepareCredentialToIssue, withStatusEntries } from "../domain/credential/vc-api-issue.js";
import type { VcdmVersion } from "../domain/credential/vcdm-rules.js";
import { type StatusPurpose, type StatusSlot, statusListEntry } from "../domain/status/status-list-credential.js";
import { AppError, validationError } from "../errors.js";
import { appendAudit } from "../storage/audit-repo.js";
import { assignStatusSlots, slotsOf } from "../storage/status-entries-repo.js";
import type { Conn } from "../storage/store.js";
import { findVcApiCredentials, insertVcApiCredential } from "../storage/vc-api-credentials-repo.js";
import type { ServiceContext } from "./deps.js";
import { reserveStatusSlots } from "./status-lists.js";

/** The proof options of an issuance (VC API `IssueCredentialOptions`, with Laurel's members). */
export type VcApiIssueOptions = {
  /** The Data Integrity cryptosuite; only `eddsa-rdfc-2022` (the default). */
  cryptosuite?: string;
  /** The proof's `created`; default: now. */
  created?: string;
  /** Add Bitstring Status List entries: revocation by default, suspension, or both. */
  credentialStatus?: { type: string; statusPurpose?: StatusPurpose | StatusPurpose[] };
  /** `application/vc+jwt`: answer a VC-JOSE-COSE `EnvelopedVerifiableCredential` instead of an embedded proof. */
  envelope?: string;
};

type Json = Record<string, unknown>;

/** The cryptosuites /credentials/issue signs with. */
export const ISSUE_CRYPTOSUITES = ["eddsa-rdfc-2022"] as const;

function purposesOf(options: VcApiIssueOptions): StatusPurpose[] {
  const wanted = options.credentialStatus?.statusPurpose ?? "revocation";
  return options.credentialStatus ? [...new Set(Array.isArray(wanted) ? wanted : [wanted])] : [];
}

/** Settles the credential to sign (its issuer, dates, rules) or throws the 400 / 422 naming the rule broken. */
function settle(
  ctx: ServiceContext,
  credential: Json,
  options: VcApiIssueOptions,
): { doc: Json; version: VcdmVersion } {
  // the DID is the service's for good (a rotation changes its keys, not its id)
  const did = ctx.keys.current().keyring.did;
  const prepared = prepareCredentialToIssue(credential, { issuerId: did, now: ctx.clock() });
  if (!prepared.ok) {
    if (prepared.foreignIssuer !== undefined) {
      throw new AppError(
        "UNPROCESSABLE",
        `issuer: this service issues only as ${did} (VC API: the issuer signs as itself), not as ${prepared.foreignIssuer.slice(0, 200)}`,
        {
          errors: [{ path: "credential.issuer", message: `must be ${did} (or left out)` }],
          rule: "issuer",
        },
      );
    }
    throw validationError(
      prepared.violations.map((v) => ({
        path: v.path.startsWith("credential.") ? v.path : `credential.${v.path}`,
        message: `[${v.rule}] ${v.message}`,
      })),
      `The credential breaks the VC Data Model: ${prepared.violations.map((v) => `[${v.rule}] ${v.message}`).join("; ")}`,
    );
  }
  if (options.envelope !== undefined && prepared.version !== "2.0") {
    throw validationError([
      { path: "options.envelope", message: "VC-JOSE-COSE secures VC Data Model 2.0 credentials only" },
    ]);
  }
  return { doc: prepared.credential, version: prepared.version };
}

/** 409 when a credential carrying status already has this id: the status service must name one credential. */
async function refuseTakenId(db: Conn, id: unknown): Promise<void> {
  if (typeof id !== "string") {
    return;
  }
  for (const row of await findVcApiCredentials(db, id)) {
    if ((await slotsOf(db, row.id)).length > 0) {
      throw new AppError("CONFLICT", `A credential with status entries already has the id ${id.slice(0, 200)}`);
    }
  }
}

/** Signs: an embedded eddsa-rdfc-2022 proof, or the VC-JOSE-COSE envelope. Refusals of the JSON-LD are the input's. */
async function secure(ctx: ServiceContext, doc: Json, options: VcApiIssueOptions, created: Date): Promise<Json> {
  // the newest key generation recorded (a rotation on another node is seen within LAUREL_KEYS_CHECK_SECONDS)
  const { keyring, documentLoader } = await ctx.keys.fresh();
  const signer = keyring.active;
  if (options.envelope !== undefined) {
    return envelopeVcJwt({ credential: doc, kid: signer.jwtKid, privateKey: signer.jwtPrivateKey });
  }
  try {
    return await signDataIntegrity({ credential: doc, signer, documentLoader, now: created });
  } catch (error) {
    // Our key and loader sign our own credentials every day: what fails here is the credential's JSON-LD (an
    // unknown context, a term its contexts do not define), so it is the client's to fix.
    const message = error instanceof Error ? error.message : String(error);
    throw validationError([{ path: "credential", message: `[json-ld] cannot be signed: ${message.slice(0, 300)}` }]);
  }
}

/**
 * Issues any VC Data Model 1.1 or 2.0 credential as ours (VC API `POST /credentials/issue`): rules checked, status
 * indexes reserved in their own committed transaction before signing (as for Open Badges), signed outside any
 * transaction, then stored with its status entries and audited in one write transaction.
 */
export async function issueForVcApi(
  ctx: ServiceContext,
  input: { credential: Json; options: VcApiIssueOptions; actor: string },
): Promise<Json> {
  const { options } = input;
  const settled = settle(ctx, input.credential, options);
  const rowId = ctx.newId();
  const purposes = purposesOf(options);
  const now = ctx.clock();
  const created = options.created ? new Date(options.created) : new Date(Math.floor(now.getTime() / 1000) * 1000);
  let doc = settled.doc;
  if (purposes.length > 0) {
    // the status service names a credential by its id: one that has none gets ours
    doc = doc.id === undefined ? { ...doc, id: `urn:uuid:${rowId}` } : doc;
    await refuseTakenId(ctx.store.conn(), doc.id);
  }
  const slots: StatusSlot[] = purposes.length > 0 ? await reserveStatusSlots(ctx, purposes) : [];
  doc = withStatusEntries(
    doc,
    settled.version,
    slots.map((slot) => statusListEntry(ctx.config.publicUrl, slot)),
  );
  const verifiableCredential = await secure(ctx, doc, options, created);
  await ctx.store.tx(async (tx) => {
    if (slots.length > 0) {
      await refuseTakenId(tx, doc.id);
    }
    await insertVcApiCredential(tx, {
      id: rowId,
      credentialId: typeof doc.id === "string" ? doc.id : null,
      document: JSON.stringify(verifiableCredential),
      issuedBy: input.actor,
      createdAt: now,
      revokedAt: null,
      suspendedAt: null,
    });
    await assignStatusSlots(tx, rowId, slots);
    await appendAudit(tx, {
      at: now,
      actor: input.actor,
      action: "credential.issued",
      targetType: "vc-api-credential",
      targetId: rowId,
      details: {
        ...(typeof doc.id === "string" ? { credentialId: doc.id } : {}),
        vcdm: settled.version,
        securedAs: options.envelope ?? "eddsa-rdfc-2022",
        statusEntries: slots.map((s) => `${s.purpose}:${s.listId}/${s.index}`),
      },
    });
  });
  ctx.logger.info("vc api credential issued", { vcApiCredentialId: rowId, actor: input.actor });
  return verifiableCredential;
}
