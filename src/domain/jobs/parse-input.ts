import { type Options as CsvOptions, parse as csvParse } from "csv-parse";
import type { z } from "zod";
import type { AppError } from "../../errors.js";
import { type EvidenceInput, EvidenceInputSchema } from "../evidence-input.js";
import { ByteScanner, bytesOf, fileError } from "./byte-scan.js";
import { type Column, columnNames, findColumn, type JobKind, RATING_PREFIX } from "./columns.js";
import { looksLikeFormula } from "./csv-write.js";
import { type AwardRecord, AwardRecordSchema, type JobRecord, type ParsedRow, type RowError } from "./records.js";

/**
 * Reads a bulk job file (issue 17) as a stream: CSV (a header row naming the columns of `columns.ts`, then one record
 * per row) or JSONL (one JSON object per line, keyed by the same columns). Each data row comes out validated, or
 * with its error (line, column, reason) and the others go on; a file that cannot be read as a whole (no header,
 * unknown columns, wrong delimiter, not UTF-8, too many rows…) throws a `JOB_FILE_INVALID` AppError naming the
 * problem and its line — possibly after rows were yielded, so a caller stores nothing until the end.
 *
 * Memory stays bounded whatever the file: a field (CSV) or line (JSONL) over `maxFieldBytes` is not kept — its row
 * gets an error and its bytes are skipped as they pass.
 */

export type JobFileFormat = "csv" | "jsonl";

/** The file's bytes: a Node stream, a web stream's reader as an async iterable, or chunks in memory. */
export type ByteSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

export type ParseJobInputOptions<K extends JobKind = JobKind> = {
  kind: K;
  format: JobFileFormat;
  /** Data rows a file may hold (default 100,000). */
  maxRows?: number;
  /** Bytes of one CSV field or one JSONL line (default 64 KB). */
  maxFieldBytes?: number;
};

export const DEFAULT_MAX_ROWS = 100_000;
export const DEFAULT_MAX_FIELD_BYTES = 64 * 1024;
/** Fields of one CSV record: past this the record is cut (and refused), so a line of commas cannot fill memory. */
const MAX_FIELDS = 500;

type RecordOf<K extends JobKind> = K extends "awards" ? AwardRecord : EvidenceInput;

export function parseJobInput<K extends JobKind>(
  source: ByteSource,
  opts: ParseJobInputOptions<K>,
): AsyncIterable<ParsedRow<RecordOf<K>>> {
  const limits = {
    maxRows: opts.maxRows ?? DEFAULT_MAX_ROWS,
    maxFieldBytes: opts.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES,
  };
  const rows = opts.format === "csv" ? csvRows(source, opts.kind, limits) : jsonlRows(source, opts.kind, limits);
  return rows as AsyncIterable<ParsedRow<RecordOf<K>>>;
}

type Limits = { maxRows: number; maxFieldBytes: number };

function kb(bytes: number): string {
  return bytes % 1024 === 0 ? `${bytes / 1024} KB` : `${bytes} bytes`;
}

function tooManyRows(maxRows: number, line: number): AppError {
  return fileError(
    "too-many-rows",
    `the file has more than ${maxRows.toLocaleString("en")} rows, the most one job takes`,
    {
      line,
    },
  );
}

// ---------------------------------------------------------------------------------------------------------------
// CSV

/** What the framer knows of one record before csv-parse splits it: its first line, and why it is refused if it is. */
export type RecordMeta = { line: number; cut: null | { field: number; why: "field-too-big" | "too-many-fields" } };

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
enum S {
  FieldStart,
  Unquoted,
  Quoted,
  /** A quote inside a quoted field: it closes the field, or starts an escaped quote (`""`). */
  QuoteInQuoted,
}

/** What becomes of one byte on its way to csv-parse. */
enum Fate {
  Keep,
  Drop,
  /** The byte ends the record. */
  End,
}

/**
 * Walks the CSV bytes with the same grammar as csv-parse (comma, `"` quotes with `""` escapes, relaxed quotes inside
 * unquoted fields; records end at LF, CRLF or CR outside quotes) to find the line each record starts on, and to keep
 * memory bounded: the bytes of a field past `maxFieldBytes` are dropped as they pass (its record is then refused), and
 * a record past `MAX_FIELDS` fields is closed early. Quotes and delimiters are never dropped (an escaped quote pair
 * in a dropped stretch goes as a pair), so csv-parse sees the same structure and yields exactly one record per record
 * seen here, in the same order.
 */
