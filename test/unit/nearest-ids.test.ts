import { describe, expect, it } from "vitest";
import { editDistance, nearestIds } from "../../src/domain/catalog/nearest-ids.js";

describe("nearest known ids", () => {
  it.each([
    ["", "", 0],
    ["abc", "", 3],
    ["", "abc", 3],
    ["gitlab-asociate-written", "gitlab-associate-written", 1],
    ["kitten", "sitting", 3],
    ["agile-managment", "agile-management", 1],
  ])("editDistance(%j, %j) = %i", (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });

  it("lists the nearest first, ties alphabetically, at most `count`", () => {
    const known = [
      "gitlab-associate-lab",
      "gitlab-associate-written",
      "migration-assessment",
      "gitlab-cicd-specialist-written",
    ];
    expect(nearestIds("gitlab-asociate-written", known)).toEqual([
      "gitlab-associate-written",
      "gitlab-associate-lab",
      "gitlab-cicd-specialist-written",
    ]);
    expect(nearestIds("b", ["c", "a"], 1)).toEqual(["a"]);
    expect(nearestIds("x", [])).toEqual([]);
  });
});
