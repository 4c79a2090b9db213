import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { submitEvidence } from "../../src/services/submit-evidence.js";
import { createAccount, getPage, signIn } from "../helpers/console.js";
import { onPostgres } from "../helpers/database.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { queryPlan, statementsPrepared } from "../helpers/query-plans.js";

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
    const prepared = await statementsPrepared(t.store, async () => {
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
    });
    const seen = prepared.filter((source) => /^\s*select/i.test(source));
    const scans: string[] = [];
    for (const source of seen) {
      if (!GROWING.some((table) => source.includes(`"${table}"`))) {
        continue;
      }
      const plan = queryPlan(t.store, source, 1);
      // the newest rows by primary key, no filter: a scan that LIMIT stops after one page
      const newestPage = !/ where /i.test(source) && / limit \?$/i.test(source);
      for (const detail of plan) {
        if (!newestPage && GROWING.some((table) => new RegExp(`^SCAN ${table}\\b`).test(detail))) {
          scans.push(`${detail} in ${source}`);
        }
      }
    }
    expect(seen.length).toBeGreaterThan(5);
    expect(scans).toEqual([]);
  });

  it("read a page of a rare state (revoked, suspended) from that state's own index, not the active credentials, and a page of the list from an index alone (no credential row)", async () => {
    const admin = await signIn(t, "admin@example.org");
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
      const prepared = await statementsPrepared(t.store, async () => {
        const res = await getPage(t, path, admin.cookie);
        expect(res.status, path).toBe(200);
        await res.text();
      });
      const list = prepared.findLast((source) => /^select "(credentials"\.")?id"/.test(source)) ?? "";
      plans[path] = queryPlan(t.store, list, 1).find((detail) => / credentials USING/.test(detail)) ?? list;
      expect(plans[path], path).toContain(`USING COVERING INDEX ${index}`);
    }
  });

  it("keep the list's and the people search's statements compiled: their LIMIT is in their text, not a bound parameter", async () => {
    // SQLite plans with a bound LIMIT's value, so binding it again (every run) has it compile the statement again
    const admin = await signIn(t, "admin@example.org");
    const prepared = await statementsPrepared(t.store, async () => {
      for (const path of [
        "/console/credentials?achievementId=gitlab-certified-associate&state=active",
        "/console/credentials?state=revoked",
        "/console/credentials?email=ada%40example.org",
        "/console/people?q=ada",
        "/console/people?q=Ada%20L",
      ]) {
        const res = await getPage(t, path, admin.cookie);
        expect(res.status, path).toBe(200);
        await res.text();
      }
    });
    const lists = prepared.filter((source) =>
      /^select .* from "(credentials|recipients|evidence|achievements)"/.test(source),
    );
    expect(lists.length).toBeGreaterThanOrEqual(5);
    expect(lists.filter((source) => /limit \?/i.test(source))).toEqual([]);
  });

  it("find people by a name's beginning from the name index alone (no recipient row)", async () => {
    const admin = await signIn(t, "admin@example.org");
    const prepared = await statementsPrepared(t.store, async () => {
      const res = await getPage(t, "/console/people?q=ada", admin.cookie);
      expect(res.status).toBe(200);
      await res.text();
    });
    const byName = prepared.findLast((source) => /^select lower\("name"\)/.test(source)) ?? "";
    expect(queryPlan(t.store, byName, "ada").join(" | ")).toContain("USING COVERING INDEX recipients_name_idx");
  });

  it("read a person's records in their order from the person index (no sort), for their page and their evaluation", async () => {
    const admin = await signIn(t, "admin@example.org");
    // the evaluation reads the person's records as the evidence is submitted; the page reads them again
    let evidenceId = "";
    const prepared = await statementsPrepared(t.store, async () => {
      const { evidence } = await submitEvidence(
        t.ctx,
        {
          kind: "assessment",
          externalId: "plan-1",
          person: { email: "ada@example.org", name: "Ada" },
          occurredAt: "2026-03-01T09:00:00Z",
          assessment: "gitlab-associate-written",
          score: 50,
        } as never,
        { actor: "test", graderRole: null, isAdmin: true },
      );
      evidenceId = evidence.id;
      const res = await getPage(t, `/console/people/${evidenceId}`, admin.cookie);
      expect(res.status).toBe(200);
      await res.text();
    });
    const records = prepared.filter((source) =>
      /from "evidence" where "evidence"\."person_email" = \? order by/.test(source),
    );
    expect(new Set(records).size, records.join("\n")).toBeGreaterThanOrEqual(2); // the page's read and the evaluation's
    for (const source of records) {
      const plan = queryPlan(t.store, source, "ada@example.org");
      expect(plan.join(" | "), source).toContain("USING INDEX evidence_person_idx (person_email=?)");
      expect(plan.join(" | "), source).not.toContain("TEMP B-TREE");
    }
  });
});