class CsvFramer {
  private readonly metas: RecordMeta[] = [];
  private readonly scanner = new ByteScanner();
  private state = S.FieldStart;
  private fieldBytes = 0;
  private field = 0;
  private recordLine = 1;
  private quoteLine = 1;
  private cut: RecordMeta["cut"] = null;
  /** The record has too many fields: nothing more of it goes to csv-parse until its end. */
  private closed = false;
  /** In a dropped stretch of a quoted field: a quote held back until the next byte says closing or escaped. */
  private heldQuote = false;
  /** A CR ended the last record: a LF right after it belongs to the same line end (kept only if the CR was). */
  private crEnded = false;
  private crKept = false;

  constructor(private readonly maxFieldBytes: number) {}

  /** The next record's meta, in the order csv-parse yields them. */
  next(): RecordMeta {
    const meta = this.metas.shift();
    if (!meta) {
      throw new Error("csv framer: csv-parse yielded a record the framer did not see");
    }
    return meta;
  }

  async *frames(source: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of source) {
      const out = this.frame(chunk);
      if (out.length > 0) {
        yield out;
      }
    }
    this.scanner.end();
    if (this.state === S.Quoted) {
      throw fileError("unclosed-quote", 'a quoted field (starting with ") is never closed', { line: this.quoteLine });
    }
    if (this.field > 0 || this.state !== S.FieldStart || this.cut) {
      const tail = [...(this.heldQuote ? [QUOTE] : []), ...(this.closed ? [LF] : [])];
      this.endRecord();
      if (tail.length > 0) {
        yield Uint8Array.from(tail);
      }
    }
  }

  private frame(chunk: Uint8Array): Uint8Array {
    const parts: Uint8Array[] = [];
    let keptFrom = 0;
    let keeping = true;
    const drop = (at: number) => {
      if (keeping) {
        if (at > keptFrom) {
          parts.push(chunk.subarray(keptFrom, at));
        }
        keeping = false;
      }
    };
    const keep = (at: number) => {
      if (!keeping) {
        keptFrom = at;
        keeping = true;
      }
    };
    const insert = (at: number, bytes: number[]) => {
      drop(at);
      parts.push(Uint8Array.from(bytes));
    };
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      const line = this.scanner.line;
      this.scanner.feed(b);
      if (b === LF && this.crEnded) {
        this.crEnded = false;
        if (this.crKept) {
          keep(i);
        } else {
          drop(i);
        }
        continue;
      }
      this.crEnded = false;
      if (this.heldQuote && this.state === S.QuoteInQuoted && b !== QUOTE) {
        // the held quote closed the field: it goes before this byte
        insert(i, [QUOTE]);
        this.heldQuote = false;
      }
      const fate = this.step(b, line);
      if (fate === Fate.End) {
        if (this.closed) {
          insert(i, [LF]);
          this.crKept = false;
        } else {
          keep(i);
          this.crKept = true;
        }
        this.crEnded = b === CR;
        this.endRecord();
        this.recordLine = this.scanner.line;
      } else if (fate === Fate.Keep) {
        keep(i);
      } else {
        drop(i);
      }
    }
    if (keeping && keptFrom < chunk.length) {
      parts.push(chunk.subarray(keptFrom));
    }
    return parts.length === 1 ? (parts[0] as Uint8Array) : concatAll(parts);
  }

  /** Advances the grammar by one byte and says what becomes of it. */
  private step(b: number, line: number): Fate {
    if (this.state === S.Quoted) {
      if (b !== QUOTE) {
        return this.content();
      }
      this.state = S.QuoteInQuoted;
      if (this.closed) {
        return Fate.Drop;
      }
      if (this.fieldBytes >= this.maxFieldBytes) {
        // past the limit a quote waits: the first of an escaped pair is dropped with its partner
        this.heldQuote = true;
        return Fate.Drop;
      }
      return Fate.Keep;
    }
    if (this.state === S.QuoteInQuoted && b === QUOTE) {
      // the second quote of an escaped pair goes where the first went
      this.state = S.Quoted;
      const held = this.heldQuote;
      this.heldQuote = false;
      this.grow();
      return this.closed || held ? Fate.Drop : Fate.Keep;
    }
    if (this.state === S.FieldStart && b === QUOTE) {
      this.state = S.Quoted;
      this.quoteLine = line;
      return this.closed ? Fate.Drop : Fate.Keep;
    }
    if (b === LF || b === CR) {
      return Fate.End;
    }
    if (b === COMMA) {
      this.field++;
      this.fieldBytes = 0;
      this.state = S.FieldStart;
      if (this.field >= MAX_FIELDS && !this.closed) {
        this.cut ??= { field: this.field, why: "too-many-fields" };
        this.closed = true;
      }
      return this.closed ? Fate.Drop : Fate.Keep;
    }
    this.state = S.Unquoted;
    return this.content();
  }

  /** A byte of the field's content: dropped past the limit (the record is then refused) or in a closed record. */
  private content(): Fate {
    return this.grow() && !this.closed ? Fate.Keep : Fate.Drop;
  }

  /** Counts one byte of the field's content: false once the field is past the limit. */
  private grow(): boolean {
    this.fieldBytes++;
    if (this.fieldBytes > this.maxFieldBytes) {
      this.cut ??= { field: this.field, why: "field-too-big" };
      return false;
    }
    return true;
  }

  private endRecord(): void {
    this.metas.push({ line: this.recordLine, cut: this.cut });
    this.cut = null;
    this.closed = false;
    this.heldQuote = false;
    this.state = S.FieldStart;
    this.field = 0;
    this.fieldBytes = 0;
  }
}

