import { deliveryName, formatDate, formatShortOf, instant, plural } from "../format.js";
import type { RatingRule } from "../rule-schema.js";
import type { RuleReport } from "../types.js";
import { type EvalContext, type EvidenceOf, report } from "./context.js";
import { type EvidenceWindow, evidenceWindow, outsideWindow, scopeWords } from "./filters.js";
import { authorisedGrader, graderWords, unauthorisedGrader } from "./grader.js";

/** Tolerance for floating-point sums, so ratings averaging exactly the minimum are not failed by rounding. */
const EPSILON = 1e-9;

type Form = EvidenceOf<"rating">;
type Closure = EvidenceOf<"closure">;
/** The forms of one delivery (a form without a delivery id is a delivery of its own), in time order. */
type Delivery = { name: string | undefined; forms: Form[] };
/** A complete delivery: the forms judged, their average, and when it became complete. */
type Judged = { forms: Form[]; closure: Closure | undefined; average: number; at: string };

function deliveries(forms: Form[]): Delivery[] {
  const groups = new Map<string, Delivery>();
  for (const form of forms) {
    const key = form.delivery !== undefined ? `delivery:${form.delivery}` : `form:${form.id}`;
    const group = groups.get(key) ?? { name: form.delivery, forms: [] };
    group.forms.push(form);
    groups.set(key, group);
  }
  return [...groups.values()];
}

function averageOf(forms: Form[]): number {
  const ratings = forms.flatMap((f) => f.ratings);
  return ratings.reduce((sum, x) => sum + x, 0) / ratings.length;
}

/**
 * The first closure of each named delivery of the rule's forms (a closure names the form it closes a delivery of:
 * another form's delivery with the same id is another delivery) by an authorised grader; notes on the closures that
 * do not count.
 */
function closuresOf(rule: RatingRule, ctx: EvalContext, named: Set<string>, notes: string[]): Map<string, Closure> {
  const found = new Map<string, Closure>();
  const roles = rule.delivery.closure?.graderRoles;
  for (const e of ctx.evidence) {
    if (e.kind !== "closure" || !rule.forms.includes(e.form) || !named.has(e.delivery) || found.has(e.delivery)) {
      continue;
    }
    if (!authorisedGrader(roles, e)) {
      const unauthorised = unauthorisedGrader(roles, e, `closure on ${formatDate(e.occurredAt)}`, "recorded");
      notes.push(`${unauthorised}: ${deliveryName(e.delivery, rule.forms)} stays open`);
      continue;
    }
    found.set(e.delivery, e);
  }
  return found;
}

/** "delivery acme-2026-10 of gitlab-basics-training-survey" / "the delivery of the form on 2026-03-01". */
function nameOf(rule: RatingRule, d: Delivery): string {
  return d.name !== undefined
    ? deliveryName(d.name, rule.forms)
    : `the delivery of the form on ${formatDate(d.forms[0]?.occurredAt ?? "")}`;
}

/**
 * Judges a delivery if it is complete (rule.delivery): with a closure, every form once an authorised grader
 * closed it (and at least minForms are in); without, the first minForms forms. Else says what it waits for.
 */
function judge(rule: RatingRule, d: Delivery, closure: Closure | undefined, notes: string[]): Judged | string {
  const { minForms } = rule.delivery;
  const count = d.forms.length;
  if (rule.delivery.closure !== undefined) {
    const closed = closure === undefined ? "not closed yet" : "closed";
    if (closure === undefined || count < minForms) {
      const forms = count < minForms ? `${count} of ${minForms} forms` : plural(count, "form");
      const why = d.name === undefined ? ", and a form without a delivery id can never be closed" : "";
      return `waiting for ${nameOf(rule, d)} to be complete (${forms}, ${closed}${why})`;
    }
    const at = [...d.forms.map((f) => f.occurredAt), closure.occurredAt].sort((a, b) => instant(a) - instant(b)).at(-1);
    return { forms: d.forms, closure, average: averageOf(d.forms), at: at ?? closure.occurredAt };
  }
  if (count < minForms) {
    return `waiting for ${nameOf(rule, d)} to be complete (${count} of ${minForms} forms)`;
  }
  const judged = d.forms.slice(0, minForms);
  for (const late of d.forms.slice(minForms)) {
    const on = `rating on ${formatDate(late.occurredAt)} (${late.form})`;
    notes.push(`${on} does not count: ${nameOf(rule, d)} was complete with ${plural(minForms, "form")}`);
  }
  const last = judged.at(-1) as Form;
  return { forms: judged, closure: undefined, average: averageOf(judged), at: last.occurredAt };
}

