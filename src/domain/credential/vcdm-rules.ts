/**
 * The VC Data Model rules a credential must follow whatever its profile, checked on the JSON as received (VCDM 2.0
 * §4–§5, VCDM 1.1 §4–§5): each broken rule is reported by name, where the property is and what the model requires.
 * Pure: the verifier reports them, and the issuer can refuse a credential by the same rules.
 */

export type VcdmVersion = "1.1" | "2.0";
export type VcdmViolation = { rule: string; path: string; message: string };

export const VCDM_CONTEXTS: Record<VcdmVersion, string> = {
  "1.1": "https://www.w3.org/2018/credentials/v1",
  "2.0": "https://www.w3.org/ns/credentials/v2",
};

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

/** An absolute URL (any scheme: https, did, urn…), as VCDM identifiers must be. */
export function isUrl(value: unknown): boolean {
  return typeof value === "string" && /^[A-Za-z][A-Za-z0-9+.-]*:\S+$/.test(value) && URL.canParse(value);
}

// XML Schema dateTime; a dateTimeStamp (VCDM 2.0) also requires the time zone
const DATE_TIME =
  /^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const ZONED = /(Z|[+-]\d{2}:\d{2})$/;
const SRI = /^(sha256|sha384|sha512)-[A-Za-z0-9+/]+={0,2}$/;
const MULTIBASE = /^(z[1-9A-HJ-NP-Za-km-z]+|u[A-Za-z0-9_-]+|[mM][A-Za-z0-9+/]+={0,2})$/;

/** The data model version a document's first context names, if it names one. */
export function vcdmVersionOf(document: Json): VcdmVersion | undefined {
  const first = listOf(document["@context"])[0];
  return first === VCDM_CONTEXTS["2.0"] ? "2.0" : first === VCDM_CONTEXTS["1.1"] ? "1.1" : undefined;
}

/** Properties whose values are objects that must say their `type` (and, for some, their `id`). */
const TYPED: Array<{ name: string; idRequired?: VcdmVersion[] }> = [
  { name: "credentialStatus" },
  { name: "credentialSchema", idRequired: ["1.1", "2.0"] },
  { name: "refreshService", idRequired: ["1.1"] },
  { name: "termsOfUse" },
  { name: "evidence" },
  { name: "proof" },
];

class Rules {
  readonly violations: VcdmViolation[] = [];
  add(rule: string, path: string, message: string): void {
    this.violations.push({ rule, path, message: `${path} ${message}` });
  }
}

function checkContext(credential: Json, version: VcdmVersion | undefined, rules: Rules): void {
  const context = credential["@context"];
  if (!Array.isArray(context)) {
    rules.add("context", "@context", "must be a list whose first item is the VC Data Model context");
    return;
  }
  if (!version) {
    rules.add("context", "@context", `must start with ${VCDM_CONTEXTS["2.0"]} (or ${VCDM_CONTEXTS["1.1"]})`);
  }
  context.forEach((item, i) => {
    if (!(isUrl(item) || isObject(item))) {
      rules.add("context", `@context[${i}]`, "must be a URL or a context object");
    }
  });
}

function checkType(value: unknown, required: string, path: string, rules: Rules): void {
  const types = listOf(value);
  if (value === undefined || types.length === 0 || !types.every((t) => typeof t === "string" && t !== "")) {
    rules.add("type", path, "must be a term or a list of terms");
  } else if (!types.includes(required)) {
    rules.add("type", path, `must include ${required}`);
  }
}

function checkOptionalId(holder: Json, path: string, rules: Rules): void {
  if (holder.id !== undefined && !isUrl(holder.id)) {
    rules.add("id", `${path}.id`, "must be a URL");
  }
}

function checkIssuer(credential: Json, rules: Rules): void {
  const issuer = credential.issuer;
  if (issuer === undefined) {
    rules.add("issuer", "issuer", "is required");
  } else if (isObject(issuer) ? !isUrl(issuer.id) : !isUrl(issuer)) {
    rules.add("issuer", "issuer", "must be a URL or an object whose id is a URL");
  }
}

function checkSubjects(credential: Json, rules: Rules): void {
  const subject = credential.credentialSubject;
  const subjects = listOf(subject);
  if (subject === undefined || subjects.length === 0) {
    rules.add("credential-subject", "credentialSubject", "is required");
    return;
  }
  subjects.forEach((s, i) => {
    const path = Array.isArray(subject) ? `credentialSubject[${i}]` : "credentialSubject";
    if (!isObject(s) || Object.keys(s).length === 0) {
      rules.add("credential-subject", path, "must be an object holding at least one claim (or a list of them)");
    } else {
      checkOptionalId(s, path, rules);
    }
  });
}