function concatAll(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

type Header = { columns: ({ name: string; column: Column } | null)[] };

/** The grammar the framer follows (the byte order mark is already gone). */
const CSV_OPTIONS: CsvOptions = {
  bom: false,
  relax_quotes: true,
  relax_column_count: true,
  skip_empty_lines: false,
  record_delimiter: ["\r\n", "\n", "\r"],
  encoding: "utf8",
};

/** The bytes csv-parse is given for a CSV file (oversized fields cut out): exported for the tests. */
export function csvFrames(source: ByteSource, maxFieldBytes: number): AsyncGenerator<Uint8Array> {
  return new CsvFramer(maxFieldBytes).frames(bytesOf(source));
}

/**
 * Every record of a CSV file (blank ones too) with the line it starts on, and why it was cut if it was. The framer's
 * bytes are written to csv-parse's stream as it asks for them (its back-pressure), and its records read as they come.
 */
export async function* csvRecords(
  source: ByteSource,
  maxFieldBytes: number,
): AsyncGenerator<{ fields: string[]; meta: RecordMeta }> {
  const framer = new CsvFramer(maxFieldBytes);
  const parser = csvParse(CSV_OPTIONS);
  const settled = (event: "drain" | "close") => new Promise<void>((resolve) => parser.once(event, () => resolve()));
  const closed = settled("close");
  void (async () => {
    try {
      for await (const frame of framer.frames(bytesOf(source))) {
        if (parser.destroyed) {
          return;
        }
        if (!parser.write(frame)) {
          await Promise.race([settled("drain"), closed]);
        }
      }
      parser.end();
    } catch (error) {
      parser.destroy(error as Error);
    }
  })();
  for await (const fields of parser as AsyncIterable<string[]>) {
    yield { fields, meta: framer.next() };
  }
}

async function* csvRows(source: ByteSource, kind: JobKind, limits: Limits): AsyncGenerator<ParsedRow> {
  let header: Header | undefined;
  let rows = 0;
  for await (const { fields, meta } of csvRecords(source, limits.maxFieldBytes)) {
    if (meta.cut === null && fields.every((f) => f.trim() === "")) {
      continue;
    }
    if (header === undefined) {
      header = readHeader(kind, fields, meta);
      continue;
    }
    rows++;
    if (rows > limits.maxRows) {
      throw tooManyRows(limits.maxRows, meta.line);
    }
    yield csvRow(kind, header, fields, meta, limits);
  }
  if (header === undefined) {
    throw fileError(
      "empty",
      `the file is empty: its first line must name the columns (${columnNames(kind).join(", ")})`,
    );
  }
  if (rows === 0) {
    throw fileError("empty", "the file has a header but no rows", { line: 1 });
  }
}

const DELIMITERS: [string, string][] = [
  [";", "semicolons (;)"],
  ["\t", "tabs"],
  ["|", "vertical bars (|)"],
];

function readHeader(kind: JobKind, fields: string[], meta: RecordMeta): Header {
  const known = columnNames(kind);
  const line = meta.line;
  if (meta.cut) {
    throw fileError("missing-header", `the header row is not a list of column names (${known.join(", ")})`, { line });
  }
  if (fields.length === 1) {
    const found = DELIMITERS.find(([d]) => (fields[0] as string).includes(d));
    if (found) {
      throw fileError(
        "wrong-delimiter",
        `the columns are separated by ${found[1]}, not commas: save the file as comma-separated values (in a spreadsheet: CSV UTF-8, comma delimited)`,
        { line },
      );
    }
  }
  // an empty header cell (a spreadsheet's trailing empty columns) names no column: its cells must stay empty
  const columns = fields.map((f) => findColumn(kind, f) ?? null);
  if (columns.every((c) => c === null)) {
    throw fileError(
      "missing-header",
      `the first line must name the columns (${known.join(", ")}); it reads ${JSON.stringify(fields.slice(0, 4).map((f) => cut(f, 40)))}`,
      { line },
      { knownColumns: known },
    );
  }
  const unknown = fields.filter((f, i) => columns[i] === null && f.trim() !== "");
  if (unknown.length > 0) {
    throw fileError(
      "unknown-columns",
      `unknown column${unknown.length > 1 ? "s" : ""} ${unknown.map((u) => JSON.stringify(cut(u, 60))).join(", ")}: the columns of an ${kind} file are ${known.join(", ")}`,
      { line, column: cut(unknown[0] as string, 60) },
      { unknownColumns: unknown.map((u) => cut(u, 60)), knownColumns: known },
    );
  }
  const names = columns.flatMap((c) => (c ? [c.name] : []));
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (twice.length > 0) {
    throw fileError("duplicate-columns", `the column ${twice[0]} is named twice`, {
      line,
      column: twice[0] as string,
    });
  }
  const lacking = known.filter(
    (n) => !n.startsWith(RATING_PREFIX) && findColumn(kind, n)?.column.required && !names.includes(n),
  );
  if (lacking.length > 0) {
    throw fileError(
      "missing-columns",
      `the header lacks the required column${lacking.length > 1 ? "s" : ""} ${lacking.join(", ")}`,
      { line },
      { missingColumns: lacking },
    );
  }
  return { columns };
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function csvRow(kind: JobKind, header: Header, fields: string[], meta: RecordMeta, limits: Limits): ParsedRow {
  const line = meta.line;
  const externalIdAt = header.columns.findIndex((c) => c?.name === "externalId");
  const externalId = externalIdAt >= 0 ? (fields[externalIdAt]?.trim() ?? "") || null : null;
  if (meta.cut) {
    const name = header.columns[meta.cut.field]?.name ?? null;
    return {
      line,
      externalId: meta.cut.field === externalIdAt ? null : externalId,
      error:
        meta.cut.why === "field-too-big"
          ? { column: name, reason: `is over ${kb(limits.maxFieldBytes)}, the most one field may hold` }
          : { column: null, reason: `has more than ${MAX_FIELDS} fields; the header names ${header.columns.length}` },
    };
  }
  if (fields.length > header.columns.length) {
    return {
      line,
      externalId,
      error: {
        column: null,
        reason: `has ${fields.length} fields where the header names ${header.columns.length} (a value holding a comma must be in double quotes)`,
      },
    };
  }
  const cells: Cell[] = [];
  for (const [i, value] of fields.entries()) {
    const c = header.columns[i];
    if (value.trim() === "") {
      continue;
    }
    if (!c) {
      return {
        line,
        externalId,
        error: { column: null, reason: `has a value in column ${i + 1}, which the header does not name` },
      };
    }
    cells.push({ name: c.name, column: c.column, value });
  }
  return readRow(kind, cells, line, externalId);
}

// ---------------------------------------------------------------------------------------------------------------
// JSONL

async function* jsonlLines(
  source: AsyncIterable<Uint8Array>,
  maxLineBytes: number,
): AsyncGenerator<{ line: number; text: string | null }> {
  const scanner = new ByteScanner();
  const decoder = new TextDecoder();
  let parts: Uint8Array[] = [];
  let size = 0;
  let tooBig = false;
  let line = 1;
  const take = (): { line: number; text: string | null } => {
    const text = tooBig ? null : decoder.decode(concatAll(parts));
    parts = [];
    size = 0;
    tooBig = false;
    return { line, text };
  };
  for await (const chunk of source) {
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      scanner.feed(b);
      if (b === LF) {
        const piece = chunk.subarray(from, i);
        if (!tooBig) {
          parts.push(piece);
        }
        yield take();
        line = scanner.line;
        from = i + 1;
      } else if (!tooBig && ++size > maxLineBytes) {
        tooBig = true;
        parts = [];
      }
    }
    if (!tooBig && from < chunk.length) {
      parts.push(chunk.slice(from));
    }
  }
  scanner.end();
  if (size > 0 || tooBig) {
    yield take();
  }
}

async function* jsonlRows(source: ByteSource, kind: JobKind, limits: Limits): AsyncGenerator<ParsedRow> {
  let rows = 0;
  for await (const { line, text } of jsonlLines(bytesOf(source), limits.maxFieldBytes)) {
    const trimmed = text?.trim();
    if (trimmed === "") {
      continue;
    }
    rows++;
    if (rows === 1 && trimmed !== undefined && !trimmed.startsWith("{")) {
      throw fileError(
        "not-jsonl",
        "a JSONL file has one JSON object per line, and this line is not one (is the file CSV? then say so)",
        { line },
      );
    }
    if (rows > limits.maxRows) {
      throw tooManyRows(limits.maxRows, line);
    }
    yield trimmed === undefined
      ? {
          line,
          externalId: null,
          error: { column: null, reason: `is over ${kb(limits.maxFieldBytes)}, the most one line may hold` },
        }
      : jsonlRow(kind, trimmed, line);
  }
  if (rows === 0) {
    throw fileError("empty", "the file is empty: it needs one JSON object per line");
  }
}

function jsonlRow(kind: JobKind, text: string, line: number): ParsedRow {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      line,
      externalId: null,
      error: { column: null, reason: `is not valid JSON (${(error as Error).message})` },
    };
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return { line, externalId: null, error: { column: null, reason: "is not a JSON object" } };
  }
  const entries = Object.entries(value as Record<string, unknown>);
  const rawId = (value as Record<string, unknown>).externalId;
  const externalId = typeof rawId === "string" && rawId.trim() !== "" ? rawId.trim() : null;
  const cells: Cell[] = [];
  for (const [key, v] of entries) {
    const found = findColumn(kind, key);
    if (!found) {
      return {
        line,
        externalId,
        error: { column: cut(key, 60), reason: `is not a column of an ${kind} file (${columnNames(kind).join(", ")})` },
      };
    }
    if (v === null || v === "") {
      continue;
    }
    const nested = typeof v === "object" && !(found.name === "results" && !Array.isArray(v));
    if (nested) {
      return { line, externalId, error: { column: found.name, reason: "must be a text, number or boolean" } };
    }
    cells.push({ name: found.name, column: found.column, value: v as Cell["value"] });
  }
  return readRow(kind, cells, line, externalId);
}

