/**
 * Grader roles as people read them. A role is a code on an API key (`--grader-role ps-engineer`) and in criteria
 * (`graderRoles: [ps-engineer]`); public pages and evidence narratives say who graded in words instead.
 */
const GRADER_ROLE_NAMES: Record<string, string> = {
  "ps-engineer": "Professional Services engineer",
  "pse-migration-engineer": "Professional Services migration engineer",
  "certified-trainer": "certified trainer",
  trainer: "trainer",
  observer: "observer",
};

/** Whether a role code has a name for people (the catalog check uses it: every role a rule names must have one). */
export function hasGraderRoleName(code: string): boolean {
  return Object.hasOwn(GRADER_ROLE_NAMES, code);
}

/** "ps-engineer" → "Professional Services engineer"; an unknown code is spelt out as words ("lab-reviewer" → "lab reviewer"). */
export function graderRoleName(code: string): string {
  // own keys only: a code such as "constructor" must not read Object.prototype's
  return hasGraderRoleName(code) ? (GRADER_ROLE_NAMES[code] as string) : code.replace(/[-_.]+/g, " ").trim();
}

/** "a Professional Services engineer", "an observer". */
export function aGraderRole(code: string): string {
  const name = graderRoleName(code);
  return `${/^[aeiou]/i.test(name) ? "an" : "a"} ${name}`;
}