function checkDates(credential: Json, version: VcdmVersion | undefined, rules: Rules): void {
  const dates = version === "1.1" ? ["issuanceDate", "expirationDate"] : ["validFrom", "validUntil"];
  if (version === "1.1" && credential.issuanceDate === undefined) {
    rules.add("issuance-date", "issuanceDate", "is required in a VC Data Model 1.1 credential");
  }
  for (const name of dates) {
    const value = credential[name];
    if (value === undefined) {
      continue;
    }
    const zoneNeeded = version !== "1.1";
    if (typeof value !== "string" || !DATE_TIME.test(value) || (zoneNeeded && !ZONED.test(value))) {
      const what = zoneNeeded ? "a date-time with a time zone (XML Schema dateTimeStamp)" : "an XML Schema dateTime";
      rules.add("date-time", name, `must be ${what}`);
    }
  }
}

function isLanguageValue(value: unknown): boolean {
  return (
    typeof value === "string" ||
    (isObject(value) && typeof value["@value"] === "string" && Object.keys(value).every((k) => k.startsWith("@")))
  );
}

function checkNames(credential: Json, rules: Rules): void {
  for (const name of ["name", "description"]) {
    const value = credential[name];
    if (value !== undefined && !listOf(value).every(isLanguageValue)) {
      rules.add("name-description", name, "must be a string or language value objects ({@value, @language})");
    }
  }
}

function checkTypedObjects(credential: Json, version: VcdmVersion | undefined, rules: Rules): void {
  for (const { name, idRequired } of TYPED) {
    const value = credential[name];
    if (value === undefined) {
      continue;
    }
    listOf(value).forEach((entry, i) => {
      const path = Array.isArray(value) ? `${name}[${i}]` : name;
      if (!isObject(entry)) {
        rules.add("typed-object", path, "must be an object (or a list of objects)");
        return;
      }
      if (entry.type === undefined || !listOf(entry.type).every((t) => typeof t === "string" && t !== "")) {
        rules.add("typed-object", `${path}.type`, "is required (a term or a list of terms)");
      }
      if (version && idRequired?.includes(version) && entry.id === undefined) {
        rules.add("typed-object", `${path}.id`, "is required");
      }
      checkOptionalId(entry, path, rules);
    });
  }
}

function checkRelatedResources(credential: Json, rules: Rules): void {
  const value = credential.relatedResource;
  if (value === undefined) {
    return;
  }
  const seen = new Set<unknown>();
  listOf(value).forEach((entry, i) => {
    const path = Array.isArray(value) ? `relatedResource[${i}]` : "relatedResource";
    if (!isObject(entry) || !isUrl(entry.id)) {
      rules.add("related-resource", path, "must be an object whose id is a URL");
      return;
    }
    if (seen.has(entry.id)) {
      rules.add("related-resource", `${path}.id`, "must not name a resource another entry already names");
    }
    seen.add(entry.id);
    const { digestSRI, digestMultibase } = entry;
    if (digestSRI === undefined && digestMultibase === undefined) {
      rules.add("related-resource", path, "must give digestSRI or digestMultibase");
    }
    if (digestSRI !== undefined && !(typeof digestSRI === "string" && SRI.test(digestSRI))) {
      rules.add("related-resource", `${path}.digestSRI`, "must be a Subresource Integrity value (sha384-…)");
    }
    if (digestMultibase !== undefined && !(typeof digestMultibase === "string" && MULTIBASE.test(digestMultibase))) {
      rules.add("related-resource", `${path}.digestMultibase`, "must be a multibase-encoded digest");
    }
  });
}

/**
 * The VC Data Model rules a verifiable credential breaks, each named (`rule`) with where (`path`) and why: contexts,
 * types, identifiers as URLs, the issuer, credential subjects as objects, date-times, names and descriptions, the
 * objects that must say their type, related resources with their digests.
 */
export function checkVcdmRules(credential: Json): { version?: VcdmVersion; violations: VcdmViolation[] } {
  const version = vcdmVersionOf(credential);
  const rules = new Rules();
  checkContext(credential, version, rules);
  checkType(credential.type, "VerifiableCredential", "type", rules);
  checkOptionalId(credential, "credential", rules);
  checkIssuer(credential, rules);
  checkSubjects(credential, rules);
  checkDates(credential, version, rules);
  checkNames(credential, rules);
  checkTypedObjects(credential, version, rules);
  if (version !== "1.1") {
    checkRelatedResources(credential, rules);
  }
  return { ...(version ? { version } : {}), violations: rules.violations };
}
