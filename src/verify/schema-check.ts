import { createHash } from "node:crypto";
import { Ajv2019, type ErrorObject, type ValidateFunction } from "ajv/dist/2019.js";
import addFormatsModule from "ajv-formats";
import { isOpenBadgeCredential } from "./open-badge.js";
import type { Check } from "./report.js";
import { MAX_STATUS_ENTRIES } from "./status.js";

const addFormats = addFormatsModule as unknown as (ajv: Ajv2019) => void;
/** The official schema file (1EdTech), bundled beside this module; the composition root reads it. */
export const OB3_SCHEMA_FILE = new URL("./schemas/ob_v3p0_achievementcredential_schema.json", import.meta.url);

/**
 * The official OB 3.0 AchievementCredential schema's validator, compiled on first use. `fingerprint` is a hash of the
 * schema it validates against: a check result recorded with it (a credential page's projection) is reused only while
 * the schema is the same (none: nothing recorded is reused).
 */
export type Ob3SchemaValidator = (() => ValidateFunction) & { readonly fingerprint?: string };

/**
 * A validator of the OB 3.0 AchievementCredential schema (the parsed OB3_SCHEMA_FILE). Compiling takes about half a
 * second, so it happens on the first check, once per validator: the service context holds one (services/deps.ts).
 */
export function createOb3SchemaValidator(schema: Record<string, unknown>): Ob3SchemaValidator {
  let compiled: ValidateFunction | undefined;
  const validator = () => {
    if (!compiled) {
      const ajv = new Ajv2019({ strict: false, allErrors: true });
      addFormats(ajv);
      compiled = ajv.compile(schema);
    }
    return compiled;
  };
  const fingerprint = createHash("sha256").update(JSON.stringify(schema)).digest("base64url").slice(0, 22);
  return Object.assign(validator, { fingerprint });
}

const check = (outcome: Check["outcome"], code: string, message: string): Check => ({
  id: "schema",
  outcome,
  title: "Open Badges 3.0 format",
  message,
  code,
});

/** The most telling errors first: combinators (oneOf, anyOf) only say that a branch failed somewhere below. */
function describe(errors: ErrorObject[]): string {
  const specific = errors.filter((e) => !["oneOf", "anyOf", "allOf", "if"].includes(e.keyword));
  const picked = (specific.length > 0 ? specific : errors).slice(0, 3);
  return picked.map((e) => `${e.instancePath || "(credential)"} ${e.message ?? "is invalid"}`).join("; ");
}

/** Validates a credential against the OB 3.0 AchievementCredential JSON Schema (1EdTechJsonSchemaValidator2019). */
export function checkSchema(credential: Record<string, unknown>, validator: Ob3SchemaValidator): Check {
  if (!isOpenBadgeCredential(credential)) {
    const types = Array.isArray(credential.type) ? credential.type : [credential.type];
    const shown = types.filter((t) => typeof t === "string").join(", ") || "none";
    return check("failed", "not-open-badge", `This is not an Open Badges 3.0 credential (its type is ${shown}).`);
  }
  const validate = validator();
  const status = credential.credentialStatus;
  if (Array.isArray(status) && status.length > MAX_STATUS_ENTRIES) {
    return check(
      "not-checked",
      "too-many-entries",
      `The credential lists ${status.length} status entries; the schema is checked for at most ${MAX_STATUS_ENTRIES}.`,
    );
  }
  if (Array.isArray(status) && status.length > 0) {
    // VC 2.0 allows several status entries (revocation and suspension); the OB 3.0 schema allows one object. Each
    // entry is checked in the schema's place, and the message says so.
    for (const entry of status) {
      if (!validate({ ...credential, credentialStatus: entry })) {
        return check(
          "failed",
          "schema-errors",
          `The credential does not follow the Open Badges 3.0 schema: ${describe(validate.errors ?? [])}.`,
        );
      }
    }
    return check(
      "passed",
      "valid",
      `The credential follows the Open Badges 3.0 schema (its ${status.length} status entries, a list as VC 2.0 allows, were each checked where the schema expects one).`,
    );
  }
  if (validate(credential)) {
    return check("passed", "valid", "The credential follows the Open Badges 3.0 schema.");
  }
  return check(
    "failed",
    "schema-errors",
    `The credential does not follow the Open Badges 3.0 schema: ${describe(validate.errors ?? [])}.`,
  );
}
