import { checkVcdmRules } from "../domain/credential/vcdm-rules.js";
import type { Check } from "./report.js";

const check = (outcome: Check["outcome"], code: string, message: string): Check => ({
  id: "schema",
  outcome,
  title: "VC Data Model",
  message,
  code,
});

/** At most this many broken rules are spelled out; the count says how many there are. */
const SHOWN_RULES = 8;

/**
 * The schema check of a credential that is not an Open Badge: the VC Data Model rules (domain/credential/vcdm-rules.ts),
 * each broken one named (`[rule] path what`), where an Open Badge is held to the OB 3.0 JSON Schema instead.
 */
export function checkVcdm(credential: Record<string, unknown>): Check {
  const { version, violations } = checkVcdmRules(credential);
  if (violations.length === 0) {
    return check(
      "passed",
      "valid",
      `The credential follows the VC Data Model ${version ?? ""} rules.`.replace("  ", " "),
    );
  }
  const listed = violations
    .slice(0, SHOWN_RULES)
    .map((v) => `[${v.rule}] ${v.message}`)
    .join("; ");
  const more = violations.length > SHOWN_RULES ? `; and ${violations.length - SHOWN_RULES} more` : "";
  const model = version ? `VC Data Model ${version}` : "VC Data Model";
  const count = violations.length === 1 ? "a rule" : `${violations.length} rules`;
  return check("failed", "vcdm-rules", `The credential breaks ${count} of the ${model}: ${listed}${more}.`);
}
