import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { getApproval } from "../../src/services/approvals.js";
import type { EvidenceSubmission } from "../../src/services/record-evidence.js";
import { submitEvidence } from "../../src/services/submit-evidence.js";
import { listAudit } from "../../src/storage/audit-repo.js";
import { createAccount, getPage, postForm, signIn } from "../helpers/console.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { countRows } from "../helpers/store.js";

const FIELD = "GitLab Field Product Certification";
const FIELD_CERT = "field-product-certification-sales";
const ASSOCIATE = "gitlab-certified-associate";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
  for (const id of [FIELD_CERT, ASSOCIATE]) {
    const entry = t.ctx.catalog.get(id);
    if (entry) {
      entry.criteria.requiresApproval = true;
    }
  }
});
afterEach(async () => {
  // the catalog's entries are shared by this file's tests
  for (const id of [FIELD_CERT, ASSOCIATE]) {
    const entry = t.ctx.catalog.get(id);
    if (entry) {
      entry.criteria.requiresApproval = false;
    }
  }
  await t.close();
});

const by = { actor: "test", graderRole: null, isAdmin: true };
let records = 0;

async function submit(record: Record<string, unknown>): Promise<string | undefined> {
  const result = await submitEvidence(t.ctx, { ...record, externalId: `x-${++records}` } as EvidenceSubmission, by);
  const award = result.awarded[0];
  return award?.outcome === "pending-approval" ? award.approvalId : undefined;
}

/** An award of the sales product certification waiting for approval. */
async function pendingField(email: string): Promise<string> {
  const person = { email, name: "Fay Field" };
  await submit({
    kind: "completion",
    person,
    occurredAt: "2026-03-01T09:00:00Z",
    completion: "learning-path",
    item: "field-product-sales-learning-path",
  });
  const id = await submit({
    kind: "assessment",
    person,
    occurredAt: "2026-03-01T10:00:00Z",
    assessment: "field-product-sales-assessment",
    score: 91,
  });
  if (!id) {
    throw new Error("no approval queued");
  }
  return id;
}

/** An Associate award waiting for approval (the technical program). */
async function pendingTech(email: string): Promise<string> {
  const person = { email, name: "Tom Tech" };
  await submit({
    kind: "assessment",
    person,
    occurredAt: "2026-03-01T09:00:00Z",
    assessment: "gitlab-associate-written",
    score: 90,
  });
  const id = await submit({
    kind: "assessment",
    person,
    occurredAt: "2026-03-01T10:00:00Z",
    assessment: "gitlab-associate-lab",
    passed: true,
    graderRole: "ps-engineer",
  });
  if (!id) {
    throw new Error("no approval queued");
  }
  return id;
}

async function fieldManager() {
  await createAccount(t, { email: "pm@example.org", role: "program-manager", program: FIELD });
  return signIn(t, "pm@example.org");
}

