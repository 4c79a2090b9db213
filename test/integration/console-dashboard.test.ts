import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { createServiceState } from "../../src/compose.js";
import { listAuditHeads } from "../../src/storage/audit-repo.js";
import { insertPendingApproval } from "../../src/storage/person-credentials-repo.js";
import { createAccount, getPage, signIn } from "../helpers/console.js";
import { issue } from "../helpers/http.js";
import { makeTestApp, TEST_START, type TestApp } from "../helpers/make-app.js";

const FIELD = "GitLab Field Product Certification";
const TECH = "GitLab Technical Certifications";
const SALES = "field-product-certification-sales";

let t: TestApp;
beforeEach(async () => {
  // TEST_START is Monday 2 March 2026, 09:30 UTC: the fiscal Q1 renewal window (1 February + 30 days) is open
  t = await makeTestApp();
  await createAccount(t, { email: "admin@example.org", role: "admin" });
});
afterEach(async () => {
  await t.close();
});

/** The text of the dashboard panel headed `heading` (up to the next panel). */
function panel(html: string, heading: string): string {
  const start = html.indexOf(`>${heading}</h2>`);
  if (start < 0) {
    return "";
  }
  const end = html.indexOf("</section>", start);
  return html
    .slice(start, end)
    .replace(/<[^>]+>/g, " ")
    .replace(/\s+/g, " ");
}

async function issueAt(at: string, achievementId: string, email: string) {
  t.clock.set(new Date(at));
  return issue(t, { achievementId, recipient: { email, name: email.split("@")[0] } });
}

async function queueApproval(id: string, achievementId: string) {
  await t.ctx.store.tx((tx) =>
    insertPendingApproval(tx, {
      id,
      personEmail: `${id}@example.org`,
      personName: id,
      achievementId,
      achievementVersion: t.ctx.catalog.get(achievementId)?.version ?? "",
      decision: {},
      createdAt: TEST_START,
    }),
  );
}

