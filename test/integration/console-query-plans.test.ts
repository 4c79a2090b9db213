import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createAccount, getPage, signIn } from "../helpers/console.js";
import { onPostgres } from "../helpers/database.js";
import { makeTestApp, sqliteOf, type TestApp } from "../helpers/make-app.js";

/**
 * SQLite-only (its query planner): the console's dashboard, audit, events and catalog pages read through indexes,
 * never by scanning a whole table that grows with the credentials (credentials, audit_log, events, pending_approvals):
 * every SELECT they prepare is explained, and none may say "SCAN" of those tables (but the newest page of one, by
 * primary key with nothing to filter, which LIMIT stops). No ANALYZE has run: the plans must not need statistics.
 */
const GROWING = ["credentials", "audit_log", "events", "pending_approvals"];

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
  await createAccount(t, { email: "admin@example.org", role: "admin" });
});
afterEach(async () => {
  await t.close();
});

describe.skipIf(onPostgres)("the console's queries", () => {
  it("read the growing tables through indexes only", async () => {
    const admin = await signIn(t, "admin@example.org");
    const sqlite = sqliteOf(t.store);
    const prepare = sqlite.prepare.bind(sqlite);
    const seen = new Set<string>();
    sqlite.prepare = ((source: string) => {
      if (/^\s*select/i.test(source)) {
        seen.add(source);
      }
      return prepare(source);
    }) as typeof sqlite.prepare;
    for (const path of [
      "/console",
      "/console/audit?actor=user%3Ax",
      "/console/audit?action=credential.issued",
      "/console/audit?targetType=credential&targetId=x",
      "/console/audit?from=2026-01-01&to=2026-01-31",
      "/console/audit?before=10",
      "/console/audit/export.csv?action=credential.issued",
      "/console/events",
      "/console/events?type=credential.revoked&before=10",
    ]) {
      const res = await getPage(t, path, admin.cookie);
      expect(res.status, path).toBe(200);
      await res.text();
    }
    sqlite.prepare = prepare;
    const scans: string[] = [];
    for (const source of seen) {
      if (!GROWING.some((table) => source.includes(`"${table}"`))) {
        continue;
      }
      const params = (source.match(/\?/g) ?? []).map(() => 1);
      const plan = prepare(`EXPLAIN QUERY PLAN ${source}`).all(...params) as { detail: string }[];
      // the newest rows by primary key, no filter: a scan that LIMIT stops after one page
      const newestPage = !/ where /i.test(source) && / limit \?$/i.test(source);
      for (const { detail } of plan) {
        if (!newestPage && GROWING.some((table) => new RegExp(`^SCAN ${table}\\b`).test(detail))) {
          scans.push(`${detail} in ${source}`);
        }
      }
    }
    expect(seen.size).toBeGreaterThan(5);
    expect(scans).toEqual([]);
  });

  it("read a page of a rare state (revoked, suspended) from that state's own index, not the active credentials, and a page of the list from an index alone (no credential row)", async () => {
    const admin = await signIn(t, "admin@example.org");
    const sqlite = sqliteOf(t.store);
    const prepare = sqlite.prepare.bind(sqlite);
    const plans: Record<string, string> = {};
    for (const [path, index] of [
      ["/console/credentials?state=revoked", "credentials_revoked_created_idx"],
      ["/console/credentials?achievementId=gitlab-certified-associate&state=revoked", "credentials_revoked_idx"],
      ["/console/credentials?state=suspended", "credentials_suspended_created_idx"],
      ["/console/credentials?achievementId=gitlab-certified-associate&state=suspended", "credentials_suspended_idx"],
      [
        "/console/credentials?achievementId=gitlab-certified-associate&state=active",
        "credentials_achievement_created_idx",
      ],
      ["/console/credentials?achievementId=gitlab-certified-associate", "credentials_achievement_created_idx"],
      ["/console/credentials?state=expired", "credentials_created_idx"],
      ["/console/credentials", "credentials_created_idx"],
    ] as const) {
      let list = "";
      sqlite.prepare = ((source: string) => {
        if (/^select "credentials"\."id"/.test(source)) {
          list = source;
        }
        return prepare(source);
      }) as typeof sqlite.prepare;
      const res = await getPage(t, path, admin.cookie);
      sqlite.prepare = prepare;
      expect(res.status, path).toBe(200);
      await res.text();
      const params = (list.match(/\?/g) ?? []).map(() => 1);
      const plan = prepare(`EXPLAIN QUERY PLAN ${list}`).all(...params) as { detail: string }[];
      plans[path] = plan.map((step) => step.detail).find((detail) => / credentials USING/.test(detail)) ?? list;
      expect(plans[path], path).toContain(`USING COVERING INDEX ${index}`);
    }
  });

  it("find people by a name's beginning from the name index alone (no recipient row)", async () => {
    const admin = await signIn(t, "admin@example.org");
    const sqlite = sqliteOf(t.store);
    const prepare = sqlite.prepare.bind(sqlite);
    let byName = "";
    sqlite.prepare = ((source: string) => {
      if (/^select lower\("name"\)/.test(source)) {
        byName = source;
      }
      return prepare(source);
    }) as typeof sqlite.prepare;
    const res = await getPage(t, "/console/people?q=ada", admin.cookie);
    sqlite.prepare = prepare;
    expect(res.status).toBe(200);
    await res.text();
    const params = (byName.match(/\?/g) ?? []).map(() => "ada");
    const plan = prepare(`EXPLAIN QUERY PLAN ${byName}`).all(...params) as { detail: string }[];
    expect(plan.map((step) => step.detail).join(" | ")).toContain("USING COVERING INDEX recipients_name_idx");
  });
});
