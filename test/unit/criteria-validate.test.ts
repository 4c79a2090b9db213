import { describe, expect, it } from "vitest";
import type { Rule } from "../../src/domain/criteria/rule-schema.js";
import { prerequisitesOf, validateRule } from "../../src/domain/criteria/validate-rule.js";

const written: Rule = { type: "assessment", id: "written", assessment: "w", passMark: 80 };
const path: Rule = { type: "completion", id: "path", completion: "learning-path", item: "lp" };
const lab = (after: string): Rule => ({ type: "assessment", id: "lab", assessment: "l", after });

describe("validateRule", () => {
  it("accepts a sound tree", () => {
    const exam: Rule = { type: "assessment", id: "exam", assessment: "x", passMark: 80, retakeRequires: "path" };
    const rule: Rule = {
      type: "all",
      id: "root",
      of: [
        path,
        exam,
        written,
        lab("written"),
        {
          type: "any",
          id: "dry",
          of: [
            { ...path, id: "live", after: "exam" },
            { ...path, id: "rec", after: "dry-alt" },
          ],
        },
        { type: "completion", id: "dry-alt", completion: "delivery", item: "d", after: "path" },
        { type: "prerequisite", id: "assoc", certification: "gitlab-certified-associate" },
      ],
    };
    expect(validateRule(rule)).toEqual([]);
  });

  it.each<{ name: string; rule: Rule; ruleId: string; message: RegExp }>([
    {
      name: "a duplicate id",
      rule: { type: "all", id: "root", of: [written, { ...path, id: "written" }] },
      ruleId: "written",
      message: /duplicate rule id "written"/,
    },
    {
      name: "after naming an unknown rule",
      rule: { type: "all", id: "root", of: [written, lab("writen")] },
      ruleId: "lab",
      message: /after names unknown rule "writen"/,
    },
    {
      name: "retakeRequires naming an unknown rule",
      rule: { type: "all", id: "root", of: [path, { ...written, retakeRequires: "paths" }] },
      ruleId: "written",
      message: /retakeRequires names unknown rule "paths"/,
    },
    {
      name: "retakeRequires naming a non-completion rule",
      rule: { type: "all", id: "root", of: [lab("written"), { ...written, retakeRequires: "lab" }] },
      ruleId: "written",
      message: /must name a completion rule, but "lab" is a assessment rule/,
    },
    {
      name: "after naming the rule itself",
      rule: { type: "all", id: "root", of: [written, lab("lab")] },
      ruleId: "lab",
      message: /refers to the rule itself/,
    },
    {
      name: "after naming its parent",
      rule: { type: "all", id: "root", of: [written, lab("root")] },
      ruleId: "lab",
      message: /its ancestor "root"/,
    },
    {
      name: "after naming a grandparent",
      rule: { type: "all", id: "root", of: [{ type: "any", id: "mid", of: [lab("root")] }] },
      ruleId: "lab",
      message: /its ancestor "root"/,
    },
    {
      name: "a cyclic after chain",
      rule: { type: "all", id: "root", of: [{ ...written, after: "lab" }, lab("written")] },
      ruleId: "lab",
      message: /cyclic: lab → written → lab/,
    },
    {
      name: "a cycle through a composite",
      rule: {
        type: "all",
        id: "root",
        of: [{ type: "any", id: "group", of: [{ ...path, after: "lab" }] }, lab("group")],
      },
      ruleId: "lab",
      message: /cyclic: lab → group → path → lab/,
    },
  ])("detects $name", ({ rule, ruleId, message }) => {
    const problems = validateRule(rule);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.find((p) => p.ruleId === ruleId)?.message).toMatch(message);
  });

  it("reports each rule of a cycle", () => {
    const rule: Rule = { type: "all", id: "root", of: [{ ...written, after: "lab" }, lab("written")] };
    expect(validateRule(rule).map((p) => p.ruleId)).toEqual(["written", "lab"]);
  });
});

describe("prerequisitesOf", () => {
  it("lists each prerequisite certification once, in order", () => {
    const prereq = (id: string, certification: string): Rule => ({ type: "prerequisite", id, certification });
    const rule: Rule = {
      type: "all",
      id: "root",
      of: [
        prereq("a", "cicd"),
        { type: "atLeast", id: "n", n: 1, of: [prereq("b", "pm"), prereq("c", "cicd")] },
        written,
      ],
    };
    expect(prerequisitesOf(rule)).toEqual(["cicd", "pm"]);
    expect(prerequisitesOf(written)).toEqual([]);
  });
});
