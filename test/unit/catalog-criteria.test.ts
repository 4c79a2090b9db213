import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CatalogError, parseCatalog } from "../../src/domain/catalog/parse-catalog.js";

/** A definition file whose `criteria.rule` is the given YAML (indented under `rule:`). */
const definition = (id: string, rule: string, extra = "") => `id: ${id}
name: Demo ${id}
description: Shows the criteria checks.
program: Demo Program
level: specialist
criteria:
  narrative: Meet the rule.
  rule:
${rule
  .trim()
  .split("\n")
  .map((line) => `    ${line}`)
  .join("\n")}
${extra}`;

/** A written + lab rule, optionally requiring other certifications. */
const writtenAndLab = (...prerequisites: string[]) => `type: all
id: requirements
of:
${prerequisites.map((cert) => `  - { type: prerequisite, id: prereq-${cert}, certification: ${cert} }`).join("\n")}
  - { type: assessment, id: written, assessment: demo-written, passMark: 80 }
  - { type: assessment, id: lab, assessment: demo-lab, graderRoles: [ps-engineer], after: written }`;

const file = (name: string, text: string) => ({ name: `templates/achievements/${name}`, text });

/** The message of the CatalogError that parsing throws (fails the test if it does not throw one). */
function errorOf(files: Array<{ name: string; text: string }>): string {
  try {
    parseCatalog(files);
  } catch (error) {
    expect(error).toBeInstanceOf(CatalogError);
    return (error as Error).message;
  }
  throw new Error("expected parseCatalog to throw a CatalogError");
}

/** The shipped definition files, to break one of them on purpose. */
const shipped = () => {
  const dir = "templates/achievements";
  return readdirSync(dir)
    .filter((n) => n.endsWith(".yaml"))
    .sort()
    .map((n) => ({ name: join(dir, n), text: readFileSync(join(dir, n), "utf8") }));
};

describe("catalog criteria checks: a bad rule stops parsing, naming the file and the rule", () => {
  it("accepts sound criteria across files", () => {
    const catalog = parseCatalog([
      file("base.yaml", definition("demo-base", writtenAndLab())),
      file("next.yaml", definition("demo-next", writtenAndLab("demo-base"))),
    ]);
    expect(catalog.get("demo-next")?.criteria.rule).toMatchObject({ type: "all", id: "requirements" });
  });

  it("rejects a prerequisite naming no certification of the catalog", () => {
    const message = errorOf([file("next.yaml", definition("demo-next", writtenAndLab("nope")))]);
    expect(message).toBe('templates/achievements/next.yaml: rule prereq-nope: unknown certification "nope"');
  });

  it("names the variant of a parameterised definition with an unknown prerequisite", () => {
    const files = shipped().map((f) =>
      f.name.endsWith("gitlab-certified-trainer.yaml")
        ? {
            ...f,
            text: f.text.replace(
              "endUserCertification: gitlab-certified-cicd-specialist",
              "endUserCertification: nope",
            ),
          }
        : f,
    );
    expect(errorOf(files)).toBe(
      'templates/achievements/gitlab-certified-trainer.yaml (variant 1: gitlab-cicd): rule prereq-end-user-certification: unknown certification "nope"',
    );
  });

  it("rejects a prerequisite cycle across files, naming the cycle", () => {
    const message = errorOf([
      file("a.yaml", definition("demo-a", writtenAndLab("demo-b"))),
      file("b.yaml", definition("demo-b", writtenAndLab("demo-c"))),
      file("c.yaml", definition("demo-c", writtenAndLab("demo-a"))),
    ]);
    expect(message).toMatch(/^templates\/achievements\/a\.yaml: rule prereq-demo-b: prerequisite cycle /);
    expect(message).toContain("demo-a → demo-b → demo-c → demo-a");
    expect(message).toContain("demo-b is defined in templates/achievements/b.yaml");
    expect(message.split("\n")).toHaveLength(1);
  });

  it("rejects a certification that requires itself", () => {
    expect(errorOf([file("a.yaml", definition("demo-a", writtenAndLab("demo-a")))])).toBe(
      "templates/achievements/a.yaml: rule prereq-demo-a: prerequisite cycle demo-a → demo-a",
    );
  });

  it("rejects a cycle introduced into the shipped catalog (Associate requiring the DevOps Professional)", () => {
    const files = shipped().map((f) =>
      f.name.endsWith("gitlab-certified-associate.yaml")
        ? {
            ...f,
            text: f.text.replace(
              "    of:\n",
              "    of:\n      - { type: prerequisite, id: prereq-professional, certification: gitlab-certified-devops-professional }\n",
            ),
          }
        : f,
    );
    const message = errorOf(files);
    expect(message).toMatch(/^templates\/achievements\/gitlab-certified-associate\.yaml: rule prereq-professional: /);
    expect(message).toContain(
      "gitlab-certified-associate → gitlab-certified-devops-professional → gitlab-certified-cicd-specialist → gitlab-certified-associate",
    );
  });

  it("rejects a rule id used twice in one definition", () => {
    const rule = writtenAndLab().replace("id: lab", "id: written").replace(", after: written", "");
    const message = errorOf([file("demo.yaml", definition("demo-a", rule))]);
    expect(message).toBe('templates/achievements/demo.yaml: rule written: duplicate rule id "written"');
  });

  it("rejects `after` naming no rule of the definition", () => {
    const rule = writtenAndLab().replace("after: written", "after: nope");
    const message = errorOf([file("demo.yaml", definition("demo-a", rule))]);
    expect(message).toMatch(/^templates\/achievements\/demo\.yaml: rule lab: .*nope/);
  });

  it("rejects `retakeRequires` naming no rule of the definition", () => {
    const rule = writtenAndLab().replace("passMark: 80 }", "passMark: 80, retakeRequires: nope }");
    const message = errorOf([file("demo.yaml", definition("demo-a", rule))]);
    expect(message).toMatch(/^templates\/achievements\/demo\.yaml: rule written: .*nope/);
  });

  it.each([
    [
      "a pass mark of 150 %",
      writtenAndLab().replace("passMark: 80", "passMark: 150"),
      "rule written: criteria.rule.of.0.passMark: Too big",
    ],
    [
      "a minimum average above the scale",
      `type: all
id: requirements
of:
  - { type: assessment, id: written, assessment: demo-written, passMark: 80 }
  - { type: rating, id: observed, forms: [observation-form], minAverage: 6, scale: 5, delivery: { minForms: 1 } }`,
      "rule observed: criteria.rule.of.1.minAverage: minAverage cannot exceed the scale",
    ],
    [
      "a rating that does not say when a delivery is complete",
      `type: all
id: requirements
of:
  - { type: rating, id: observed, forms: [observation-form], minAverage: 4, scale: 5 }`,
      "rule observed: criteria.rule.of.0.delivery: must say when a delivery is complete",
    ],
    [
      "a delivery complete with no form",
      `type: all
id: requirements
of:
  - { type: rating, id: observed, forms: [observation-form], minAverage: 4, scale: 5, delivery: { minForms: 0 } }`,
      "rule observed: criteria.rule.of.0.delivery.minForms: Too small",
    ],
    [
      "at least 3 of 2 rules",
      `type: atLeast
id: two-of
n: 3
of:
  - { type: completion, id: a, completion: task, item: a }
  - { type: completion, id: b, completion: task, item: b }`,
      "rule two-of: criteria.rule.n: n cannot exceed the number of rules",
    ],
    [
      "a nested rule of an unknown kind",
      `type: all
id: requirements
of:
  - type: any
    id: options
    of:
      - { type: quiz, id: quiz }`,
      'rule quiz: criteria.rule.of.0.of.0.type: must be one of "all", "any", "atLeast", "assessment"',
    ],
    [
      "an unknown field on a rule",
      writtenAndLab().replace("passMark: 80", "passMark: 80, passmark: 80"),
      'rule written: criteria.rule.of.0: Unrecognized key: "passmark"',
    ],
    [
      "a rule id that is not a slug",
      writtenAndLab().replace("id: lab", "id: Lab Exam"),
      "rule Lab Exam: criteria.rule.of.1.id: must be a lowercase slug",
    ],
  ])("rejects %s at the rule's path", (_label, rule, expected) => {
    const message = errorOf([file("demo.yaml", definition("demo-a", rule))]);
    expect(message).toMatch(/^templates\/achievements\/demo\.yaml: /);
    expect(message).toContain(expected);
  });

  it("reports every problem of the catalog at once, one per line", () => {
    const message = errorOf([
      file("a.yaml", definition("demo-a", writtenAndLab("nope"))),
      file("b.yaml", definition("demo-b", writtenAndLab("demo-b"))),
    ]);
    expect(message.split("\n")).toEqual([
      'templates/achievements/a.yaml: rule prereq-nope: unknown certification "nope"',
      "templates/achievements/b.yaml: rule prereq-demo-b: prerequisite cycle demo-b → demo-b",
    ]);
  });
});

