import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateIssuerKey } from "../../src/crypto/issuer-keys.js";
import { adminPost } from "../helpers/http.js";
import { makeTestApp, TEST_START, type TestApp } from "../helpers/make-app.js";
import { findPostgresBinaries, type PostgresServer, startPostgres } from "../helpers/postgres-server.js";
import { countRows } from "../helpers/store.js";

/**
 * Evidence intake on two nodes at once (two service contexts, each with its own pool, on one PostgreSQL database):
 * what SQLite's single write lock serialises must not interleave across nodes either.
 */

const bin = findPostgresBinaries();
if (!bin && process.env.CI) {
  throw new Error("the cluster tests need PostgreSQL's binaries in CI (Debian package postgresql, or LAUREL_PG_BIN)");
}
if (!bin) {
  console.warn("evidence race test skipped: PostgreSQL binaries not found (install postgresql or set LAUREL_PG_BIN)");
}

let postgres: PostgresServer | undefined;
let a: TestApp;
let b: TestApp;
const PAIRS = 30;

beforeAll(async () => {
  if (!bin) {
    return;
  }
  postgres = await startPostgres({ bin });
  const admin = new pg.Client({ connectionString: postgres.url("postgres") });
  await admin.connect();
  await admin.query("create database laurel");
  await admin.end();
  const env = { LAUREL_DATABASE_URL: postgres.url("laurel") };
  const keys = [await generateIssuerKey(1, TEST_START)];
  a = await makeTestApp({ env, keys });
  b = await makeTestApp({ env, keys });
}, 60_000);

afterAll(async () => {
  await a?.close();
  await b?.close();
  await postgres?.stop();
});

const written = (i: number, externalId = `w-${i}`) => ({
  kind: "assessment",
  externalId,
  person: { email: `racer${i}@example.org`, name: `Racer ${i}` },
  occurredAt: "2026-03-01T10:00:00Z",
  assessment: "gitlab-associate-written",
  score: 70,
});

describe.skipIf(!bin)("evidence recorded on two nodes at once", () => {
  it("stores a record sent to both once: one answer says recorded, the other duplicate, never a 500", async () => {
    const answers = await Promise.all(
      Array.from({ length: PAIRS }, async (_, i) => {
        const [x, y] = await Promise.all([
          adminPost(a, "/admin/evidence", written(i)),
          adminPost(b, "/admin/evidence", written(i)),
        ]);
        return [x.status, y.status].sort().join(" ");
      }),
    );
    expect(answers).toEqual(Array.from({ length: PAIRS }, () => "200 201"));
    expect(await countRows(a.store, "evidence")).toBe(PAIRS);
  });

  it("accepts one of two corrections of the same record sent to two nodes at once (no fork of the chain)", async () => {
    const answers = await Promise.all(
      Array.from({ length: PAIRS }, async (_, i) => {
        const original = await adminPost(a, "/admin/evidence", written(100 + i));
        const id = ((await original.json()) as { evidence: { id: string } }).evidence.id;
        const correction = (node: TestApp, n: number) =>
          adminPost(node, "/admin/evidence", { ...written(100 + i, `fix-${i}-${n}`), score: 80 + n, supersedes: id });
        const [x, y] = await Promise.all([correction(a, 1), correction(b, 2)]);
        return [x.status, y.status].sort().join(" ");
      }),
    );
    expect(answers).toEqual(Array.from({ length: PAIRS }, () => "201 400"));
  });
});
