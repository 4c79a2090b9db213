import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EvidenceInputSchema } from "../../src/http/routes/admin/evidence-schemas.js";
import { adminPost } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp({ now: new Date("2026-03-10T12:00:00Z") });
});
afterEach(() => t.close());

/** The README's evidence examples: the JSON block after "record **evidence**", one record per `{` at a line start. */
function readmeEvidenceExamples(): Array<Record<string, unknown>> {
  const readme = readFileSync("README.md", "utf8");
  const section = readme.slice(readme.indexOf("record **evidence**"));
  const block = section.split("```json\n")[1]?.split("```")[0] ?? "";
  return block
    .trim()
    .split(/\n(?=\{)/)
    .map((record) => JSON.parse(record) as Record<string, unknown>);
}

describe("the README's evidence examples", () => {
  it("show every kind, and each is accepted as written", async () => {
    const examples = readmeEvidenceExamples();
    // every kind the API accepts, read from its schema: a new kind cannot go without its example
    const kinds = EvidenceInputSchema.options.map((option) => option.shape.kind.value);
    expect(new Set(examples.map((e) => e.kind))).toEqual(new Set(kinds));
    for (const example of examples) {
      const res = await adminPost(t, "/admin/evidence", example);
      expect(res.status, JSON.stringify(example)).toBe(201);
    }
  });
});