/**
 * Why a delivery does not count under the rule's filters, or undefined: it is judged whole, so it counts only when
 * every form of it falls in the window (after the rule named by `after` was met, within `withinMonths`); a delivery
 * partly before is never judged on its later forms alone.
 */
function outsideOf(rule: RatingRule, ctx: EvalContext, window: EvidenceWindow, d: Delivery): string | undefined {
  const outside = d.forms.filter((f) => outsideWindow(rule, ctx, window, f.occurredAt) !== undefined);
  const why = outside[0] === undefined ? undefined : outsideWindow(rule, ctx, window, outside[0].occurredAt);
  if (why === undefined) {
    return undefined;
  }
  if ("spent" in why) {
    return `${nameOf(rule, d)} does not count: ${why.spent}`;
  }
  const dates = [...new Set(outside.map((f) => formatDate(f.occurredAt)))].join(", ");
  const forms = outside.length === 1 ? "its form on" : "its forms on";
  return `${nameOf(rule, d)} does not count: ${forms} ${dates} ${outside.length === 1 ? "was" : "were"} ${why.dated}`;
}

/**
 * rating: each complete delivery is judged on its own (the mean of every rating on its judged forms, same
 * scale, by authorised graders), and only as a whole: a delivery counts when every form of it passes the filters;
 * met at the first complete delivery whose mean ≥ minAverage. A delivery still open is judged on nothing: it only
 * says what it waits for. A poor delivery neither drags down nor is rescued by another one.
 */
export function evaluateRating(rule: RatingRule, ctx: EvalContext): RuleReport {
  const forms = ctx.evidence.filter((e): e is Form => e.kind === "rating" && rule.forms.includes(e.form));
  const window = evidenceWindow(rule, ctx, forms, "rating");
  if ("blocked" in window) {
    return window.blocked;
  }
  const notes: string[] = [];
  const counted = forms.filter((r) => {
    if (r.scale === rule.scale && r.ratings.length > 0 && authorisedGrader(rule.graderRoles, r)) {
      return true;
    }
    // the form's words are made only for a note
    const on = `rating on ${formatDate(r.occurredAt)} (${r.form})`;
    if (r.scale !== rule.scale) {
      notes.push(`${on} does not count: on a scale of ${r.scale}, not ${rule.scale}`);
      return false;
    }
    if (r.ratings.length === 0) {
      notes.push(`${on} does not count: it has no ratings`);
      return false;
    }
    const unauthorised = unauthorisedGrader(rule.graderRoles, r, on, "submitted");
    if (unauthorised !== undefined) {
      notes.push(unauthorised);
      return false;
    }
    return true;
  });
  const groups = deliveries(counted).filter((d) => {
    const outside = outsideOf(rule, ctx, window, d);
    if (outside !== undefined) {
      notes.push(outside);
    }
    return outside === undefined;
  });
  const named = new Set(groups.flatMap((d) => (d.name === undefined ? [] : [d.name])));
  const closures = closuresOf(rule, ctx, named, notes);
  const judged: Judged[] = [];
  const open: string[] = [];
  for (const d of groups) {
    const outcome = judge(rule, d, d.name === undefined ? undefined : closures.get(d.name), notes);
    if (typeof outcome === "string") {
      open.push(outcome);
    } else {
      judged.push(outcome);
    }
  }
  judged.sort((a, b) => instant(a.at) - instant(b.at));
  const passed = judged.find((d) => d.average + EPSILON >= rule.minAverage);
  if (passed !== undefined) {
    const evidence = [...passed.forms.map((f) => f.id), ...(passed.closure ? [passed.closure.id] : [])];
    return report(rule, { status: "met", metAt: passed.at, evidence, notes });
  }
  const by = graderWords(rule.graderRoles, "submitted");
  const needs = `needs an average of at least ${rule.minAverage} out of ${rule.scale} on ${rule.forms.join(", ")}${by}`;
  const best = judged.reduce<Judged | undefined>(
    (b, d) => (b === undefined || d.average > b.average ? d : b),
    undefined,
  );
  const status = [
    ...(best === undefined
      ? []
      : [
          `best average is ${formatShortOf(best.average, rule.minAverage)} over ${plural(best.forms.length, "form")} on ${formatDate(best.at)}`,
        ]),
    ...open,
  ];
  const said = status.length > 0 ? status.join("; ") : `no rating yet${scopeWords(rule, ctx)}`;
  return report(rule, { status: "not-met", missing: `${needs}, ${said}`, notes });
}
