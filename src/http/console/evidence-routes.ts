import type { Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { canSome, evidenceAccess, programsWith } from "../../domain/access.js";
import type { CatalogEntry } from "../../domain/catalog/parse-catalog.js";
import { type RecordableCriterion, recordableCriteria } from "../../domain/criteria/recordable.js";
import type { RuleReport } from "../../domain/criteria/types.js";
import { AppError, type FieldError } from "../../errors.js";
import { DisplayNameSchema } from "../../schemas/display-name.js";
import { EmailSchema } from "../../schemas/email.js";
import type { AwardOutcome } from "../../services/award-eligible.js";
import { linesOf } from "../../services/earner-space.js";
import { knownNameOf, personByRecipientId } from "../../services/person-lookup.js";
import { progressForPerson } from "../../services/progress.js";
import type { EvidenceSubmission, Submitter } from "../../services/record-evidence.js";
import { submitEvidence } from "../../services/submit-evidence.js";
import {
  type CriterionForm,
  type EvidenceOutcome,
  EvidencePage,
  type EvidencePageView,
  type EvidenceQuery,
} from "../pages/console/evidence-page.js";
import type { FormErrors } from "../pages/console/form.js";
import { fieldErrors } from "../problem.js";
import { EvidenceInputSchema } from "../routes/admin/evidence-schemas.js";
import type { ConsoleEnv } from "./console-env.js";
import { readForm } from "./form-data.js";
import { sendConsolePage } from "./render.js";
import { chromeOf, requirePermission, sessionOf } from "./session.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The catalog's certifications with criteria whose program this account may record evidence for. */
function gradable(c: Context<ConsoleEnv>): CatalogEntry[] {
  const programs = programsWith(sessionOf(c).principal, "evidence:write");
  return c
    .get("ctx")
    .catalog.entries.filter(
      (entry) => entry.criteria.rule !== undefined && (programs === "all" || programs.includes(entry.program)),
    );
}

/** A chosen certification this account may not grade: the 403 page, whatever the form said. */
function forbiddenProgram(entry: CatalogEntry): AppError {
  return new AppError(
    "FORBIDDEN",
    `Your roles do not allow this (it needs the "evidence:write" permission for ${entry.program})`,
    { requiredPermission: "evidence:write" },
  );
}

type Person = { email: string; name: string };

/**
 * The person and certification the page is about (query or form): the email (or a recipient's id, as the people pages
 * link), an optional name, and a certification of the catalog this account may grade (else 403). Errors by field.
 */
async function readChoice(
  c: Context<ConsoleEnv>,
  query: EvidenceQuery,
): Promise<{ person?: Person; entry?: CatalogEntry; errors: Record<string, string> }> {
  const errors: Record<string, string> = {};
  let person: Person | undefined;
  const given = query.person.trim();
  const name = DisplayNameSchema.optional().safeParse(query.name.trim() === "" ? undefined : query.name);
  if (!name.success) {
    errors.name = fieldErrors(name.error)[0]?.message ?? "is not a valid name";
  }
  if (given === "") {
    errors.person = "enter the person's email";
  } else if (UUID.test(given) && !given.includes("@")) {
    const recipient = await personByRecipientId(c.get("ctx"), given.toLowerCase());
    if (recipient) {
      person = { email: recipient.email, name: name.success && name.data ? name.data : recipient.name };
    } else {
      errors.person = `no person holds a credential with the id "${given.slice(0, 100)}": enter their email`;
    }
  } else {
    const email = EmailSchema.safeParse(given);
    if (email.success) {
      const known = await knownNameOf(c.get("ctx"), email.data);
      person = { email: email.data, name: name.success && name.data ? name.data : (known ?? "") };
    } else {
      errors.person = fieldErrors(email.error)[0]?.message ?? "must be a valid email address";
    }
  }
  let entry: CatalogEntry | undefined;
  const id = query.certification.trim();
  if (id !== "") {
    entry = c.get("ctx").catalog.get(id);
    if (!entry || entry.criteria.rule === undefined) {
      errors.certification = entry
        ? "is awarded by hand: it has no criteria to record evidence for"
        : `unknown achievement "${id.slice(0, 200)}"`;
      entry = undefined;
    } else if (!gradable(c).some((e) => e.id === entry?.id)) {
      throw forbiddenProgram(entry);
    }
  } else {
    errors.certification = "choose a certification";
  }
  return { ...(person ? { person } : {}), ...(entry ? { entry } : {}), errors };
}

/** The account's grader roles for a program (from its grants: never from a form). */
function graderRolesFor(c: Context<ConsoleEnv>, program: string): string[] {
  return evidenceAccess(sessionOf(c).principal, [program]).graderRoles;
}

/** The report node of a rule id in a report tree. */
function findReport(report: RuleReport | null | undefined, id: string): RuleReport | undefined {
  if (!report) {
    return undefined;
  }
  if (report.id === id) {
    return report;
  }
  for (const child of report.children ?? []) {
    const found = findReport(child, id);
    if (found) {
      return found;
    }
  }
  return undefined;
}

const SUMMARY: Record<string, string> = {
  held: "held.",
  "renewal-due": "held, and due for renewal: the criteria below count again for the renewal.",
  "pending-approval": "the criteria are met; the award waits for approval.",
  eligible: "the criteria are met; it is being awarded.",
  "in-progress": "not met yet. What is still missing:",
  "not-automated": "awarded by hand: no criteria are tracked.",
};

/**
 * "2026-03-02T09:30:15" in UTC, the value a datetime-local field shows for now: to the second, so that a lab recorded
 * just after the written pass (from the page the written record answered with) is dated after it, as `after` needs.
 */
function localNow(now: Date): string {
  return now.toISOString().slice(0, 19);
}

/** Renders the page for a chosen (or not yet chosen) person and certification. */
async function renderPage(
  c: Context<ConsoleEnv>,
  query: EvidenceQuery,
  chosen: { person?: Person; entry?: CatalogEntry; errors: FormErrors },
  extra: { outcome?: EvidenceOutcome; refused?: EvidencePageView["refused"] } = {},
  status: ContentfulStatusCode = 200,
): Promise<Response> {
  const ctx = c.get("ctx");
  const session = sessionOf(c);
  const { person, entry } = chosen;
  let selected: EvidencePageView["selected"];
  let graderRoles: string[] = [];
  if (person && entry?.criteria.rule) {
    graderRoles = graderRolesFor(c, entry.program);
    const progress = (await progressForPerson(ctx, person.email)).find((p) => p.certification === entry.id);
    const criteria: CriterionForm[] = recordableCriteria(entry.criteria.rule).map((criterion) => {
      const report = criterion.kind === "closure" ? undefined : findReport(progress?.report, criterion.ruleId);
      return {
        ...criterion,
        externalId: `console-${ctx.newId()}`,
        allowed: !criterion.graderRoles || criterion.graderRoles.some((role) => graderRoles.includes(role)),
        ...(report
          ? { standing: { met: report.status === "met", ...(report.missing ? { missing: report.missing } : {}) } }
          : {}),
      };
    });
    selected = { id: entry.id, name: entry.name, program: entry.program, criteria };
  }
  // the person as found (an id becomes their email); a name refused is shown again as typed, inert
  const shownQuery = person
    ? { ...query, person: person.email, name: chosen.errors.name ? query.name : person.name }
    : query;
  return sendConsolePage(
    c,
    EvidencePage({
      chrome: chromeOf(c, session),
      certifications: gradable(c).map((e) => ({ id: e.id, name: e.name, program: e.program })),
      query: shownQuery,
      queryErrors: chosen.errors,
      ...(selected ? { selected } : {}),
      graderRoles,
      ...extra,
      canReadCredentials: canSome(session.principal, "credentials:read"),
      now: localNow(ctx.clock()),
    }),
    status,
  );
}

/** A datetime-local value ("2026-03-02T09:30", in UTC as the form says) as the API's ISO 8601; else as typed. */
function isoOf(value: string): string {
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) {
    return `${value}:00Z`;
  }
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?$/.test(value) ? `${value}Z` : value;
}