// ---------------------------------------------------------------------------------------------------------------
// Rows of either format

type Cell = { name: string; column: Column; value: string | number | boolean | object };

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const TRUE = new Set(["true", "yes"]);
const FALSE = new Set(["false", "no"]);

/** A cell's value as its column reads it, or the reason it cannot be. */
function readCell(cell: Cell): { ok: true; value: unknown } | { ok: false; reason: string } {
  const { column, value } = cell;
  if (typeof value === "string") {
    const text = value.trim();
    const numeric = column.type === "number" || column.type === "integer";
    if (looksLikeFormula(value) && !(numeric && NUMBER.test(text))) {
      const first = value.trimStart().charAt(0) || value.charAt(0);
      const shown = first === "\t" ? "a tab" : first === "\r" ? "a carriage return" : `"${first}"`;
      return {
        ok: false,
        reason: `looks like a spreadsheet formula (it starts with ${shown}): such values are refused so that no spreadsheet runs them`,
      };
    }
    if (numeric) {
      return NUMBER.test(text) ? { ok: true, value: Number(text) } : { ok: false, reason: "must be a number" };
    }
    if (column.type === "boolean") {
      const lower = text.toLowerCase();
      return TRUE.has(lower)
        ? { ok: true, value: true }
        : FALSE.has(lower)
          ? { ok: true, value: false }
          : { ok: false, reason: "must be true or false" };
    }
    return { ok: true, value };
  }
  if (column.type === "number" || column.type === "integer") {
    return typeof value === "number" ? { ok: true, value } : { ok: false, reason: "must be a number" };
  }
  if (column.type === "boolean") {
    return typeof value === "boolean" ? { ok: true, value } : { ok: false, reason: "must be true or false" };
  }
  if (typeof value === "object") {
    return { ok: true, value };
  }
  return { ok: false, reason: "must be a text" };
}

