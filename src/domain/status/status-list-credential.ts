import { VC_V2_CONTEXT } from "../contexts.js";
import { toWholeSecondIso } from "../credential/build.js";

export const STATUS_PURPOSES = ["revocation", "suspension"] as const;
export type StatusPurpose = (typeof STATUS_PURPOSES)[number];

/** How long verifiers may cache a list (ms): the HTTP max-age and the list's `ttl` agree. */
export const STATUS_LIST_TTL_MS = 30_000;

export type StatusSlot = { listId: string; index: number; purpose: StatusPurpose };

/** A `BitstringStatusListEntry` (BSL 1.0 §2.1); `statusListIndex` is a base-10 string. */
export type StatusListEntry = {
  id: string;
  type: "BitstringStatusListEntry";
  statusPurpose: StatusPurpose;
  statusListIndex: string;
  statusListCredential: string;
};

export function statusListUrl(publicUrl: string, listId: string): string {
  return `${publicUrl}/status-lists/${listId}`;
}

export function statusListEntry(publicUrl: string, slot: StatusSlot): StatusListEntry {
  const list = statusListUrl(publicUrl, slot.listId);
  return {
    id: `${list}#${slot.index}`,
    type: "BitstringStatusListEntry",
    statusPurpose: slot.purpose,
    statusListIndex: String(slot.index),
    statusListCredential: list,
  };
}

/**
 * The `credentialStatus` value: one entry as an object, two (revocation and suspension) as an array. OB 3.0 gives
 * `credentialStatus` a multiplicity of 0..1 and both official JSON Schemas reject an array (1EdTech
 * openbadges-specification#623 proposes opening it in 3.1), so the array form appears only on credentials of
 * certifications that opt into suspension; VC 2.0 and both common verifiers accept it.
 */
export function credentialStatusValue(entries: StatusListEntry[]): StatusListEntry | StatusListEntry[] {
  const [only] = entries;
  if (!only) {
    throw new Error("a credential needs at least its revocation status entry");
  }
  return entries.length === 1 ? only : entries;
}

/** The unsigned `BitstringStatusListCredential` for one list (BSL 1.0 §2.2). */
export function buildStatusListCredential(input: {
  publicUrl: string;
  listId: string;
  issuer: string;
  purpose: StatusPurpose;
  encodedList: string;
  validFrom: Date;
}): Record<string, unknown> {
  const url = statusListUrl(input.publicUrl, input.listId);
  return {
    "@context": [VC_V2_CONTEXT],
    id: url,
    type: ["VerifiableCredential", "BitstringStatusListCredential"],
    issuer: input.issuer,
    validFrom: toWholeSecondIso(input.validFrom),
    credentialSubject: {
      id: `${url}#list`,
      type: "BitstringStatusList",
      statusPurpose: input.purpose,
      encodedList: input.encodedList,
      ttl: STATUS_LIST_TTL_MS,
    },
  };
}
