import { z } from "zod";
import type { EvidenceInput } from "../evidence-input.js";
import { DisplayNameSchema, EmailSchema } from "../person-fields.js";

/** One result an award carries: a result of the certification (its rule's id) and its value. */
export type AwardResult = { name: string; value: string };

/** One row of an awards job, validated: what the runner issues (subject to the single issue call's checks). */
export type AwardRecord = {
  certification: string;
  email: string;
  name: string;
  /** ISO 8601 date-time (a date alone is read as midnight UTC). */
  validFrom?: string;
  narrative?: string;
  results?: AwardResult[];
};

/** One row of a job, validated: an award, or an evidence record exactly as the evidence API takes it. */
export type JobRecord = AwardRecord | EvidenceInput;

/** Where a row went wrong: the column (null for the whole row) and why, in words. */
export type RowError = { column: string | null; reason: string };

/** One data row of a job file: its line (the first line of the record; the header is line 1 of a CSV file). */
export type ParsedRow<R extends JobRecord = JobRecord> =
  | { line: number; externalId: string | null; record: R }
  | { line: number; externalId: string | null; error: RowError };

const RESULT_NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
const RESULTS_HINT = "must be name=value pairs separated by ; (for example written=86;lab=passed)";

/** `name=value;name=value` (a JSONL line may give an object of names to values instead). */
function readResults(value: unknown, ctx: z.core.$RefinementCtx<unknown>): AwardResult[] {
  const pairs: [string, unknown][] =
    typeof value === "string"
      ? value
          .split(";")
          .filter((part) => part.trim() !== "")
          .map((part) => {
            const at = part.indexOf("=");
            return at < 0 ? [part.trim(), undefined] : [part.slice(0, at).trim(), part.slice(at + 1).trim()];
          })
      : value !== null && typeof value === "object" && !Array.isArray(value)
        ? Object.entries(value)
        : [];
  if (pairs.length === 0) {
    ctx.addIssue({ code: "custom", message: RESULTS_HINT, input: value });
    return z.NEVER;
  }
  const results: AwardResult[] = [];
  for (const [name, raw] of pairs) {
    const text = typeof raw === "number" || typeof raw === "boolean" ? String(raw) : raw;
    if (!RESULT_NAME.test(name) || name.length > 200 || typeof text !== "string" || text === "" || text.length > 200) {
      ctx.addIssue({ code: "custom", message: `${RESULTS_HINT}; "${name}" is not one`, input: value });
      return z.NEVER;
    }
    if (results.some((r) => r.name === name)) {
      ctx.addIssue({ code: "custom", message: `names the result "${name}" twice`, input: value });
      return z.NEVER;
    }
    results.push({ name, value: text });
  }
  return results;
}

/** A date alone is midnight UTC of that day; a date-time must carry its time zone. */
const ValidFromSchema = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], {
    error: "must be an ISO 8601 date (2026-03-02) or date-time with a time zone (2026-03-02T09:00:00Z)",
  })
  .transform((s) => (s.length === 10 ? `${s}T00:00:00Z` : s));

/**
 * An award row, with the same person rules as the issue call (`EmailSchema`, `DisplayNameSchema`) and the same
 * certification id bounds; whether the certification exists, and its results' names, the runner checks against the
 * catalog.
 */
export const AwardRecordSchema = z.strictObject({
  certification: z.string().trim().min(1, "must not be empty").max(200),
  email: EmailSchema,
  name: DisplayNameSchema,
  validFrom: ValidFromSchema.optional(),
  narrative: z.string().trim().min(1).max(2000).optional(),
  results: z.unknown().transform(readResults).optional(),
}) satisfies z.ZodType<AwardRecord, unknown>;
