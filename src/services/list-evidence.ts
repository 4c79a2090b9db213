import { normaliseEmail } from "../domain/credential/identity.js";
import { listEvidenceFor } from "../storage/evidence-repo.js";
import type { ServiceContext } from "./deps.js";
import { type EvidenceView, toEvidenceView } from "./record-evidence.js";

/** Every evidence record about a person, oldest first, corrections included. */
export async function listEvidence(ctx: ServiceContext, email: string): Promise<EvidenceView[]> {
  return (await listEvidenceFor(ctx.store.conn(), normaliseEmail(email))).map(toEvidenceView);
}
