import { MODE_WORDS } from "../../domain/criteria/decision.js";
import type { Rule } from "../../domain/criteria/rule-schema.js";
import { aGraderRole } from "../../domain/grader-roles.js";

/**
 * A certification's machine rule in plain words, as a nested list: what the awarding engine checks, so a
 * reader can see that the narrative and the rule agree. Nothing internal is printed: assessments are named by
 * their certification ("the GitLab Certified Associate written exam"), grader roles in words, and items and forms
 * by the rule's own label (the catalog's words), or spelt out as words when a rule has none.
 */

/** What the words need from the catalog. */
export type RuleNames = {
  /** A certification's name by id. */
  certification: (id: string) => string | undefined;
  /** An assessment by id, as "the <certification> written exam". */
  assessment: (id: string) => string;
};

const COMPLETION_WORDS: Record<string, string> = {
  task: "task",
  workshop: "workshop",
  course: "course",
  "learning-path": "learning path",
  shadowing: "shadowing of",
  delivery: "delivery of",
  review: "review of",
};

/** "gitlab-basics-trainer-resources" → "gitlab basics trainer resources": an id as words, when nothing names it. */
function spelt(id: string): string {
  return id.replace(/[-_.]+/g, " ").trim();
}

function ruleOf(all: Rule, id: string): Rule | undefined {
  let found: Rule | undefined;
  const walk = (r: Rule) => {
    if (r.id === id) {
      found ??= r;
    }
    if ("of" in r) {
      r.of.forEach(walk);
    }
  };
  walk(all);
  return found;
}

function labelOf(all: Rule, id: string): string {
  const found = ruleOf(all, id);
  return found?.label ?? spelt(found?.id ?? id);
}

function filters(rule: { after?: string; withinMonths?: number }, root: Rule): string {
  const parts: string[] = [];
  if (rule.after) {
    // A certification (or a group of them) is earned; another criterion is met.
    const target = ruleOf(root, rule.after);
    const certifications =
      target?.type === "prerequisite" ||
      (target !== undefined && "of" in target && target.of.every((r) => r.type === "prerequisite"));
    const label = labelOf(root, rule.after);
    parts.push(
      certifications
        ? `only counting when taken after “${label}” ${target?.type === "prerequisite" ? "was" : "were"} earned`
        : `only counting once “${label}” is met`,
    );
  }
  if (rule.withinMonths) {
    parts.push(`within the last ${rule.withinMonths} months`);
  }
  return parts.length ? `, ${parts.join(", ")}` : "";
}

/** ", graded by a Professional Services engineer" ("" when any submitter counts). */
function graders(roles: readonly string[] | undefined, verb: string): string {
  return roles ? `, ${verb} by ${roles.map(aGraderRole).join(" or ")}` : "";
}

function sentence(rule: Rule, root: Rule, names: RuleNames): string {
  switch (rule.type) {
    case "all":
      return "All of the following:";
    case "any":
      return "Any one of the following:";
    case "atLeast":
      return `At least ${rule.n} of the following ${rule.of.length}:`;
    case "assessment": {
      const mark =
        rule.passMark !== undefined ? ` with a score of ${rule.passMark} % or more` : " (graded pass or fail)";
      const retake = rule.retakeRequires
        ? `. After a failed attempt, “${labelOf(root, rule.retakeRequires)}” must be met again before a new attempt counts`
        : "";
      return `Pass ${names.assessment(rule.assessment)}${mark}${graders(rule.graderRoles, "graded")}${filters(rule, root)}${retake}.`;
    }
    case "completion": {
      const mode = rule.mode ? `, ${MODE_WORDS[rule.mode]}` : "";
      const by = graders(rule.graderRoles, "recorded");
      // The label names the item; without one, the item's id is spelt out.
      return rule.label
        ? `A recorded completion${mode}${by}${filters(rule, root)}.`
        : `Complete the ${COMPLETION_WORDS[rule.completion] ?? rule.completion} “${spelt(rule.item)}”${mode}${by}${filters(rule, root)}.`;
    }
    case "rating": {
      const { minForms, closure } = rule.delivery;
      const forms = minForms === 1 ? "its first form" : `its first ${minForms} forms`;
      const closer = closure?.graderRoles ? closure.graderRoles.map(aGraderRole).join(" or ") : "a grader";
      const atLeast = minForms === 1 ? "" : `, with at least ${minForms} forms,`;
      const complete = closure ? `once ${closer} has closed it${atLeast} (on every form of it)` : `on ${forms}`;
      const on = rule.label ? "" : ` on ${rule.forms.map((f) => `“${spelt(f)}”`).join(" and ")}`;
      return (
        `An average rating of at least ${rule.minAverage} out of ${rule.scale}${on}${graders(rule.graderRoles, "submitted")}` +
        `; forms of one delivery are averaged together, and a delivery is judged ${complete}${filters(rule, root)}.`
      );
    }
    case "prerequisite":
      return "Hold";
  }
}

function RuleItem(props: { rule: Rule; root: Rule; names: RuleNames }) {
  const { rule } = props;
  const text = sentence(rule, props.root, props.names);
  return (
    <li>
      {rule.label && rule.type !== "prerequisite" ? <strong class="rule__label">{rule.label}. </strong> : null}
      <span>{text}</span>
      {rule.type === "prerequisite" ? (
        <>
          {" "}
          <a href={`/achievements/${encodeURIComponent(rule.certification)}`}>
            {props.names.certification(rule.certification) ?? spelt(rule.certification)}
          </a>
          , currently valid (not expired, revoked or suspended).
        </>
      ) : null}
      {"of" in rule ? (
        <ul>
          {rule.of.map((child) => (
            <RuleItem rule={child} root={props.root} names={props.names} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

export function RuleWords(props: { rule: Rule; names: RuleNames }) {
  return (
    <ul class="rule">
      <RuleItem rule={props.rule} root={props.rule} names={props.names} />
    </ul>
  );
}

/** Where `id` is in `root`, with what `RuleWords` says of it (one line, its label first): the console's progress tree. */
export function ruleInWords(root: Rule, id: string, names: RuleNames): string | undefined {
  const rule = ruleOf(root, id);
  if (!rule) {
    return undefined;
  }
  if (rule.type === "prerequisite") {
    const name = names.certification(rule.certification) ?? spelt(rule.certification);
    return `Hold ${name}, currently valid (not expired, revoked or suspended).`;
  }
  const text = sentence(rule, root, names);
  return rule.label ? `${rule.label}. ${text}` : text;
}
