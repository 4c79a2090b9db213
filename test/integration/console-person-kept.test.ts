import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { reject } from "../../src/services/approvals.js";
import { revokeCredential } from "../../src/services/credential-status.js";
import { issueCredential } from "../../src/services/issue-credential.js";
import { submitEvidence } from "../../src/services/submit-evidence.js";
import { appendAudit } from "../../src/storage/audit-repo.js";
import type { Store } from "../../src/storage/store.js";
import { createAccount, getPage, signIn } from "../helpers/console.js";
import { onPostgres } from "../helpers/database.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { queryPlan, statementsPrepared } from "../helpers/query-plans.js";

/**
 * The person page is kept between views (services/people.ts personPage) and must never show less than the database
 * and the clock say: a change made through another node (another service context, with its own memory, on the same
 * database) shows at the next view, a credential expiring shows the instant it expires, and what a reader sees stays
 * exactly what their programs allow, whoever viewed the page before.
 */
const TECH = "GitLab Technical Certifications";
const FIELD = "GitLab Field Product Certification";
const ASSOCIATE = "gitlab-certified-associate";
const FIELD_CERT = "field-product-certification-sales";
const ADMIN = { actor: "test", graderRole: null, isAdmin: true };
const GRACE = { email: "grace@example.org", name: "Grace Hopper" };

let a: TestApp;
let b: TestApp;
let admin: Awaited<ReturnType<typeof signIn>>;
beforeEach(async () => {
  a = await makeTestApp({ now: new Date("2026-03-10T12:00:00Z") });
  // node B: its own service context (memory, clock) on node A's database
  const shared: Store = { ...a.store, close: async () => {} };
  b = await makeTestApp({ now: new Date("2026-03-10T12:00:00Z"), store: shared });
  await createAccount(a, { email: "admin@example.org", role: "admin" });
  admin = await signIn(a, "admin@example.org");
});
afterEach(async () => {
  await b.close();
  await a.close();
});

let seq = 0;
async function written(t: TestApp, score: number) {
  const result = await submitEvidence(
    t.ctx,
    {
      kind: "assessment",
      externalId: `k-${++seq}`,
      person: GRACE,
      occurredAt: new Date(Date.parse("2026-03-01T09:00:00Z") + seq * 60_000).toISOString(),
      assessment: "gitlab-associate-written",
      score,
    } as never,
    ADMIN,
  );
  return result.evidence.id;
}

async function view(ref: string, cookie = admin.cookie) {
  const res = await getPage(a, `/console/people/${ref}`, cookie);
  expect(res.status).toBe(200);
  return res.text();
}

/** Grace's reference (her recipient id once she holds a credential, else her first record's id). */
async function refOfGrace(): Promise<string> {
  const html = await (await getPage(a, "/console/people?q=grace", admin.cookie)).text();
  return /href="\/console\/people\/([^"]+)" data-person=/.exec(html)?.[1] as string;
}

/** How many times node A runs each statement it has prepared so far, from now on, by name. */
function countStatementRuns(): () => Record<string, number> {
  const runs: Record<string, number> = {};
  for (const [name, statement] of a.store.conn().statements) {
    const s = statement as Record<string, unknown>;
    for (const method of ["execute", "values", "all", "get"]) {
      const run = s[method];
      if (typeof run === "function") {
        s[method] = (...args: unknown[]) => {
          runs[name] = (runs[name] ?? 0) + 1;
          return run.apply(statement, args);
        };
      }
    }
  }
  return () => runs;
}

/** How many times node A runs the query of a person's evidence records from now on. */
function countEvidenceReads(): () => number {
  const statements = a.store.conn().statements;
  const statement = statements.get("evidence_for_person") as { execute: (v: unknown) => unknown };
  const execute = statement.execute.bind(statement);
  let runs = 0;
  statement.execute = (values: unknown) => {
    runs++;
    return execute(values);
  };
  return () => runs;
}