/** A number field: empty is absent, a number is a number, anything else stays text (the API's schema names it). */
function numberOf(value: string): number | string | undefined {
  const trimmed = value.trim();
  if (trimmed === "") {
    return undefined;
  }
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : trimmed;
}

/**
 * The API's evidence record for one criterion's form: every catalog id (assessment, item, completion, mode, form's
 * scale) comes from the criterion, which comes from the definition; the form gives only the person, the result, the
 * delivery, the date and a comment. Never a grader role.
 */
function submissionOf(
  criterion: RecordableCriterion,
  person: Person,
  values: Record<string, string>,
): { raw?: Record<string, unknown>; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const base: Record<string, unknown> = {
    externalId: values.externalId,
    person: { email: person.email, ...(person.name ? { name: person.name } : {}) },
    occurredAt: isoOf(values.occurredAt ?? ""),
    ...(values.comment?.trim() ? { comment: values.comment } : {}),
  };
  const delivery = values.delivery?.trim() ? { delivery: values.delivery } : {};
  const form = () => {
    const chosen = values.form ?? "";
    const forms = "forms" in criterion ? criterion.forms : [];
    if (!forms.includes(chosen)) {
      errors.form = `must be one of ${forms.join(", ")}`;
    }
    return chosen;
  };
  switch (criterion.kind) {
    case "assessment": {
      if (criterion.passMark === undefined) {
        const passed = values.passed ?? "";
        const result = passed === "yes" ? true : passed === "no" ? false : passed === "" ? undefined : passed;
        return { raw: { kind: "assessment", ...base, assessment: criterion.assessment, passed: result }, errors };
      }
      const score = numberOf(values.score ?? "");
      return { raw: { kind: "assessment", ...base, assessment: criterion.assessment, score }, errors };
    }
    case "completion":
      return {
        raw: {
          kind: "completion",
          ...base,
          completion: criterion.completion,
          item: criterion.item,
          ...(criterion.mode ? { mode: criterion.mode } : {}),
        },
        errors,
      };
    case "rating": {
      const tokens = (values.ratings ?? "").split(/[\s,;]+/).filter((t) => t !== "");
      const ratings = tokens.map((t) => numberOf(t));
      return {
        raw: { kind: "rating", ...base, form: form(), scale: criterion.scale, ratings, ...delivery },
        errors,
      };
    }
    case "closure":
      return { raw: { kind: "closure", ...base, form: form(), delivery: values.delivery ?? "" }, errors };
    case "prerequisite":
      return { errors: { _form: "a prerequisite is met by holding the certification: there is nothing to record" } };
  }
}

