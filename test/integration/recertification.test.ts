import { afterEach, describe, expect, it } from "vitest";
import { adminGet, adminPost } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";

/**
 * Field product certification (seed 002) with a fixed clock across fiscal quarters. The fiscal year starts in
 * February (the default), so renewal windows open on 1 February (Q1) and 1 August (Q3) and stay open 30 days;
 * a credential lasts until the next window closes.
 */
const CERT = "field-product-certification-sales";
const person = { email: "sam@example.org", name: "Sam Seller" };
let t: TestApp;
afterEach(() => t.close());

let seq = 0;
async function submit(at: string, body: Record<string, unknown>) {
  t.clock.set(new Date(at));
  const res = await adminPost(t, "/admin/evidence", { externalId: `rc-${++seq}`, person, occurredAt: at, ...body });
  expect([200, 201]).toContain(res.status);
  const json = (await res.json()) as { awarded: Array<{ achievementId: string; credentialId?: string }> };
  return json.awarded.filter((a) => a.achievementId === CERT).map((a) => a.credentialId as string);
}
const learningPath = (at: string) =>
  submit(at, { kind: "completion", completion: "learning-path", item: "field-product-sales-learning-path" });
const assessment = (at: string, score: number) =>
  submit(at, { kind: "assessment", assessment: "field-product-sales-assessment", score });

async function view(id: string) {
  const res = await adminGet(t, `/admin/credentials/${id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, any>;
}

/** Certified mid-cycle: learning path in September, 85 % on 15 October 2026 (fiscal Q3 FY27). */
async function certifyInOctober(): Promise<string> {
  t = await makeTestApp({ now: new Date("2026-09-20T09:00:00Z") });
  await learningPath("2026-09-20T09:00:00Z");
  const [id] = await assessment("2026-10-15T09:00:00Z", 85);
  expect(id).toBeDefined();
  const first = await view(id as string);
  // Valid until the Q1 FY28 window (1 February 2027 + 30 days) closes.
  expect(first.credential.validUntil).toBe("2027-03-03T00:00:00Z");
  expect(first.credential.awardedDate).toBe("2026-10-15T09:00:00Z");
  return id as string;
}

describe("recertification of the field product certification", () => {
  it("renews on time inside the Q1 window: a new credential supersedes the old and keeps its awardedDate", async () => {
    const firstId = await certifyInOctober();
    // A better score before the window changes nothing: the credential is not due yet.
    expect(await assessment("2026-12-01T09:00:00Z", 95)).toEqual([]);
    // In the window, a passing assessment renews it.
    const [renewedId] = await assessment("2027-02-10T09:00:00Z", 88);
    expect(renewedId).toBeDefined();
    const renewed = await view(renewedId as string);
    expect(renewed.credential.awardedDate).toBe("2026-10-15T09:00:00Z");
    expect(renewed.credential.validFrom).toBe("2027-02-10T09:00:00Z");
    // Renewed inside Q1, it lasts until the Q3 window (1 August 2027 + 30 days) closes.
    expect(renewed.credential.validUntil).toBe("2027-08-31T00:00:00Z");
    const old = await view(firstId);
    expect(JSON.stringify(old)).toContain(renewedId);
    expect(JSON.stringify(old).toLowerCase()).toContain("superseded");
    // Renewed once per window: a second pass in the same window issues nothing.
    expect(await assessment("2027-02-20T09:00:00Z", 99)).toEqual([]);
  });

  it("lets a missed window lapse: expired, not revoked; spent evidence does not re-award; a new pass does", async () => {
    const firstId = await certifyInOctober();
    // 10 March 2027: the window closed on 3 March without a renewal.
    t.clock.set(new Date("2027-03-10T09:00:00Z"));
    const page = await t.app.request(`/api/verify`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: `https://badges.test/credentials/${firstId}` }),
    });
    expect(page.status).toBe(200);
    expect(((await page.json()) as { verdict: string }).verdict).toBe("expired");
    const old = await view(firstId);
    expect(JSON.stringify(old).toLowerCase()).not.toContain("revoked");
    // Completing the learning path again is not enough: the October assessment was spent on the first award.
    expect(await learningPath("2027-03-12T09:00:00Z")).toEqual([]);
    const [againId] = await assessment("2027-03-15T09:00:00Z", 90);
    expect(againId).toBeDefined();
    const again = await view(againId as string);
    // Not continuous: a fresh award date, valid until the next (Q3) window closes; the lapsed one is not superseded.
    expect(again.credential.awardedDate).toBe("2027-03-15T09:00:00Z");
    expect(again.credential.validUntil).toBe("2027-08-31T00:00:00Z");
    expect(JSON.stringify(await view(firstId))).not.toContain(againId);
  });

  it("after a failed recertification, a retake counts only once the learning path is completed again", async () => {
    await certifyInOctober();
    expect(await assessment("2027-02-05T09:00:00Z", 70)).toEqual([]);
    // Retaking straight away does not count (seed 002: complete the learning path again first).
    expect(await assessment("2027-02-07T09:00:00Z", 90)).toEqual([]);
    expect(await learningPath("2027-02-12T09:00:00Z")).toEqual([]);
    const [renewedId] = await assessment("2027-02-14T09:00:00Z", 85);
    expect(renewedId).toBeDefined();
    const renewed = await view(renewedId as string);
    expect(renewed.credential.awardedDate).toBe("2026-10-15T09:00:00Z");
    expect(renewed.credential.validUntil).toBe("2027-08-31T00:00:00Z");
  });

  it("a renewal approved only after the old credential lapsed is a fresh award: the old one stays expired", async () => {
    const firstId = await certifyInOctober();
    const entry = t.ctx.catalog.get(CERT);
    if (!entry) {
      throw new Error("catalog");
    }
    entry.criteria.requiresApproval = true;
    t.clock.set(new Date("2027-02-20T09:00:00Z"));
    const res = await adminPost(t, "/admin/evidence", {
      externalId: "rc-late",
      person,
      occurredAt: "2027-02-20T09:00:00Z",
      kind: "assessment",
      assessment: "field-product-sales-assessment",
      score: 91,
    });
    const { awarded } = (await res.json()) as { awarded: Array<{ outcome: string; approvalId?: string }> };
    const pending = awarded.find((a) => a.outcome === "pending-approval");
    expect(pending?.approvalId).toBeDefined();
    // Nobody approves it before the window closes on 3 March.
    t.clock.set(new Date("2027-03-10T09:00:00Z"));
    const approved = await adminPost(t, `/admin/approvals/${pending?.approvalId}/approve`, {});
    expect(approved.status).toBe(201);
    const { credentialId } = (await approved.json()) as { credentialId: string };
    const fresh = await view(credentialId);
    expect(fresh.credential.awardedDate).toBe("2027-03-10T09:00:00Z");
    const old = await view(firstId);
    expect(JSON.stringify(old)).not.toContain(credentialId);
    expect(JSON.stringify(old).toLowerCase()).not.toContain("revoked");
  });
});
