import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { csvCell, looksLikeFormula } from "../../src/domain/jobs/csv-write.js";
import { parseJobInput } from "../../src/domain/jobs/parse-input.js";
import { type ResultRow, resultsCsv, resultsCsvLines, resultsJson } from "../../src/domain/jobs/results-file.js";
import { templateCsv, templateFileName } from "../../src/domain/jobs/template.js";
import { loadCatalog } from "../../src/load-templates.js";

const rows: ResultRow[] = [
  {
    line: 2,
    externalId: "c-1",
    outcome: "issued",
    credentials: [
      {
        id: "0b4f8a9e-5c1d-4f3e-9a7b-2c6d8e1f0a3b",
        url: "https://badges.test/credentials/0b4f8a9e-5c1d-4f3e-9a7b-2c6d8e1f0a3b",
      },
    ],
  },
  {
    line: 3,
    externalId: '=HYPERLINK("http://evil.example","x")',
    outcome: "failed",
    error: { column: "name", reason: "looks like a spreadsheet formula" },
  },
  { line: 4, externalId: "+1", outcome: "failed", error: { column: null, reason: "-has, a comma" } },
  { line: 5, externalId: "@SUM(A1)", outcome: "duplicate" },
  { line: 6, externalId: "\t=1", outcome: "skipped" },
  {
    line: 7,
    externalId: null,
    outcome: "recorded",
    credentials: [
      { id: "a", url: "u-a" },
      { id: "b", url: "u-b" },
    ],
  },
];

describe("results file", () => {
  it("has the header and exactly one line per input row, in order, with each row's outcome", () => {
    const csv = resultsCsv(rows);
    const table = parse(csv, { relax_column_count: false }) as string[][];
    expect(table[0]).toEqual(["line", "externalId", "outcome", "credentialId", "credentialUrl", "error"]);
    expect(table).toHaveLength(1 + rows.length);
    expect(table.slice(1).map((r) => r[0])).toEqual(["2", "3", "4", "5", "6", "7"]);
    expect(table[1]).toEqual([
      "2",
      "c-1",
      "issued",
      "0b4f8a9e-5c1d-4f3e-9a7b-2c6d8e1f0a3b",
      "https://badges.test/credentials/0b4f8a9e-5c1d-4f3e-9a7b-2c6d8e1f0a3b",
      "",
    ]);
    expect(table[6]).toEqual(["7", "", "recorded", "a b", "u-a u-b", ""]);
    expect(csv.endsWith("\r\n")).toBe(true);
    expect([...resultsCsvLines(rows)]).toHaveLength(1 + rows.length);
  });

  it("neutralises every cell that looks like a formula, so a spreadsheet runs nothing", () => {
    const table = parse(resultsCsv(rows)) as string[][];
    const cells = table.flat();
    expect(cells.filter(looksLikeFormula)).toEqual([]);
    expect(table[2]?.[1]).toBe(`'=HYPERLINK("http://evil.example","x")`);
    expect(table[2]?.[5]).toBe("name: looks like a spreadsheet formula");
    expect(table[3]?.[1]).toBe("'+1");
    expect(table[3]?.[5]).toBe("'-has, a comma");
    expect(table[4]?.[1]).toBe("'@SUM(A1)");
    expect(table[5]?.[1]).toBe("'\t=1");
    expect(csvCell(" =1")).toBe(`"' =1"`);
    expect(csvCell(-5)).toBe("-5");
  });

  it("gives the same rows as JSON, values as they are", () => {
    expect(resultsJson(rows.slice(1, 2))).toEqual({
      results: [
        {
          line: 3,
          externalId: '=HYPERLINK("http://evil.example","x")',
          outcome: "failed",
          credentials: [],
          error: { column: "name", reason: "looks like a spreadsheet formula" },
        },
      ],
    });
  });
});

async function parsed(text: string, kind: "awards" | "evidence") {
  const out = [];
  for await (const row of parseJobInput([new TextEncoder().encode(text)], { kind, format: "csv" })) {
    out.push(row);
  }
  return out;
}

describe("template files", () => {
  it("name every column of the kind and give an example row that is a valid job file", async () => {
    const awards = templateCsv("awards");
    expect(awards.split("\r\n")[0]).toBe("certification,email,name,validFrom,narrative,results,externalId");
    expect(await parsed(awards, "awards")).toEqual([
      {
        line: 2,
        externalId: "cohort-12-ada",
        record: {
          certification: "gitlab-certified-associate",
          email: "ada@example.org",
          name: "Ada Lovelace",
          validFrom: "2026-03-02T00:00:00Z",
          narrative: "Passed the written exam and the graded lab",
          results: [{ name: "gitlab-associate-written", value: "86" }],
        },
      },
    ]);
    const evidence = templateCsv("evidence");
    expect(evidence.split("\r\n")[0]).toBe(
      "kind,externalId,email,name,occurredAt,assessment,score,passed,completion,item,mode,form,scale,rating.1,rating.2,rating.3,delivery,supersedes,comment,uncatalogued",
    );
    expect(await parsed(evidence, "evidence")).toMatchObject([
      { line: 2, record: { kind: "assessment", assessment: "gitlab-associate-written", score: 86 } },
    ]);
    expect(templateFileName("awards")).toBe("laurel-awards-template.csv");
  });

  it("for each certification of the catalog: its id and first result (awards), its first evidence (evidence)", async () => {
    const catalog = loadCatalog("templates");
    expect(catalog.entries.length).toBeGreaterThan(5);
    const kinds = new Set<string>();
    for (const entry of catalog.entries) {
      const certification = { id: entry.id, rule: entry.criteria.rule };
      const [award] = await parsed(templateCsv("awards", certification), "awards");
      expect(award && "record" in award ? award.record : award).toMatchObject({ certification: entry.id });
      const [evidence] = await parsed(templateCsv("evidence", certification), "evidence");
      expect(evidence && "record" in evidence, `${entry.id}: ${JSON.stringify(evidence)}`).toBe(true);
      if (evidence && "record" in evidence && "kind" in evidence.record) {
        kinds.add(evidence.record.kind);
        const named = JSON.stringify(entry.criteria.rule ?? {});
        const item = Object.values(evidence.record).find((v) => typeof v === "string" && named.includes(`"${v}"`));
        expect(item, `${entry.id}: the template names one of its criteria's items`).toBeDefined();
      }
    }
    expect(kinds.size).toBeGreaterThan(1);
    const associate = catalog.get("gitlab-certified-associate");
    const csv = templateCsv("awards", { id: "gitlab-certified-associate", rule: associate?.criteria.rule });
    expect(csv).toContain("gitlab-certified-associate,ada@example.org");
    expect(templateFileName("evidence", { id: "x" })).toBe("laurel-evidence-x.csv");
  });
});