const FORM_FIELDS = ["score", "passed", "ratings", "delivery", "occurredAt", "comment", "form"] as const;

/** A problem's field errors under the criterion form's fields (the API's wording); the rest above the form. */
function errorsByField(fields: readonly FieldError[], passFail: boolean): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const { path, message } of fields) {
    const head = path.split(".")[0] ?? "";
    let name = (FORM_FIELDS as readonly string[]).includes(head) ? head : "_form";
    if (name === "score" && passFail) {
      name = "passed";
    }
    const named = path !== "(record)" && (name === "_form" || path.includes("."));
    const text = named ? `${path}: ${message}` : message;
    errors[name] ??= text;
  }
  return errors;
}

/** A service refusal the form shows next to its fields (bad input, a conflict); null for a 403/404 page. */
function refusalOf(error: unknown): FieldError[] | null {
  if (
    !(error instanceof AppError) ||
    (error.code !== "VALIDATION_FAILED" && error.code !== "CONFLICT" && error.code !== "UNPROCESSABLE")
  ) {
    return null;
  }
  if (error.code === "CONFLICT" && error.extra?.existingId !== undefined) {
    // the form's own externalId, submitted before with other values (the browser's Back button): every page renders
    // fresh ones, so the form shown again can be submitted
    const message = "this form was already submitted with other values: submit the fresh form below again";
    return [{ path: "(record)", message }];
  }
  const fields = Array.isArray(error.extra?.errors) ? (error.extra.errors as FieldError[]) : [];
  return fields.length ? fields : [{ path: "(record)", message: error.message }];
}

async function outcomeOf(
  c: Context<ConsoleEnv>,
  entry: CatalogEntry,
  criterion: RecordableCriterion,
  result: { status: "recorded" | "duplicate"; evidence: { person: { email: string } }; awarded: AwardOutcome[] },
): Promise<EvidenceOutcome> {
  const ctx = c.get("ctx");
  const email = result.evidence.person.email;
  const progress = (await progressForPerson(ctx, email)).find((p) => p.certification === entry.id);
  return {
    status: result.status,
    criterion: criterion.label,
    email,
    awarded: result.awarded.map((award) => ({
      name: ctx.catalog.get(award.achievementId)?.name ?? award.achievementId,
      pending: award.outcome === "pending-approval",
      ...(award.outcome === "issued" ? { credentialId: award.credentialId } : {}),
    })),
    certification: {
      name: entry.name,
      summary: SUMMARY[progress?.status ?? "in-progress"] ?? "",
      lines: progress?.status === "in-progress" ? linesOf(progress.report) : [],
    },
  };
}

