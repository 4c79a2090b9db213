import { describe, expect, it } from "vitest";
import { recordableCriteria } from "../../src/domain/criteria/recordable.js";
import { loadCatalog } from "../../src/load-templates.js";

const catalog = loadCatalog("templates");

describe("recordableCriteria: the console's forms, read from each definition's rule", () => {
  it("gives every assessment, completed item and form the catalog knows a form, graded as the catalog grades it", () => {
    const assessments = new Map<string, number | undefined>();
    const completions = new Set<string>();
    const forms = new Set<string>();
    const closures = new Set<string>();
    for (const entry of catalog.entries) {
      if (!entry.criteria.rule) {
        continue;
      }
      const criteria = recordableCriteria(entry.criteria.rule);
      const keys = criteria.map((c) => c.key);
      expect(new Set(keys).size, entry.id).toBe(keys.length);
      for (const c of criteria) {
        if (c.kind === "assessment") {
          assessments.set(c.assessment, c.passMark);
        } else if (c.kind === "completion") {
          completions.add(c.item);
        } else if (c.kind === "rating") {
          for (const f of c.forms) {
            forms.add(f);
          }
        } else if (c.kind === "closure") {
          for (const f of c.forms) {
            closures.add(f);
          }
        }
      }
    }
    expect([...assessments.keys()].sort()).toEqual([...catalog.items.assessments.keys()].sort());
    for (const [id, passMark] of assessments) {
      expect(passMark === undefined, id).toBe(catalog.items.assessments.get(id)?.passMark === undefined);
    }
    expect([...completions].sort()).toEqual([...catalog.items.completions.keys()].sort());
    expect([...forms].sort()).toEqual([...catalog.items.forms.keys()].sort());
    const closed = [...catalog.items.forms].filter(([, f]) => f.delivery.closure).map(([id]) => id);
    expect([...closures].sort()).toEqual(closed.sort());
  });

  it("reads the trainer's Candidate Observation Form and Training Survey with their scale, delivery and grader roles", () => {
    const rule = catalog.get("certified-trainer-gitlab-basics")?.criteria.rule;
    if (!rule) {
      throw new Error("catalog");
    }
    const criteria = recordableCriteria(rule);
    expect(criteria.find((c) => c.key === "observed-subset-delivery")).toMatchObject({
      kind: "rating",
      forms: ["gitlab-basics-candidate-observation-form"],
      scale: 5,
      minAverage: 4,
      graderRoles: ["certified-trainer"],
    });
    expect(criteria.find((c) => c.key === "training-survey")).toMatchObject({
      kind: "rating",
      forms: ["gitlab-basics-training-survey"],
      delivery: { minForms: 1, closure: { graderRoles: ["certified-trainer"] } },
    });
    expect(criteria.find((c) => c.key === "close:training-survey")).toMatchObject({
      kind: "closure",
      ruleId: "training-survey",
      graderRoles: ["certified-trainer"],
    });
    expect(criteria.map((c) => c.kind)).toContain("prerequisite");
  });
});
