import { describe, expect, it } from "vitest";
import { prepareEvidence } from "../../src/domain/criteria/evaluate.js";
import type { Evidence } from "../../src/domain/criteria/types.js";

const record = (id: string, occurredAt: string, supersedes?: string): Evidence => ({
  id,
  kind: "assessment",
  item: "gitlab-associate-written",
  occurredAt,
  score: 90,
  ...(supersedes ? { supersedes } : {}),
});

describe("prepareEvidence (prepared once per array and instant)", () => {
  it("drops superseded and future records, sorts by date then id, and answers again for another instant", () => {
    const evidence = [
      record("c", "2026-03-03T00:00:00Z"),
      record("b", "2026-03-01T00:00:00+02:00"),
      record("a", "2026-03-01T00:00:00Z", "b"),
      record("d", "2026-03-10T00:00:00Z"),
    ];
    const early = Date.parse("2026-03-05T00:00:00Z");
    expect(prepareEvidence(evidence, early).map((e) => e.id)).toEqual(["a", "c"]);
    // the same array asked again at the same instant: the same answer
    expect(prepareEvidence(evidence, early).map((e) => e.id)).toEqual(["a", "c"]);
    // later, the record dated then counts too (the instant is part of what is remembered)
    expect(prepareEvidence(evidence, Date.parse("2026-03-11T00:00:00Z")).map((e) => e.id)).toEqual(["a", "c", "d"]);
    expect(prepareEvidence(evidence, early).map((e) => e.id)).toEqual(["a", "c"]);
  });
});