function readRow(kind: JobKind, cells: Cell[], line: number, externalId: string | null): ParsedRow {
  const values = new Map<string, unknown>();
  const ratingColumns: string[] = [];
  for (const cell of cells) {
    const read = readCell(cell);
    if (!read.ok) {
      return { line, externalId, error: { column: cell.name, reason: read.reason } };
    }
    values.set(cell.name, read.value);
    if (cell.name.startsWith(RATING_PREFIX)) {
      ratingColumns.push(cell.name);
    }
  }
  if (kind === "awards") {
    const { externalId: _id, ...rest } = Object.fromEntries(values);
    const parsed = AwardRecordSchema.safeParse(rest);
    return parsed.success
      ? { line, externalId, record: dropUndefined(parsed.data) as AwardRecord }
      : { line, externalId, error: firstIssue(parsed.error, (path) => String(path[0] ?? "")) };
  }
  const get = (name: string) => values.get(name);
  const person: Record<string, unknown> = { email: get("email") };
  if (values.has("name")) {
    person.name = get("name");
  }
  const record: Record<string, unknown> = { kind: get("kind"), externalId: get("externalId"), person };
  for (const name of EVIDENCE_FIELDS) {
    if (values.has(name)) {
      record[name] = get(name);
    }
  }
  if (ratingColumns.length > 0) {
    record.ratings = ratingColumns.map((c) => get(c));
  }
  const parsed = EvidenceInputSchema.safeParse(record);
  return parsed.success
    ? { line, externalId, record: parsed.data }
    : { line, externalId, error: firstIssue(parsed.error, (path) => evidenceColumn(path, ratingColumns)) };
}

