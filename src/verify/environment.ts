import type { DidDocument, PublicJwk } from "../crypto/keyring.js";
import type { Ob3SchemaValidator } from "./schema-check.js";
import type { SignatureCheck, SignatureOutcome } from "./signature-check.js";

/**
 * Reads a remote document (did:web DID documents, https key documents, other issuers' status lists) and returns its
 * body as text. Rejects with RemoteFetchError when it is refused or unreachable; the engine then reports "not checked".
 */
export type FetchRemote = (url: string) => Promise<string>;

export class RemoteFetchError extends Error {
  override name = "RemoteFetchError";
}

/** What a status list's bytes say once checked (shape, signature, signer, decoded bits), or why it cannot be used. */
export type StatusListCheck =
  | { ok: true; bits: Uint8Array; short: boolean; issuer?: string }
  | { ok: false; code: string; reason: string };

/** Our own issuer, whose keys and status lists are resolved in process (never over the network). */
export type LocalIssuer = {
  did: string;
  publicUrl: string;
  didDocument: DidDocument;
  jwks: PublicJwk[];
  /** Our signed status list credential for a URL under `${publicUrl}/status-lists/`, or undefined. */
  statusList?: (url: string) => Promise<Record<string, unknown> | undefined>;
  /**
   * Checks of our own lists, by list object: the service hands out one frozen object per signed version (a change
   * re-signs the list and yields a new object), so an entry cannot go stale. Without it every check is made afresh.
   */
  statusListChecks?: WeakMap<object, StatusListCheck>;
};

/** Everything the engine may consult: the injected clock, our issuer, and the network only when enabled. */
export type VerifyEnv = {
  now: Date;
  local: LocalIssuer;
  /** Absent when remote resolution is off: remote keys and lists are then "not checked". */
  fetchRemote?: FetchRemote;
  /** The OB 3.0 AchievementCredential schema (compiled once per service, on first use). */
  ob3Schema: Ob3SchemaValidator;
  /**
   * Where a proof's signature is checked (verify/signature-check.ts): on a signing worker when the service has one to
   * spare. Undefined, or an answer of undefined: here, on this thread.
   */
  checkSignature?: (check: SignatureCheck) => Promise<SignatureOutcome | undefined>;
};
