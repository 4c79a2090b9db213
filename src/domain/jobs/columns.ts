import { COMPLETION_TYPES } from "../criteria/rule-schema.js";

/**
 * The columns of a bulk job file (issue 17), per kind. A CSV file names them in its header row (any order, case and
 * surrounding spaces ignored); a JSONL file uses them as the keys of each line's object. This list is the one
 * documentation of them: the template files (`template.ts`), the README and the per-row errors all come from it.
 */

export type JobKind = "awards" | "evidence";
export const JOB_KINDS = ["awards", "evidence"] as const satisfies readonly JobKind[];

/** How a cell is read: text as given; a number, integer or boolean from its text (JSONL may give them natively). */
export type ColumnType = "text" | "number" | "integer" | "boolean";

export type Column = {
  /** The canonical name (`rating.<question>` stands for any column of that prefix). */
  name: string;
  required: boolean;
  type: ColumnType;
  meaning: string;
  example: string;
};

/** Ratings of a form come one per column: `rating.1`, `rating.2`… or `rating.clarity`, in the order of the header. */
export const RATING_PREFIX = "rating.";

export const AWARD_COLUMNS: readonly Column[] = [
  {
    name: "certification",
    required: true,
    type: "text",
    meaning: "The id of the certification to award (as in the catalog, `/achievements/<id>`)",
    example: "gitlab-certified-associate",
  },
  {
    name: "email",
    required: true,
    type: "text",
    meaning: "The recipient's e-mail address",
    example: "ada@example.org",
  },
  {
    name: "name",
    required: true,
    type: "text",
    meaning: "The recipient's name, as the credential shows it",
    example: "Ada Lovelace",
  },
  {
    name: "validFrom",
    required: false,
    type: "text",
    meaning: "When the award takes effect: an ISO 8601 date or date-time with a time zone (default: when it is issued)",
    example: "2026-03-02",
  },
  {
    name: "narrative",
    required: false,
    type: "text",
    meaning: "Evidence put in the credential: what the recipient did (plain text, at most 2,000 characters)",
    example: "Passed the written exam and the graded lab",
  },
  {
    name: "results",
    required: false,
    type: "text",
    meaning:
      "Results put in the credential: `name=value` pairs separated by `;`, each name a result of the certification (its assessment and rating rules' ids)",
    example: "gitlab-associate-written=86",
  },
  {
    name: "externalId",
    required: false,
    type: "text",
    meaning:
      "Your id for this row: a row whose id the job already has is a duplicate. Without one, a duplicate is the same certification and e-mail (in the job, or already held)",
    example: "cohort-12-ada",
  },
];

export const EVIDENCE_COLUMNS: readonly Column[] = [
  {
    name: "kind",
    required: true,
    type: "text",
    meaning: "What the row records: `assessment`, `completion`, `rating` or `closure` (as the evidence API)",
    example: "assessment",
  },
  {
    name: "externalId",
    required: true,
    type: "text",
    meaning: "Your id for this record: a record whose id was already recorded changes nothing",
    example: "lms-4711",
  },
  { name: "email", required: true, type: "text", meaning: "The person's e-mail address", example: "ada@example.org" },
  { name: "name", required: false, type: "text", meaning: "The person's name", example: "Ada Lovelace" },
  {
    name: "occurredAt",
    required: true,
    type: "text",
    meaning: "When it happened: an ISO 8601 date-time with a time zone",
    example: "2026-03-02T14:00:00Z",
  },
  {
    name: "assessment",
    required: false,
    type: "text",
    meaning: "assessment rows: the assessment's id (as the certification's criteria name it)",
    example: "gitlab-associate-written",
  },
  {
    name: "score",
    required: false,
    type: "number",
    meaning: "assessment rows: the percent score, 0 to 100 (or give `passed`)",
    example: "86",
  },
  {
    name: "passed",
    required: false,
    type: "boolean",
    meaning: "assessment rows: pass or fail, `true` or `false` (`yes`/`no` are read too)",
    example: "",
  },
  {
    name: "completion",
    required: false,
    type: "text",
    meaning: `completion rows: one of ${COMPLETION_TYPES.join(", ")}`,
    example: "",
  },
  { name: "item", required: false, type: "text", meaning: "completion rows: the completed item's id", example: "" },
  { name: "mode", required: false, type: "text", meaning: "completion rows: `live` or `recording`", example: "" },
  {
    name: "form",
    required: false,
    type: "text",
    meaning: "rating and closure rows: the form's id",
    example: "",
  },
  {
    name: "scale",
    required: false,
    type: "integer",
    meaning: "rating rows: the top of the rating scale (2 to 100)",
    example: "",
  },
  {
    name: `${RATING_PREFIX}<question>`,
    required: false,
    type: "number",
    meaning:
      "rating rows: one column per question of the form (`rating.1`, `rating.2`… or any name), empty cells skipped",
    example: "",
  },
  {
    name: "delivery",
    required: false,
    type: "text",
    meaning: "rating rows: the delivery the form rates; closure rows: the delivery closed",
    example: "",
  },
  {
    name: "supersedes",
    required: false,
    type: "text",
    meaning: "The id of an earlier evidence record this one corrects",
    example: "",
  },
  { name: "comment", required: false, type: "text", meaning: "A private note (never put in credentials)", example: "" },
  {
    name: "uncatalogued",
    required: false,
    type: "boolean",
    meaning: "`true`: the record counts for no certification, so its id need not be in the catalog",
    example: "",
  },
];

export function columnsOf(kind: JobKind): readonly Column[] {
  return kind === "awards" ? AWARD_COLUMNS : EVIDENCE_COLUMNS;
}

/** The column names a kind knows, for messages (`rating.<question>` as such). */
export function columnNames(kind: JobKind): string[] {
  return columnsOf(kind).map((c) => c.name);
}

/**
 * The column a header cell (or JSONL key) names, or undefined for none: matched ignoring case and surrounding space;
 * for evidence, `rating.<question>` columns keep their question as given.
 */
export function findColumn(kind: JobKind, given: string): { name: string; column: Column } | undefined {
  const wanted = given.trim().toLowerCase();
  if (kind === "evidence" && wanted.startsWith(RATING_PREFIX) && wanted.length > RATING_PREFIX.length) {
    const column = EVIDENCE_COLUMNS.find((c) => c.name.startsWith(RATING_PREFIX));
    return column && { name: `${RATING_PREFIX}${given.trim().slice(RATING_PREFIX.length)}`, column };
  }
  const column = columnsOf(kind).find((c) => !c.name.startsWith(RATING_PREFIX) && c.name.toLowerCase() === wanted);
  return column && { name: column.name, column };
}