/**
 * Record evidence (evidence:write for the certification's program): a person, a certification this account may grade,
 * and one form per criterion of its definition, each recorded through the API's `submitEvidence` with the account's
 * grader role (never the form's); bad input re-renders the form with the API's wording next to the field.
 */
export function registerEvidencePages(app: Hono<ConsoleEnv>): void {
  const guard = requirePermission("evidence:write", { anyProgram: true });

  app.get("/evidence/new", guard, async (c) => {
    const query: EvidenceQuery = {
      person: (c.req.query("person") ?? "").slice(0, 400),
      name: (c.req.query("name") ?? "").slice(0, 400),
      certification: (c.req.query("certification") ?? "").slice(0, 200),
    };
    const nothingYet = query.person === "" && query.certification === "";
    const chosen = nothingYet ? { errors: {} } : await readChoice(c, query);
    if (!nothingYet && query.certification === "" && chosen.person) {
      // a person alone (the people pages link here with one): choose the certification next, no error yet
      return renderPage(c, query, { person: chosen.person, errors: {} });
    }
    const invalid = Object.keys(chosen.errors).length > 0;
    return renderPage(c, query, chosen, {}, invalid ? 400 : 200);
  });

  app.post("/evidence/new", guard, async (c) => {
    const form = await readForm(c);
    const values: Record<string, string> = {};
    for (const name of ["person", "name", "certification", "criterion", "externalId", ...FORM_FIELDS]) {
      values[name] = form.text(name);
    }
    const query: EvidenceQuery = {
      person: values.person ?? "",
      name: values.name ?? "",
      certification: values.certification ?? "",
    };
    const chosen = await readChoice(c, query);
    const { person, entry } = chosen;
    if (!person || !entry?.criteria.rule || Object.keys(chosen.errors).length > 0) {
      return renderPage(c, query, chosen, {}, 400);
    }
    const criterion = recordableCriteria(entry.criteria.rule).find((cr) => cr.key === values.criterion);
    if (!criterion) {
      const errors = { certification: `has no criterion "${(values.criterion ?? "").slice(0, 100)}": choose again` };
      return renderPage(c, query, { person, entry, errors }, {}, 400);
    }
    const refuse = (errors: Record<string, string>, status: ContentfulStatusCode = 400) =>
      renderPage(c, query, { person, entry, errors: {} }, { refused: { key: criterion.key, values, errors } }, status);
    const built = submissionOf(criterion, person, values);
    const passFail = criterion.kind === "assessment" && criterion.passMark === undefined;
    const parsed = built.raw ? EvidenceInputSchema.safeParse(built.raw) : undefined;
    if (!parsed?.success || Object.keys(built.errors).length > 0) {
      const schemaErrors = parsed && !parsed.success ? errorsByField(fieldErrors(parsed.error), passFail) : {};
      return refuse({ ...schemaErrors, ...built.errors });
    }
    const principal = sessionOf(c).principal;
    const roles = graderRolesFor(c, entry.program);
    const by: Submitter = {
      actor: principal.actor,
      // the account's grader role for this program: the one the criterion takes when it holds several
      graderRole: roles.find((role) => criterion.graderRoles?.includes(role)) ?? roles[0] ?? null,
      isAdmin: false,
    };
    let result: Awaited<ReturnType<typeof submitEvidence>>;
    try {
      result = await submitEvidence(c.get("ctx"), parsed.data as EvidenceSubmission, by);
    } catch (error) {
      const fields = refusalOf(error);
      if (!fields) {
        throw error;
      }
      return refuse(errorsByField(fields, passFail), (error as AppError).status as ContentfulStatusCode);
    }
    const outcome = await outcomeOf(c, entry, criterion, result);
    return renderPage(c, query, { person, entry, errors: {} }, { outcome });
  });
}
