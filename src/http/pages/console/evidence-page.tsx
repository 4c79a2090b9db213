import type { RecordableCriterion } from "../../../domain/criteria/recordable.js";
import { aGraderRole, graderRoleName } from "../../../domain/grader-roles.js";
import { describedBy, Field, FormAlert, type FormErrors, PostForm, SelectField, TextField } from "./form.js";
import { type ConsoleChrome, ConsoleLayout } from "./layout.js";

/** One criterion's form: the criterion as the catalog defines it, and where the person stands on it. */
export type CriterionForm = RecordableCriterion & {
  /** A fresh id for the record this form makes: submitting the same form twice records it once. */
  externalId: string;
  /** Whether the account grades as a role this criterion takes (true when any grader's record counts). */
  allowed: boolean;
  /** The person's standing on this criterion (none when no person is chosen yet). */
  standing?: { met: boolean; missing?: string };
};

export type ProgressLineView = { label: string; met: boolean; missing?: string; depth: number };

/** What a record did: recorded (or already recorded), what it awarded, and where the person now stands. */
export type EvidenceOutcome = {
  status: "recorded" | "duplicate";
  criterion: string;
  email: string;
  awarded: { name: string; credentialId?: string; pending: boolean }[];
  certification: { name: string; summary: string; lines: ProgressLineView[] };
};

export type EvidenceQuery = { person: string; name: string; certification: string };

export type EvidencePageView = {
  chrome: ConsoleChrome;
  /** The certifications this account may record evidence for. */
  certifications: readonly { id: string; name: string; program: string }[];
  query: EvidenceQuery;
  queryErrors: FormErrors;
  /** The chosen certification's criteria, once a person and a certification are chosen. */
  selected?: { id: string; name: string; program: string; criteria: CriterionForm[] };
  /** The account's grader roles for the chosen certification's program. */
  graderRoles: readonly string[];
  outcome?: EvidenceOutcome;
  /** A refused record: its criterion, what was typed, and the errors next to its fields. */
  refused?: { key: string; values: Readonly<Record<string, string>>; errors: FormErrors };
  /** Whether the account may open credentials in the console (else the award links to the public page only). */
  canReadCredentials: boolean;
};

/** A field id unique on the page: one form per criterion, each with its own fields. */
function fieldId(key: string, name: string): string {
  return `field-${key.replace(/[^a-z0-9-]/g, "-")}-${name}`;
}

function Input(props: {
  criterion: string;
  name: string;
  label: string;
  hint?: string;
  type?: "text" | "number" | "datetime-local";
  value: string;
  errors: FormErrors;
  required?: boolean;
  min?: number;
  max?: number;
  maxLength?: number;
}) {
  const id = fieldId(props.criterion, props.name);
  const error = props.errors[props.name];
  return (
    <Field id={id} label={props.label} hint={props.hint} error={error}>
      <input
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        value={props.value}
        required={props.required}
        min={props.min}
        max={props.max}
        step={props.type === "number" ? "any" : props.type === "datetime-local" ? 1 : undefined}
        maxlength={props.maxLength}
        autocomplete="off"
        aria-invalid={error ? "true" : undefined}
        aria-describedby={describedBy(id, Boolean(props.hint), error)}
      />
    </Field>
  );
}

function Comment(props: { criterion: string; value: string; errors: FormErrors }) {
  const id = fieldId(props.criterion, "comment");
  const error = props.errors.comment;
  return (
    <Field id={id} label="Comment (optional)" hint="A private note: never put in a credential." error={error}>
      <textarea
        id={id}
        name="comment"
        rows={2}
        maxlength={2000}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={describedBy(id, true, error)}
      >
        {props.value}
      </textarea>
    </Field>
  );
}

