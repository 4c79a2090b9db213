import type { VerifyEnv } from "./environment.js";
import { fetchJsonObject } from "./remote.js";
import { isJsonObject } from "./safe-json.js";
import type { EntryResult } from "./status.js";

/** 1EdTech Revocation List (VCRL 1.0): `revokedCredential[]` with `id` (and optional `revoked`), unsigned JSON. */
export async function check1EdTechList(
  entry: Record<string, unknown>,
  credential: Record<string, unknown>,
  env: VerifyEnv,
): Promise<EntryResult> {
  if (typeof entry.id !== "string") {
    return { state: "unknown", code: "list-invalid", note: "The revocation list entry names no list." };
  }
  const fetched = await fetchJsonObject(entry.id, env);
  if (!fetched.ok) {
    return {
      state: "unknown",
      code: fetched.code,
      note: `The revocation status could not be checked: ${fetched.reason}.`,
    };
  }
  const raw = fetched.value.revokedCredential;
  const listed = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).filter(isJsonObject);
  const hit = listed.find((r) => r.id === credential.id && r.revoked !== false);
  return hit
    ? { state: "revoked", note: `The issuer lists this credential as revoked (${entry.id}).` }
    : { state: "active", note: `Not listed as revoked in the issuer's revocation list (${entry.id}).` };
}