describe("the console dashboard", () => {
  it("counts issued this week and month per certification, approvals, expiries, open renewal windows and activity", async () => {
    await issueAt("2026-01-15T10:00:00Z", SALES, "due@example.org"); // valid until the Q1 window closes, 3 March
    await issueAt("2026-02-20T10:00:00Z", "gitlab-certified-associate", "feb@example.org"); // last month
    await issueAt("2026-03-01T12:00:00Z", "gitlab-certified-associate", "sun@example.org"); // this month, last week
    await issueAt("2026-03-02T08:00:00Z", "gitlab-certified-associate", "mon1@example.org");
    await issueAt("2026-03-02T09:00:00Z", "gitlab-certified-associate", "mon2@example.org");
    await issueAt("2026-03-02T09:10:00Z", SALES, "new@example.org"); // valid until the Q3 window closes
    t.clock.set(TEST_START);
    await queueApproval("a1", "gitlab-certified-associate");
    await queueApproval("a2", SALES);

    const admin = await signIn(t, "admin@example.org");
    const res = await getPage(t, "/console", admin.cookie);
    expect(res.status).toBe(200);
    const html = await res.text();
    const issued = panel(html, "Issued");
    expect(issued).toContain("GitLab Certified Associate 2 3");
    expect(issued).toContain("GitLab Product Certification for Sales Roles 1 1");
    expect(issued).toContain("since Monday 2 March 2026");
    expect(panel(html, "Waiting for approval")).toContain("2 awards meet their criteria");
    expect(html).toContain('href="/console/approvals"');
    const expiring = panel(html, "Expiring in the next 60 days");
    expect(expiring).toMatch(/^>Expiring in the next 60 days 1 Active/);
    expect(expiring).toContain("GitLab Product Certification for Sales Roles 1");
    const renewals = panel(html, "Renewal windows open now");
    expect(renewals).toContain("GitLab Product Certification for Sales Roles 1 February 2026 to 3 March 2026 1");
    expect(html).toContain(`href="/console/credentials?achievementId=${SALES}"`);
    const activity = panel(html, "Recent activity");
    expect(activity).toContain("credential.issued");
  });

  it("shows each account only the figures of its programs, and the activity only with audit:read", async () => {
    await issueAt("2026-03-02T08:00:00Z", "gitlab-certified-associate", "mon1@example.org");
    await issueAt("2026-03-02T08:10:00Z", SALES, "mon2@example.org");
    t.clock.set(TEST_START);
    await queueApproval("a1", "gitlab-certified-associate");
    await createAccount(t, { email: "pm@example.org", role: "program-manager", program: FIELD });
    await createAccount(t, { email: "grader@example.org", role: "grader", program: TECH, graderRole: "ps-engineer" });
    await createAccount(t, { email: "auditor@example.org", role: "auditor" });

    const pm = await (await getPage(t, "/console", (await signIn(t, "pm@example.org")).cookie)).text();
    expect(panel(pm, "Issued")).toContain("Sales Roles");
    expect(panel(pm, "Issued")).not.toContain("GitLab Certified Associate");
    expect(panel(pm, "Waiting for approval")).toContain("No award is waiting");
    expect(pm).not.toContain("Recent activity");

    const grader = await (await getPage(t, "/console", (await signIn(t, "grader@example.org")).cookie)).text();
    for (const heading of ["Issued", "Waiting for approval", "Recent activity", "Renewal windows open now"]) {
      expect(grader).not.toContain(`>${heading}</h2>`);
    }

    const auditor = await (await getPage(t, "/console", (await signIn(t, "auditor@example.org")).cookie)).text();
    expect(panel(auditor, "Issued")).toContain("GitLab Certified Associate");
    expect(panel(auditor, "Waiting for approval")).toContain("One award meets its criteria");
    expect(panel(auditor, "Recent activity")).toContain("credential.issued");
  });

  it("counts credentials on each node at most every 30 seconds, says when, and shows approvals and activity at once", async () => {
    await issueAt("2026-03-02T09:30:00Z", "gitlab-certified-associate", "one@example.org");
    const admin = await signIn(t, "admin@example.org");
    const first = await (await getPage(t, "/console", admin.cookie)).text();
    expect(panel(first, "Issued")).toContain("GitLab Certified Associate 1 1");
    expect(first).toContain("Credentials counted at 2026-03-02 09:30:00 UTC");

    // ten seconds later another credential and an award waiting: the counts are this node's of 09:30:00, said so;
    // the queue and the activity are read on every view
    await issueAt("2026-03-02T09:30:10Z", "gitlab-certified-associate", "two@example.org");
    await queueApproval("a1", "gitlab-certified-associate");
    const held = await (await getPage(t, "/console", admin.cookie)).text();
    expect(panel(held, "Issued")).toContain("GitLab Certified Associate 1 1");
    expect(held).toContain("Credentials counted at 2026-03-02 09:30:00 UTC");
    expect(panel(held, "Waiting for approval")).toContain("One award meets its criteria");
    expect(panel(held, "Recent activity")).toMatch(/09:30 .*credential\.issued.*09:30 .*credential\.issued/);

    // another node (its own memory, the same database) counts for itself
    const other = createApp({ ...t.ctx, state: createServiceState(t.ctx.config, t.ctx.state.ob3Schema) }, {});
    const elsewhere = await (
      await other.request("/console", { headers: { cookie: `laurel_session=${admin.cookie}` } })
    ).text();
    expect(panel(elsewhere, "Issued")).toContain("GitLab Certified Associate 2 2");
    expect(elsewhere).toContain("Credentials counted at 2026-03-02 09:30:10 UTC");

    // 30 seconds after the count, this node counts again
    t.clock.set(new Date("2026-03-02T09:30:30Z"));
    const again = await (await getPage(t, "/console", admin.cookie)).text();
    expect(panel(again, "Issued")).toContain("GitLab Certified Associate 2 2");
    expect(again).toContain("Credentials counted at 2026-03-02 09:30:30 UTC");
  });

  it("shows the activity as of now: an entry another node writes, and one numbered lower that commits later", async () => {
    const admin = await signIn(t, "admin@example.org");
    const before = panel(await (await getPage(t, "/console", admin.cookie)).text(), "Recent activity");
    expect(before).toContain("user.signed-in");
    const [newest] = await listAuditHeads(t.ctx.store.conn(), 1);
    const seq = newest?.seq ?? 0;
    // as another node would write them: its transaction numbered 10 past the newest, another's 5 past, committed later
    const entry = (n: number, action: string) =>
      t.ctx.store.tx(async (tx) => {
        await tx.insert(tx.t.auditLog).values({
          seq: seq + n,
          at: TEST_START,
          actor: "node-b",
          action,
          targetType: "test",
          targetId: `entry-${n}`,
        });
      });
    await entry(10, "test.numbered-later");
    const second = panel(await (await getPage(t, "/console", admin.cookie)).text(), "Recent activity");
    expect(second).toContain("test.numbered-later");
    expect(second).not.toContain("test.committed-later");
    await entry(5, "test.committed-later");
    const third = panel(await (await getPage(t, "/console", admin.cookie)).text(), "Recent activity");
    expect(third).toMatch(/test\.numbered-later .*test\.committed-later .*user\.signed-in/);
    // the same entries again: the same panel
    expect(panel(await (await getPage(t, "/console", admin.cookie)).text(), "Recent activity")).toBe(third);
  });
});
