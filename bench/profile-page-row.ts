import "../src/harden-process.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { fmt, median } from "./harness.js";
import { privateKeepDir, randomPicker } from "./pages-database.js";

/**
 * The credential page's row read (storage/credential-pages-repo.ts `findCredentialPageRow`, its SQL as drizzle writes
 * it) against other shapes of the page rows, on a private copy kept by bench/profile-page.ts (KEEP=<dir>, projections
 * filled), in alternating blocks of random ids, CPU per read:
 *   KEEP=<dir> node --disable-proto=delete --import tsx bench/profile-page-row.ts [reads per block] [blocks]
 * The shapes are tables made once in that copy from its credential_pages (never in the shared database): the same rows
 * WITHOUT ROWID (one b-tree instead of the primary key's index and the table), and rows cut to 350 characters (the
 * size a projection without its repeated values would have: what a smaller row gains in the read itself). Beside them,
 * the statement's parts alone: the lifecycle columns, the page row by its key, the status list's version.
 */
if (!process.env.KEEP) {
  throw new Error("KEEP=<dir of a copy made by bench/profile-page.ts> is needed");
}
const dir = privateKeepDir(process.env.KEEP);
const db = new Database(join(dir, "laurel.db"), { fileMustExist: true });
db.exec(`
  create table if not exists bench_page_rows_without_rowid (
    credential_id text primary key not null, made_by text not null, projection text not null
  ) without rowid;
  create table if not exists bench_page_rows_cut (
    credential_id text primary key not null, made_by text not null, projection text not null
  );
`);
for (const [table, projection] of [
  ["bench_page_rows_without_rowid", "projection"],
  ["bench_page_rows_cut", "substr(projection, 1, 350)"],
]) {
  if ((db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n === 0) {
    db.exec(`insert into ${table} select credential_id, made_by, ${projection} from credential_pages`);
  }
}
// the rows just written read from the database file, as the others, not from the WAL
db.pragma("wal_checkpoint(TRUNCATE)");

const lifecycle = [
  "revoked_at",
  "revocation_reason",
  "revocation_reason_public",
  "suspended_at",
  "suspension_reason",
  "suspension_reason_public",
  "superseded_by",
  "supersedes",
  "history_changes",
]
  .map((column) => `"credentials"."${column}"`)
  .join(", ");
const pageRow = (table: string) =>
  `select ${lifecycle}, p."made_by", p."projection", s."id", s."version", s."signed_version", s."etag" from "credentials" left join "${table}" p on p."credential_id" = "credentials"."id" left join "status_lists" s on s."id" = ? where ("credentials"."id" >= ? and "credentials"."id" <= ?)`;
type Read = { statement: Database.Statement; args: (id: string) => unknown[] };
const row = (sql: string): Read => ({ statement: db.prepare(sql).raw(true), args: (id) => ["1", id, id] });
const reads: Record<string, Read> = {
  "page row (as the repo reads it)": row(pageRow("credential_pages")),
  "page row, WITHOUT ROWID table": row(pageRow("bench_page_rows_without_rowid")),
  "page row, rows of 350 chars": row(pageRow("bench_page_rows_cut")),
  "lifecycle columns alone": {
    statement: db.prepare(`select ${lifecycle} from credentials where id >= ? and id <= ?`).raw(true),
    args: (id) => [id, id],
  },
  "page row alone, by its key": {
    statement: db.prepare("select made_by, projection from credential_pages where credential_id = ?").raw(true),
    args: (id) => [id],
  },
  "status list version alone": {
    statement: db.prepare("select id, version, signed_version, etag from status_lists where id = ?").raw(true),
    args: () => ["1"],
  },
};
const ids = JSON.parse(readFileSync(join(dir, "complete.json"), "utf8")).ids as string[];
const randomId = randomPicker(ids, 0x9e3779b9);
function measure(read: Read, count: number): number {
  const start = process.cpuUsage();
  for (let i = 0; i < count; i++) {
    read.statement.all(...read.args(randomId()));
  }
  const used = process.cpuUsage(start);
  return (used.user + used.system) / count;
}
const count = Number(process.argv[2] ?? 20_000);
const blocks = Number(process.argv[3] ?? 7);
for (const read of Object.values(reads)) {
  measure(read, count);
}
const cpu: Record<string, number[]> = {};
for (let b = 0; b < blocks; b++) {
  for (const [name, read] of Object.entries(reads)) {
    const figures = cpu[name] ?? [];
    figures.push(measure(read, count));
    cpu[name] = figures;
  }
}
console.log(`row reads of random ids of ${fmt(ids.length, 0)}, ${blocks} blocks of ${count}, median CPU per read`);
for (const [name, values] of Object.entries(cpu)) {
  console.log(`  ${name.padEnd(34)} ${fmt(median(values), 2).padStart(6)} µs`);
}
db.close();