const rowsOf = (html: string) => [...html.matchAll(/data-evidence="([^"]+)"/g)].map((m) => m[1]);
const stateOf = (html: string, id: string) =>
  new RegExp(`href="/console/credentials/${id}">[^<]*</a></td>(?:<td[^>]*>[^<]*</td>){2}<td>([^<]*)</td>`).exec(
    html,
  )?.[1];

describe("the kept person page", () => {
  it("is kept while nothing changes: a second view reads no evidence and is the same page", async () => {
    await written(a, 50);
    const ref = await refOfGrace();
    const first = await view(ref);
    const reads = countEvidenceReads();
    const second = await view(ref);
    expect(reads()).toBe(0);
    expect(second).toBe(first);
  });

  it("checks a kept page with one statement: the person, their count of changes and their credentials' rows", async () => {
    await issueCredential(a.ctx, { achievementId: ASSOCIATE, recipient: GRACE, actor: "test" });
    const record = await written(a, 50);
    for (const ref of [await refOfGrace(), record]) {
      const first = await view(ref);
      const runs = countStatementRuns();
      expect(await view(ref)).toBe(first);
      // besides the session's: the reference as a recipient id, and (a record's id) as an evidence record's
      const read = Object.entries(runs()).filter(([name]) => !name.includes("session"));
      expect(read).toEqual(
        ref === record
          ? [
              ["person_page_mark_recipient", 1],
              ["person_page_mark_record", 1],
            ]
          : [["person_page_mark_recipient", 1]],
      );
    }
  });

  it("sends the kept page whole between the layout's parts, whatever their characters", async () => {
    const person = { email: "zoe@example.org", name: "Zoë Ŝtraße 🚀 <b>" };
    await submitEvidence(
      a.ctx,
      {
        kind: "assessment",
        externalId: "zoe-1",
        person,
        occurredAt: "2026-03-01T09:00:00Z",
        assessment: "gitlab-associate-written",
        score: 70,
      } as never,
      ADMIN,
    );
    const html = await (await getPage(a, "/console/people?q=zoe", admin.cookie)).text();
    const ref = /href="\/console\/people\/([^"]+)" data-person=/.exec(html)?.[1] as string;
    for (const page of [await view(ref), await view(ref)]) {
      expect(page).toContain("<title>Zoë Ŝtraße 🚀 &lt;b&gt; · Laurel console</title>");
      expect(page).toContain(
        '<main id="main" class="wrap" tabindex="-1"><p><a href="/console/people">People</a></p><h1>Zoë Ŝtraße 🚀 &lt;b&gt;</h1>',
      );
      expect(page).toMatch(/<\/section><\/main><footer class="site-footer">/);
      expect(page.endsWith("</footer></body></html>")).toBe(true);
      expect(page).not.toContain("\uFFFD");
    }
  });

  it("names each evidence record once in its row, and keeps its cells free of per-cell classes (styled by column)", async () => {
    // 50 rows a page: every byte of a row is sent (and copied) on every view
    const ids = [await written(a, 70), await written(a, 80)];
    const html = await view(await refOfGrace());
    const rows = [...html.matchAll(/<tr data-evidence="([^"]+)"[^>]*>(.*?)<\/tr>/g)];
    expect(rows.map((m) => m[1])).toEqual([...ids].reverse());
    for (const [, id, cells] of rows) {
      expect(cells).not.toContain(id);
      expect(cells).not.toMatch(/<td [^>]*class=/);
    }
    expect(html).toContain('<section class="panel console-evidence" aria-labelledby="evidence-head">');
  });

  it("links by the reference it was opened with, whichever of the person's references was viewed before", async () => {
    const record = await written(a, 50);
    await issueCredential(a.ctx, { achievementId: FIELD_CERT, recipient: GRACE, actor: "test" });
    const recipient = await refOfGrace();
    expect(recipient).not.toBe(record);
    expect(await view(recipient)).toContain(`href="/console/evidence/new?person=${recipient}"`);
    const byRecord = await view(record);
    expect(byRecord).toContain(`href="/console/evidence/new?person=${record}"`);
    expect(byRecord).not.toContain(`?person=${recipient}"`);
  });

  it("shows evidence recorded on another node, and a correction of it, at the next view", async () => {
    const first = await written(a, 50);
    const ref = await refOfGrace();
    expect(rowsOf(await view(ref))).toEqual([first]);
    const second = await written(b, 91);
    const html = await view(ref);
    expect(rowsOf(html)).toEqual([second, first]);
    expect(html).toContain("score 91 %");
    expect(html).toContain("evidence.recorded");
  });

  it("shows a revocation made on another node at the next view, with its history", async () => {
    const associate = await issueCredential(a.ctx, { achievementId: ASSOCIATE, recipient: GRACE, actor: "test" });
    const field = await issueCredential(a.ctx, { achievementId: FIELD_CERT, recipient: GRACE, actor: "test" });
    const ref = await refOfGrace();
    const before = await view(ref);
    expect(stateOf(before, associate.id)).toBe("Active");
    expect(before).toMatch(new RegExp(`data-progress="${ASSOCIATE}" data-status="held"`));
    await revokeCredential(b.ctx, { credentialId: associate.id, reason: "test", actor: "test" });
    const revoked = await view(ref);
    expect(stateOf(revoked, associate.id)).toBe("Revoked");
    expect(revoked).not.toMatch(new RegExp(`data-progress="${ASSOCIATE}" data-status="held"`));
    expect(revoked).toContain("credential.revoked");
    expect(stateOf(revoked, field.id)).toBe("Active");
  });

  it("shows an approval decided on another node, and an audit entry about it alone, at the next view", async () => {
    const entry = a.ctx.catalog.get(FIELD_CERT);
    const sharedCatalog = entry === b.ctx.catalog.get(FIELD_CERT);
    if (!entry) {
      throw new Error("no field certification");
    }
    entry.criteria.requiresApproval = true;
    try {
      const person = GRACE;
      await submitEvidence(
        a.ctx,
        {
          kind: "completion",
          externalId: "fl-1",
          person,
          occurredAt: "2026-03-01T09:00:00Z",
          completion: "learning-path",
          item: "field-product-sales-learning-path",
        } as never,
        ADMIN,
      );
      const result = await submitEvidence(
        a.ctx,
        {
          kind: "assessment",
          externalId: "fa-1",
          person,
          occurredAt: "2026-03-01T10:00:00Z",
          assessment: "field-product-sales-assessment",
          score: 91,
        } as never,
        ADMIN,
      );
      const award = result.awarded[0];
      const approvalId = award?.outcome === "pending-approval" ? award.approvalId : undefined;
      expect(approvalId).toEqual(expect.any(String));
      const ref = await refOfGrace();
      expect(await view(ref)).toMatch(new RegExp(`data-progress="${FIELD_CERT}" data-status="pending-approval"`));
      if (!sharedCatalog) {
        (b.ctx.catalog.get(FIELD_CERT) as typeof entry).criteria.requiresApproval = true;
      }
      await reject(b.ctx, approvalId as string, "test", "not yet");
      const rejected = await view(ref);
      expect(rejected).not.toMatch(new RegExp(`data-progress="${FIELD_CERT}" data-status="pending-approval"`));
      expect(rejected).toContain("award.rejected");
      // an entry about the approval, written by any writer without touching the approval's row
      await b.store.tx((tx) =>
        appendAudit(tx, {
          at: new Date("2026-03-10T12:00:00Z"),
          actor: "someone-else",
          action: "approval.noted",
          targetType: "approval",
          targetId: approvalId as string,
          details: {},
        }),
      );
      expect(await view(ref)).toContain("approval.noted");
    } finally {
      entry.criteria.requiresApproval = false;
      const twin = b.ctx.catalog.get(FIELD_CERT);
      if (twin) {
        twin.criteria.requiresApproval = false;
      }
    }
  });

  it("shows a credential expired the instant it expires, and its certification no longer held", async () => {
    const field = await issueCredential(a.ctx, { achievementId: FIELD_CERT, recipient: GRACE, actor: "test" });
    const ref = await refOfGrace();
    const until = Date.parse(field.validUntil as string);
    a.clock.set(new Date(until - 60_000));
    admin = await signIn(a, "admin@example.org");
    a.clock.set(new Date(until - 1));
    const before = await view(ref);
    expect(stateOf(before, field.id)).toBe("Active");
    expect(await view(ref)).toBe(before);
    a.clock.set(new Date(until));
    const after = await view(ref);
    expect(stateOf(after, field.id)).toBe("Expired");
    expect(after).not.toMatch(new RegExp(`data-progress="${FIELD_CERT}" data-status="held"`));
  });

  it("shows each reader what their programs allow, whoever viewed the page before", async () => {
    await issueCredential(a.ctx, { achievementId: ASSOCIATE, recipient: GRACE, actor: "test" });
    await issueCredential(a.ctx, { achievementId: FIELD_CERT, recipient: GRACE, actor: "test" });
    await written(a, 50);
    const ref = await refOfGrace();
    const full = await view(ref);
    expect(full).toContain(`data-progress="${ASSOCIATE}"`);
    expect(full).toContain(`data-progress="${FIELD_CERT}"`);
    await createAccount(a, { email: "field@example.org", role: "program-manager", program: FIELD });
    const field = await signIn(a, "field@example.org");
    const fieldPage = await view(ref, field.cookie);
    expect(fieldPage).toContain(`data-progress="${FIELD_CERT}"`);
    expect(fieldPage).not.toContain(`data-progress="${ASSOCIATE}"`);
    expect(fieldPage).not.toContain("gitlab-associate-written");
    await createAccount(a, { email: "tech@example.org", role: "program-manager", program: TECH });
    const tech = await signIn(a, "tech@example.org");
    const techPage = await view(ref, tech.cookie);
    expect(techPage).toContain(`data-progress="${ASSOCIATE}"`);
    expect(techPage).not.toContain(`data-progress="${FIELD_CERT}"`);
    await createAccount(a, { email: "grader@example.org", role: "grader", program: TECH, graderRole: "ps-engineer" });
    const grader = await signIn(a, "grader@example.org");
    const graderPage = await view(ref, grader.cookie);
    expect(graderPage).not.toContain('id="credentials-head"');
    expect(graderPage).toContain("gitlab-associate-written");
    expect(graderPage).not.toContain(`data-progress="${FIELD_CERT}"`);
    // and the admin's page again, after theirs: the admin's, unchanged
    expect(await view(ref)).toBe(full);
  });
});

/**
 * SQLite-only (its query planner, without statistics): what a view reads to check the kept page goes through indexes
 * by the person's own rows: no scan of a growing table, and the audit log by (target_type, target_id), never by the
 * type alone (every audit entry about any credential).
 */
describe.skipIf(onPostgres)("the kept person page's checks", () => {
  it("read the person's rows through indexes only", async () => {
    await issueCredential(a.ctx, { achievementId: ASSOCIATE, recipient: GRACE, actor: "test" });
    await written(a, 50);
    const ref = await refOfGrace();
    const seen = (await statementsPrepared(a.store, () => view(ref))).filter((source) => /^\s*select/i.test(source));
    const bad: string[] = [];
    for (const source of seen) {
      for (const detail of queryPlan(a.store, source, "x")) {
        if (/^SCAN (credentials|audit_log|evidence|pending_approvals|recipients)\b/.test(detail)) {
          bad.push(`${detail} in ${source}`);
        }
        if (/audit_target_idx \(target_type=\?\)/.test(detail)) {
          bad.push(`${detail} in ${source}`);
        }
      }
    }
    expect([...seen].some((source) => source.includes('"audit_log"'))).toBe(true);
    expect(bad).toEqual([]);
  });
});