function PassFail(props: { criterion: string; value: string; errors: FormErrors }) {
  const id = fieldId(props.criterion, "passed");
  const error = props.errors.passed;
  return (
    <fieldset
      class="console-checks"
      id={id}
      aria-invalid={error ? "true" : undefined}
      aria-describedby={error ? `${id}-error` : undefined}
    >
      <legend>Result</legend>
      <label class="console-check">
        <input type="radio" name="passed" value="yes" checked={props.value === "yes"} /> Passed
      </label>
      <label class="console-check">
        <input type="radio" name="passed" value="no" checked={props.value === "no"} /> Not passed
      </label>
      {error ? (
        <p class="field__error" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

function FormChoice(props: { criterion: string; forms: readonly string[]; value: string; errors: FormErrors }) {
  if (props.forms.length === 1) {
    return <input type="hidden" name="form" value={props.forms[0]} />;
  }
  const id = fieldId(props.criterion, "form");
  const error = props.errors.form;
  return (
    <Field id={id} label="Form" error={error}>
      <select
        id={id}
        name="form"
        aria-invalid={error ? "true" : undefined}
        aria-describedby={describedBy(id, false, error)}
      >
        {props.forms.map((form) => (
          <option value={form} selected={form === props.value}>
            {form}
          </option>
        ))}
      </select>
    </Field>
  );
}

const COMPLETION_WORDS: Record<string, string> = {
  task: "Task completed",
  workshop: "Workshop attended",
  course: "Course completed",
  "learning-path": "Learning path completed",
  shadowing: "Shadowing done",
  delivery: "Delivery done",
  review: "Review done",
};

/** What the criterion asks for, in one sentence (from the catalog's rule). */
function asks(c: CriterionForm): string {
  switch (c.kind) {
    case "assessment":
      return c.passMark === undefined
        ? `Assessment ${c.assessment}, graded pass/fail.`
        : `Assessment ${c.assessment}, scored in percent (pass mark ${c.passMark} %).`;
    case "completion":
      return `${COMPLETION_WORDS[c.completion] ?? c.completion}: ${c.item}${c.mode ? ` (${c.mode})` : ""}.`;
    case "rating": {
      const per = c.delivery.closure
        ? "Forms of one delivery are averaged once a grader closes the delivery."
        : c.delivery.minForms > 1
          ? `Forms of one delivery are averaged once ${c.delivery.minForms} are in.`
          : "";
      return `Rated on a scale of 1 to ${c.scale}; the average must be at least ${c.minAverage}. ${per}`.trim();
    }
    case "closure":
      return "Every form of the delivery is in: the delivery is judged from now on and takes no more forms.";
    case "prerequisite":
      return `Holding the certification ${c.certification}: nothing to record here, it is awarded on its own criteria.`;
  }
}

function Who(props: { criterion: CriterionForm; graderRoles: readonly string[] }) {
  const roles = props.criterion.graderRoles;
  if (!roles) {
    return null;
  }
  const mine = props.graderRoles.length ? props.graderRoles.map(graderRoleName).join(", ") : "no grader role";
  return (
    <p
      class={props.criterion.allowed ? "muted" : "console-alert"}
      data-allowed={props.criterion.allowed ? "yes" : "no"}
    >
      Recorded only by {roles.map(aGraderRole).join(" or ")}
      {props.criterion.allowed ? "." : `: your account grades as ${mine}, so recording it is refused.`}
    </p>
  );
}

function nowValue(values: Readonly<Record<string, string>>, fallback: string): string {
  return values.occurredAt ?? fallback;
}

function CriterionPanel(props: {
  criterion: CriterionForm;
  chrome: ConsoleChrome;
  query: EvidenceQuery;
  certification: string;
  graderRoles: readonly string[];
  refused?: EvidencePageView["refused"];
  now: string;
}) {
  const c = props.criterion;
  const refused = props.refused?.key === c.key ? props.refused : undefined;
  const values = refused?.values ?? {};
  const errors = refused?.errors ?? {};
  const headId = fieldId(c.key, "head");
  const general = errors._form;
  return (
    <section class="panel console-criterion" aria-labelledby={headId} data-criterion={c.key}>
      <h3 id={headId}>{c.label}</h3>
      {c.standing ? (
        <p data-met={c.standing.met ? "yes" : "no"}>
          <strong>{c.standing.met ? "Met" : "Not met yet"}</strong>
          {!c.standing.met && c.standing.missing ? `: ${c.standing.missing}` : ""}
        </p>
      ) : null}
      <p class="muted">{asks(c)}</p>
      <Who criterion={c} graderRoles={props.graderRoles} />
      {c.kind === "prerequisite" ? null : (
        <PostForm
          action="/console/evidence/new"
          csrf={props.chrome.csrf}
          class="stack-form"
          label={`Record: ${c.label}`}
        >
          <FormAlert
            message={refused ? `Nothing was recorded${general ? `: ${general}` : ": see below."}` : undefined}
          />
          <input type="hidden" name="certification" value={props.certification} />
          <input type="hidden" name="criterion" value={c.key} />
          <input type="hidden" name="person" value={props.query.person} />
          <input type="hidden" name="name" value={props.query.name} />
          <input type="hidden" name="externalId" value={c.externalId} />
          {c.kind === "assessment" ? (
            c.passMark === undefined ? (
              <PassFail criterion={c.key} value={values.passed ?? ""} errors={errors} />
            ) : (
              <Input
                criterion={c.key}
                name="score"
                label="Score (%)"
                hint={`0 to 100; ${c.passMark} or more passes.`}
                type="number"
                min={0}
                max={100}
                value={values.score ?? ""}
                errors={errors}
              />
            )
          ) : null}
          {c.kind === "rating" || c.kind === "closure" ? (
            <FormChoice criterion={c.key} forms={c.forms} value={values.form ?? ""} errors={errors} />
          ) : null}
          {c.kind === "rating" ? (
            <Input
              criterion={c.key}
              name="ratings"
              label={`Ratings (1 to ${c.scale})`}
              hint="Every rating given on the form, separated by spaces or commas, e.g. 5 4 4 5."
              value={values.ratings ?? ""}
              errors={errors}
              maxLength={2000}
            />
          ) : null}
          {c.kind === "closure" || (c.kind === "rating" && (c.delivery.closure || c.delivery.minForms > 1)) ? (
            <Input
              criterion={c.key}
              name="delivery"
              label="Delivery"
              hint="The delivery's id, the same on every form of it (e.g. acme-2026-03)."
              value={values.delivery ?? ""}
              errors={errors}
              maxLength={200}
            />
          ) : c.kind === "rating" ? (
            <Input
              criterion={c.key}
              name="delivery"
              label="Delivery (optional)"
              hint="The delivery the form rates (e.g. acme-2026-03)."
              value={values.delivery ?? ""}
              errors={errors}
              maxLength={200}
            />
          ) : null}
          <Input
            criterion={c.key}
            name="occurredAt"
            label="When (UTC)"
            hint="When it happened: the attempt, the completion, the delivery."
            type="datetime-local"
            value={nowValue(values, props.now)}
            errors={errors}
          />
          <Comment criterion={c.key} value={values.comment ?? ""} errors={errors} />
          <button type="submit" class="button">
            {c.kind === "closure" ? "Close the delivery" : "Record"}
          </button>
        </PostForm>
      )}
    </section>
  );
}

function Outcome(props: { outcome: EvidenceOutcome; canReadCredentials: boolean }) {
  const o = props.outcome;
  return (
    <section class="panel console-outcome" aria-labelledby="outcome-head" data-outcome={o.status}>
      <h2 id="outcome-head">
        {o.status === "recorded" ? "Recorded" : "Already recorded"}: {o.criterion}
      </h2>
      <div class="console-flash" role="status">
        <p>
          {o.status === "recorded"
            ? `The record for ${o.email} is stored.`
            : `This form was already submitted for ${o.email}: nothing changed.`}
        </p>
      </div>
      {o.awarded.length ? (
        <ul class="console-awards">
          {o.awarded.map((award) =>
            award.pending ? (
              <li data-award="pending">
                <strong>{award.name}</strong>: the criteria are met, and the award waits for a program manager's
                approval.
              </li>
            ) : (
              <li data-award="issued">
                <strong>Awarded: {award.name}.</strong>{" "}
                <a href={`/credentials/${award.credentialId}`}>The credential</a>
                {props.canReadCredentials ? (
                  <>
                    {" "}
                    · <a href={`/console/credentials/${award.credentialId}`}>in the console</a>
                  </>
                ) : null}
              </li>
            ),
          )}
        </ul>
      ) : null}
      <h3>
        {o.certification.name}: {o.certification.summary}
      </h3>
      {o.certification.lines.length ? (
        <ul class="rule console-progress">
          {o.certification.lines.map((line) => (
            <li class={`earner-depth-${Math.min(line.depth, 4)}`} data-met={line.met ? "yes" : "no"}>
              <strong>{line.met ? "Met" : "Not met"}:</strong> {line.label}
              {line.missing ? <span class="muted"> — missing: {line.missing}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

/**
 * Record evidence: choose the person and a certification the account may grade, then one form per criterion of its
 * definition (an assessment's score or pass/fail, a completion, a rating form with its scale, a delivery's closure),
 * each through the API's service; after a record, the award or what is still missing.
 */
export function EvidencePage(props: EvidencePageView & { now: string }) {
  const { chrome, query, queryErrors, selected } = props;
  return (
    <ConsoleLayout chrome={chrome} title="Record evidence" current="evidence">
      <h1>Record evidence</h1>
      {props.outcome ? <Outcome outcome={props.outcome} canReadCredentials={props.canReadCredentials} /> : null}
      <section class="panel" aria-labelledby="choose-head">
        <h2 id="choose-head">Person and certification</h2>
        <FormAlert
          message={Object.keys(queryErrors).length ? "Check the person and certification below." : undefined}
        />
        <form method="get" action="/console/evidence/new" class="stack-form" aria-label="Person and certification">
          <TextField
            name="person"
            label="Person's email"
            hint="Or the id of someone who holds a credential."
            value={query.person}
            errors={queryErrors}
            required
            maxLength={320}
            autocomplete="off"
          />
          <TextField
            name="name"
            label="Person's name (optional)"
            hint="As it should appear on a credential awarded from this evidence."
            value={query.name}
            errors={queryErrors}
            maxLength={200}
            autocomplete="off"
          />
          <SelectField
            name="certification"
            label="Certification"
            value={query.certification}
            errors={queryErrors}
            options={[
              { value: "", label: "Choose a certification" },
              ...props.certifications.map((c) => ({ value: c.id, label: `${c.name} (${c.program})` })),
            ]}
          />
          <button type="submit" class="button button--secondary">
            Show its criteria
          </button>
        </form>
      </section>
      {selected ? (
        <section aria-labelledby="criteria-head">
          <h2 id="criteria-head">
            {selected.name}: criteria for {query.person}
          </h2>
          <p class="muted">
            {selected.program}. Each form records one result;{" "}
            {props.graderRoles.length
              ? `your account grades as ${props.graderRoles.map(aGraderRole).join(" or ")}.`
              : "your account has no grader role."}
          </p>
          {selected.criteria.map((criterion) => (
            <CriterionPanel
              criterion={criterion}
              chrome={chrome}
              query={query}
              certification={selected.id}
              graderRoles={props.graderRoles}
              refused={props.refused}
              now={props.now}
            />
          ))}
        </section>
      ) : null}
    </ConsoleLayout>
  );
}