describe("console: approvals", () => {
  it("shows a program manager its programs' queue, approves one (the credential issued, audited as the account)", async () => {
    const field = await pendingField("fay@example.org");
    const tech = await pendingTech("tom@example.org");
    const pm = await fieldManager();
    const page = await getPage(t, "/console/approvals", pm.cookie);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`data-approval="${field}"`);
    expect(html).not.toContain(`data-approval="${tech}"`);
    expect(html).not.toContain("tom@example.org");
    expect(html).toContain("GitLab Product Certification for Sales Roles for Fay Field");

    const approved = await postForm(
      t,
      `/console/approvals/${field}/approve`,
      { _csrf: pm.csrf },
      { cookie: pm.cookie },
    );
    expect(approved.status).toBe(303);
    const location = approved.headers.get("location") ?? "";
    expect(location).toMatch(/^\/console\/approvals\?done=approved&credential=[0-9a-f-]{36}$/);
    expect(await countRows(t.store, "credentials")).toBe(1);
    const after = await (await getPage(t, location, pm.cookie)).text();
    expect(after).toContain("Approved: the credential has been issued.");
    expect(after).toMatch(/href="\/console\/credentials\/[0-9a-f-]{36}">See the credential/);
    expect(after).toContain("No award is waiting for approval in your programs.");
    const [entry] = await listAudit(t.store.conn(), 1);
    expect(entry?.action).toBe("award.approved");
    expect(entry?.actor).toMatch(/^user:/);

    // the other program's award: a 403 page, nothing issued; decided again: the queue says so (409)
    const other = await postForm(t, `/console/approvals/${tech}/approve`, { _csrf: pm.csrf }, { cookie: pm.cookie });
    expect(other.status).toBe(403);
    expect(await other.text()).toContain("needs the &quot;approvals:decide&quot; permission for GitLab Technical");
    expect(await countRows(t.store, "credentials")).toBe(1);
    expect((await getApproval(t.ctx, tech)).decided).toBe(false);
    const again = await postForm(
      t,
      `/console/approvals/${field}/reject`,
      { reason: "late", _csrf: pm.csrf },
      { cookie: pm.cookie },
    );
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("was already approved");
  });

  it("rejects with a reason; a bad reason comes back next to its field, inert, nothing decided", async () => {
    const field = await pendingField("fay@example.org");
    const pm = await fieldManager();
    const post = (reason: string) =>
      postForm(t, `/console/approvals/${field}/reject`, { reason, _csrf: pm.csrf }, { cookie: pm.cookie });
    const empty = await post("   ");
    expect(empty.status).toBe(400);
    expect(await empty.text()).toMatch(
      new RegExp(`id="field-${field}-reason-error">Too small: expected string to have &gt;=1 characters`),
    );
    const long = await post(`<script>alert(1)</script>${"x".repeat(2000)}`);
    expect(long.status).toBe(400);
    const longHtml = await long.text();
    expect(longHtml).toMatch(/-reason-error">Too big: expected string to have &lt;=2000 characters/);
    expect(longHtml).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(longHtml).not.toContain("<script>alert(1)");
    expect((await getApproval(t.ctx, field)).decided).toBe(false);

    const rejected = await post("Assessment taken on a shared account");
    expect(rejected.status).toBe(303);
    expect(rejected.headers.get("location")).toBe("/console/approvals?done=rejected");
    expect((await getApproval(t.ctx, field)).decided).toBe(true);
    expect(await countRows(t.store, "credentials")).toBe(0);
    const [entry] = await listAudit(t.store.conn(), 1);
    expect(entry?.action).toBe("award.rejected");
    expect(entry?.details).toEqual({ reason: "Assessment taken on a shared account" });
  });

  it("shows an auditor the whole queue without forms and refuses its decisions; unknown ids are 404 pages", async () => {
    const field = await pendingField("fay@example.org");
    const tech = await pendingTech("tom@example.org");
    await createAccount(t, { email: "au@example.org", role: "auditor" });
    const auditor = await signIn(t, "au@example.org");
    const page = await getPage(t, "/console/approvals", auditor.cookie);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`data-approval="${field}"`);
    expect(html).toContain(`data-approval="${tech}"`);
    expect(html).not.toContain("Approve and issue");
    for (const action of ["approve", "reject"]) {
      const res = await postForm(
        t,
        `/console/approvals/${field}/${action}`,
        { reason: "no", _csrf: auditor.csrf },
        { cookie: auditor.cookie },
      );
      expect(res.status, action).toBe(403);
    }
    expect((await getApproval(t.ctx, field)).decided).toBe(false);

    await createAccount(t, { email: "admin@example.org", role: "admin" });
    const admin = await signIn(t, "admin@example.org");
    for (const id of ["7f1c0d62-2b8e-4a55-9a6e-0d2f3c4b5a69", "<b>nope</b>"]) {
      const res = await postForm(
        t,
        `/console/approvals/${encodeURIComponent(id)}/approve`,
        { _csrf: admin.csrf },
        { cookie: admin.cookie },
      );
      expect(res.status, id).toBe(404);
      expect(await res.text()).not.toContain("<b>nope</b>");
    }
    // no session: a page sends the browser to sign in, a decision is a 401
    const anonymous = await getPage(t, "/console/approvals");
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get("location")).toBe("/console/sign-in?next=%2Fconsole%2Fapprovals");
    expect((await postForm(t, `/console/approvals/${field}/approve`, {})).status).toBe(401);
    // a grader has no queue at all
    await createAccount(t, { email: "g@example.org", role: "grader", program: FIELD });
    const grader = await signIn(t, "g@example.org");
    expect((await getPage(t, "/console/approvals", grader.cookie)).status).toBe(403);
  });

  it("changes nothing for a decision without the session's CSRF token", async () => {
    const field = await pendingField("fay@example.org");
    const pm = await fieldManager();
    const res = await postForm(t, `/console/approvals/${field}/approve`, {}, { cookie: pm.cookie });
    expect(res.status).toBe(403);
    const wrong = await postForm(t, `/console/approvals/${field}/approve`, { _csrf: "nope" }, { cookie: pm.cookie });
    expect(wrong.status).toBe(403);
    expect((await getApproval(t.ctx, field)).decided).toBe(false);
    expect(await countRows(t.store, "credentials")).toBe(0);
  });
});
