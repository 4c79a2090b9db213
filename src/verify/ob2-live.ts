import type { VerifyEnv } from "./environment.js";
import type { EmailIdentity } from "./recipient.js";
import { fetchJsonObject } from "./remote.js";
import type { Check } from "./report.js";
import { isJsonObject } from "./safe-json.js";

type Json = Record<string, unknown>;

/** OB 2.0 dates may be a bare date or lack seconds; read them as RFC 3339 instants (UTC midnight for a date). */
export function ob2Dates(assertion: Json): Json {
  const instant = (value: unknown) => {
    if (typeof value !== "string") {
      return undefined;
    }
    return /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  };
  return { issuanceDate: instant(assertion.issuedOn), expirationDate: instant(assertion.expires) };
}

/** An OB 2.0 recipient (`recipient: {type: "email", hashed, salt, identity}`) as an email identity. */
export function ob2EmailIdentities(assertion: Json): EmailIdentity[] {
  const r = assertion.recipient;
  if (!isJsonObject(r) || r.type !== "email" || typeof r.identity !== "string") {
    return [];
  }
  return [{ hashed: r.hashed === true, identity: r.identity, salt: typeof r.salt === "string" ? r.salt : "" }];
}

/** OB 2.0 revocation: the issuer Profile's `revocationList` with `revokedAssertions` (ids or `{id}` objects). */
export async function checkOb2Status(assertion: Json, issuer: Json | undefined, env: VerifyEnv): Promise<Check> {
  const status = (outcome: Check["outcome"], code: string, message: string): Check => ({
    id: "status",
    outcome,
    title: "Revocation and suspension",
    message,
    code,
  });
  if (!issuer) {
    return status(
      "not-checked",
      "issuer-unresolvable",
      "The issuer's profile could not be read, so its revocation list could not be checked.",
    );
  }
  if (typeof issuer.revocationList !== "string") {
    return status("not-checked", "no-status", "The issuer publishes no revocation list.");
  }
  const list = await fetchJsonObject(issuer.revocationList, env);
  if (!list.ok) {
    return status("not-checked", list.code, `The revocation list could not be checked: ${list.reason}.`);
  }
  const revoked = Array.isArray(list.value.revokedAssertions) ? list.value.revokedAssertions : [];
  const hit = revoked.some((r) => r === assertion.id || (isJsonObject(r) && r.id === assertion.id));
  return hit
    ? status("failed", "revoked", "The issuer lists this assertion as revoked.")
    : status("passed", "active", "Not listed in the issuer's revocation list.");
}
