import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createApiKey } from "../../src/services/api-keys.js";
import { listAudit } from "../../src/storage/audit-repo.js";
import { adminGet, adminPost, readProblem } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { countRows, refusal } from "../helpers/store.js";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

const evidenceCount = () => countRows(t.store, "evidence");

const written = (overrides: Record<string, unknown> = {}) => ({
  kind: "assessment",
  externalId: "lms-1",
  person: { email: "Ada@Example.org", name: "Ada Lovelace" },
  occurredAt: "2026-03-01T10:00:00Z",
  assessment: "gitlab-associate-written",
  score: 72,
  comment: "struggled with runners",
  ...overrides,
});

describe("recording evidence", () => {
  it("records an assessment result with who submitted it and when, and audits it", async () => {
    const res = await adminPost(t, "/admin/evidence", written());
    expect(res.status).toBe(201);
    const body = (await res.json()) as { status: string; evidence: Record<string, any> };
    expect(body.status).toBe("recorded");
    expect(body.evidence).toMatchObject({
      externalId: "lms-1",
      person: { email: "ada@example.org", name: "Ada Lovelace" },
      kind: "assessment",
      item: "gitlab-associate-written",
      occurredAt: "2026-03-01T10:00:00.000Z",
      submittedAt: t.clock.now().toISOString(),
      data: { assessment: "gitlab-associate-written", score: 72, comment: "struggled with runners" },
    });
    expect(body.evidence.submittedBy).toMatch(/^api-key:/);
    expect((await listAudit(t.store.conn(), 1))[0]).toMatchObject({
      action: "evidence.recorded",
      targetId: body.evidence.id,
    });
  });

  it("is idempotent by externalId: the same submission again changes nothing and says so", async () => {
    const first = (await (await adminPost(t, "/admin/evidence", written())).json()) as { evidence: { id: string } };
    const again = await adminPost(t, "/admin/evidence", written());
    expect(again.status).toBe(200);
    const body = (await again.json()) as { status: string; evidence: { id: string } };
    expect(body).toMatchObject({ status: "duplicate", evidence: { id: first.evidence.id } });
    expect(await evidenceCount()).toBe(1);
  });

  it("refuses the same externalId for different content (409), storing nothing", async () => {
    await adminPost(t, "/admin/evidence", written());
    const res = await adminPost(t, "/admin/evidence", written({ score: 95 }));
    expect(res.status).toBe(409);
    const problem = await readProblem(res);
    expect(problem.detail).toContain('externalId "lms-1"');
    expect(await evidenceCount()).toBe(1);
  });

  it("records a record sent twice at once once, and the second is a duplicate (across nodes too)", async () => {
    const both = await Promise.all([
      adminPost(t, "/admin/evidence", written()),
      adminPost(t, "/admin/evidence", written()),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([200, 201]);
    expect(await evidenceCount()).toBe(1);
  });

  it("accepts one of two corrections of one record sent at once: a chain, never a fork", async () => {
    const first = (await (await adminPost(t, "/admin/evidence", written())).json()) as { evidence: { id: string } };
    const fix = (externalId: string, score: number) =>
      adminPost(t, "/admin/evidence", written({ externalId, score, supersedes: first.evidence.id }));
    const both = await Promise.all([fix("lms-1-fix-a", 80), fix("lms-1-fix-b", 81)]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 400]);
    expect(await evidenceCount()).toBe(2);
  });

  it("is append-only: a correction supersedes, and the database refuses edits", async () => {
    const first = (await (await adminPost(t, "/admin/evidence", written())).json()) as { evidence: { id: string } };
    t.clock.advance(60_000);
    const fix = await adminPost(
      t,
      "/admin/evidence",
      written({ externalId: "lms-1-fix", score: 82, supersedes: first.evidence.id }),
    );
    expect(fix.status).toBe(201);
    expect((await listAudit(t.store.conn(), 1))[0]?.action).toBe("evidence.corrected");
    const { evidence } = t.store.conn().t;
    expect(await refusal(t.store.tx((tx) => tx.update(evidence).set({ item: "x" })))).toMatch(/append-only/);
    expect(await refusal(t.store.tx((tx) => tx.delete(evidence)))).toMatch(/append-only/);
    const list = (await (await adminGet(t, "/admin/evidence?email=ada@example.org")).json()) as {
      items: Array<{ supersedes: string | null }>;
    };
    expect(list.items.map((i) => i.supersedes)).toEqual([null, first.evidence.id]);
  });

  it.each([
    ["a completion", { kind: "completion", completion: "learning-path", item: "field-product-sales-learning-path" }],
    ["a live delivery", { kind: "completion", completion: "delivery", item: "gitlab-cicd-dry-run", mode: "live" }],
    [
      "a form rating",
      {
        kind: "rating",
        form: "gitlab-cicd-candidate-observation-form",
        scale: 5,
        ratings: [4, 5, 3, 4],
        graderRole: "certified-trainer",
      },
    ],
    [
      "a survey form of a delivery",
      { kind: "rating", form: "gitlab-cicd-training-survey", scale: 5, ratings: [5, 4], delivery: "cicd-2026-03-acme" },
    ],
    [
      "a record its source marks as counting for no certification",
      { kind: "completion", completion: "course", item: "lunch-and-learn", uncatalogued: true },
    ],
  ])("records %s", async (_label, fields) => {
    const res = await adminPost(t, "/admin/evidence", {
      externalId: `x-${_label}`,
      person: { email: "b@example.org" },
      occurredAt: "2026-03-01T10:00:00+02:00",
      ...fields,
    });
    expect(res.status).toBe(201);
  });
});

describe("bad evidence", () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ["unknown kind", written({ kind: "vibes" }), "kind"],
    ["score above 100", written({ score: 101 }), "score"],
    ["neither score nor passed", written({ score: undefined }), "score"],
    ["date without time zone", written({ occurredAt: "2026-03-01 10:00" }), "occurredAt"],
    ["a future date", written({ occurredAt: "2030-01-01T00:00:00Z" }), "occurredAt"],
    ["bad email", written({ person: { email: "nope" } }), "person.email"],
    // a person's name is signed into their credentials: the display-name rule of issuance and reissue
    [
      "a control character in the name",
      written({ person: { email: "k@example.org", name: "Kim\u0001Park" } }),
      "person.name",
    ],
    [
      "a bidi override in the name",
      written({ person: { email: "k@example.org", name: "Kim \u202ekraP" } }),
      "person.name",
    ],
    ["a lone surrogate in the name", written({ person: { email: "k@example.org", name: "Kim\ud800" } }), "person.name"],
    ["a noncharacter in the name", written({ person: { email: "k@example.org", name: "Kim\uffff" } }), "person.name"],
    [
      "rating beyond the scale",
      {
        ...written(),
        kind: "rating",
        form: "f",
        scale: 5,
        ratings: [6],
        assessment: undefined,
        score: undefined,
        comment: undefined,
      },
      "ratings",
    ],
    [
      "unknown completion type",
      {
        ...written(),
        kind: "completion",
        completion: "nap",
        item: "x",
        assessment: undefined,
        score: undefined,
        comment: undefined,
      },
      "completion",
    ],
    ["supersedes an unknown record", written({ supersedes: "0b4f8a9e-5c1d-4f3e-9a7b-2c6d8e1f0a3b" }), "supersedes"],
  ];
  it.each(cases)("%s → 400 naming %s, nothing stored", async (_label, body, field) => {
    const res = await adminPost(t, "/admin/evidence", body);
    expect(res.status).toBe(400);
    const problem = await readProblem(res);
    expect(problem.errors?.map((e) => e.path)).toContain(field);
    expect(await evidenceCount()).toBe(0);
  });

  it("needs the evidence:write scope", async () => {
    const reader = await createApiKey(t.ctx, { name: "r", scopes: ["evidence:read"], actor: "test" });
    expect((await adminPost(t, "/admin/evidence", written(), reader.token)).status).toBe(403);
    const grader = await createApiKey(t.ctx, { name: "g", scopes: ["evidence:write"], actor: "test" });
    expect((await adminPost(t, "/admin/evidence", written(), grader.token)).status).toBe(201);
  });
});

describe("batches", () => {
  it("reports every record: recorded, duplicate and rejected with reasons; one bad record blocks nothing else", async () => {
    await adminPost(t, "/admin/evidence", written());
    const res = await adminPost(t, "/admin/evidence/batch", {
      records: [
        written(),
        written({ externalId: "lms-2", score: 85 }),
        written({ externalId: "lms-3", score: "high" }),
        "not an object",
        written({ externalId: "lms-1", score: 99 }),
      ],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, any>;
    expect([body.recorded, body.duplicates, body.rejected]).toEqual([1, 1, 3]);
    expect(body.results.map((r: { status: string }) => r.status)).toEqual([
      "duplicate",
      "recorded",
      "rejected",
      "rejected",
      "rejected",
    ]);
    expect(body.results[2].errors[0].path).toBe("score");
    expect(body.results[4].errors[0].message).toContain("already used for different evidence");
    expect(await evidenceCount()).toBe(2);
  });

  it("caps a batch at 500 records", async () => {
    const res = await adminPost(t, "/admin/evidence/batch", { records: Array.from({ length: 501 }, () => ({})) });
    expect(res.status).toBe(400);
  });
});
