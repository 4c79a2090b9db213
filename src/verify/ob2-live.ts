import type { VerifyEnv } from "./environment.js";
import type { EmailIdentity } from "./recipient.js";
import { fetchJsonObject } from "./remote.js";
import type { Check } from "./report.js";
import { isJsonObject } from "./safe-json.js";

type Json = Record<string, unknown>;

/**
 * OB 2.0 DateTime (v2.0 §DateTime): ISO 8601 with or without a zone, or a UNIX timestamp in seconds; badges in the wild
 * also carry bare dates and times without seconds. Read as RFC 3339 instants for the validity check: no zone means
 * UTC, a bare date is UTC midnight. Anything else stays as it is and is reported as not a valid date.
 */
export function ob2Instant(value: unknown): unknown {
  if (typeof value === "number" && Number.isFinite(value) && Math.abs(value) <= 8.64e12) {
    return new Date(value * 1000).toISOString();
  }
  if (typeof value !== "string") {
    return value;
  }
  const parts = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(value);
  if (!parts) {
    return value;
  }
  const [, day, hm, seconds, zone] = parts;
  if (!hm) {
    return `${day}T00:00:00Z`;
  }
  const offset =
    !zone || zone.toUpperCase() === "Z" ? "Z" : zone.includes(":") ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  return `${day}T${hm}${seconds ?? ":00"}${offset}`;
}

export function ob2Dates(assertion: Json): Json {
  return { issuanceDate: ob2Instant(assertion.issuedOn), expirationDate: ob2Instant(assertion.expires) };
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