describe("the catalog's item index", () => {
  const rating = (id: string, form: string, scale: number, delivery = "{ minForms: 1 }") => `type: all
id: requirements
of:
  - { type: rating, id: ${id}, forms: [${form}], minAverage: 4, scale: ${scale}, delivery: ${delivery} }`;

  it("rejects a form rated on two scales, naming both places", () => {
    const message = errorOf([
      file("a.yaml", definition("demo-a", rating("observed", "observation-form", 5))),
      file("b.yaml", definition("demo-b", rating("watched", "observation-form", 10))),
    ]);
    expect(message).toBe(
      'templates/achievements/b.yaml: rule watched: form "observation-form" is rated on a scale of 10, another scale than in templates/achievements/a.yaml: rule observed',
    );
  });

  it("rejects a form whose deliveries are complete at different points in two rules", () => {
    const message = errorOf([
      file("a.yaml", definition("demo-a", rating("observed", "survey", 5))),
      file("b.yaml", definition("demo-b", rating("watched", "survey", 5, "{ minForms: 1, closure: {} }"))),
    ]);
    expect(message).toMatch(
      /b\.yaml: rule watched: form "survey" has other delivery completion settings than in .*a\.yaml/,
    );
  });
});

describe("assessments graded two ways", () => {
  it("rejects an assessment scored in one rule and graded pass/fail in another", () => {
    const scored = `type: all
id: requirements
of:
  - { type: assessment, id: exam, assessment: shared-exam, passMark: 80 }`;
    const passFail = scored.replace(", passMark: 80", "");
    const message = errorOf([
      file("a.yaml", definition("demo-a", scored)),
      file("b.yaml", definition("demo-b", passFail)),
    ]);
    expect(message).toBe(
      'templates/achievements/b.yaml: rule exam: assessment "shared-exam" is graded pass/fail here, graded otherwise than in templates/achievements/a.yaml: rule exam',
    );
  });
});
