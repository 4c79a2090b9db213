import { gunzipSync } from "node:zlib";
import { expect } from "vitest";
import { bitAt } from "../../src/domain/status/bitstring.js";
import { adminPost, bearer } from "./http.js";
import type { TestApp } from "./make-app.js";

export type Entry = {
  id: string;
  type: string;
  statusPurpose: "revocation" | "suspension";
  statusListIndex: string;
  statusListCredential: string;
};

/** A credential's status entries, whether `credentialStatus` is one object or an array. */
export function statusEntriesOf(credential: Record<string, any>): Entry[] {
  const raw = credential.credentialStatus;
  return raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
}

export function entryFor(credential: Record<string, any>, purpose: Entry["statusPurpose"]): Entry {
  const entry = statusEntriesOf(credential).find((e) => e.statusPurpose === purpose);
  if (!entry) {
    throw new Error(`no ${purpose} entry in ${JSON.stringify(credential.credentialStatus)}`);
  }
  return entry;
}

/**
 * Makes a catalog certification suspendable in this app only (the seed definitions do not opt in): what a definition
 * with `suspendable: true` gives.
 */
export function makeSuspendable(t: TestApp, achievementId: string): void {
  const get = t.ctx.catalog.get.bind(t.ctx.catalog);
  const entry = get(achievementId);
  if (!entry) {
    throw new Error(`no ${achievementId}`);
  }
  const suspendable = { ...entry, suspendable: true };
  t.ctx.catalog.get = (id) => (id === achievementId ? suspendable : get(id));
}

/** GETs a status list through the app; returns the list credential and its decoded bits. */
export async function fetchList(t: TestApp, url: string) {
  const res = await t.app.request(url);
  if (res.status !== 200) {
    throw new Error(`GET ${url}: ${res.status} ${await res.text()}`);
  }
  const list = (await res.json()) as Record<string, any>;
  // decoded here as any verifier would (multibase base64url, then gunzip), independently of the service's decoder
  const encoded = String(list.credentialSubject.encodedList);
  expect(encoded.startsWith("u")).toBe(true);
  return { res, list, bits: new Uint8Array(gunzipSync(Buffer.from(encoded.slice(1), "base64url"))) };
}

/** Whether the credential's bit for `purpose` is set in the served list. */
export async function servedBit(t: TestApp, credential: Record<string, any>, purpose: Entry["statusPurpose"]) {
  const entry = entryFor(credential, purpose);
  const { bits } = await fetchList(t, entry.statusListCredential);
  return bitAt(bits, Number(entry.statusListIndex));
}

/** POSTs a lifecycle operation on a credential. */
export function lifecycle(
  t: TestApp,
  id: string,
  operation: "revoke" | "suspend" | "reinstate" | "reissue",
  body: unknown,
  token = t.adminToken,
): Promise<Response> {
  return adminPost(t, `/admin/credentials/${id}/${operation}`, body, token);
}

/** Creates an API key with the given scopes directly through the API-key service. */
export async function keyWith(t: TestApp, scopes: string[]): Promise<string> {
  const { createApiKey } = await import("../../src/services/api-keys.js");
  return (await createApiKey(t.ctx, { name: `key ${scopes.join(" ")}`, scopes: scopes as never, actor: "test" })).token;
}

export { bearer };
