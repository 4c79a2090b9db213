import type { DidDocument, PublicJwk } from "../crypto/keyring.js";

/**
 * Reads a remote document (did:web DID documents, https key documents, other issuers' status lists) and returns its
 * body as text. Rejects with RemoteFetchError when it is refused or unreachable; the engine then reports "not checked".
 */
export type FetchRemote = (url: string) => Promise<string>;

export class RemoteFetchError extends Error {
  override name = "RemoteFetchError";
}

/** Our own issuer, whose keys and status lists are resolved in process (never over the network). */
export type LocalIssuer = {
  did: string;
  publicUrl: string;
  didDocument: DidDocument;
  jwks: PublicJwk[];
  /** Our signed status list credential for a URL under `${publicUrl}/status-lists/`, or undefined. */
  statusList?: (url: string) => Promise<Record<string, unknown> | undefined>;
};

/** Everything the engine may consult: the injected clock, our issuer, and the network only when enabled. */
export type VerifyEnv = {
  now: Date;
  local: LocalIssuer;
  /** Absent when remote resolution is off: remote keys and lists are then "not checked". */
  fetchRemote?: FetchRemote;
};