/** The record fields that are a column of the same name (the person's are nested, ratings gathered). */
const EVIDENCE_FIELDS = [
  "occurredAt",
  "assessment",
  "score",
  "passed",
  "completion",
  "item",
  "mode",
  "form",
  "scale",
  "delivery",
  "supersedes",
  "comment",
  "uncatalogued",
] as const;

function evidenceColumn(path: PropertyKey[], ratingColumns: string[]): string {
  const [first, second] = path;
  if (first === "person") {
    return String(second ?? "email");
  }
  if (first === "ratings") {
    return typeof second === "number" ? (ratingColumns[second] ?? "rating.*") : (ratingColumns[0] ?? "rating.*");
  }
  return String(first ?? "");
}

/** The first issue zod found, as the column it concerns and the reason; a key a kind does not take names itself. */
function firstIssue(error: z.ZodError, columnOf: (path: PropertyKey[]) => string): RowError {
  const issue = error.issues[0] as z.core.$ZodIssue;
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    return { column: columnOf([...issue.path, key]), reason: "is not used by rows of this kind" };
  }
  const column = columnOf(issue.path);
  const message = issue.code === "invalid_type" && issue.input === undefined ? "is required" : issue.message;
  return { column: column === "" ? null : column, reason: message };
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export type { JobRecord, ParsedRow, RowError };
