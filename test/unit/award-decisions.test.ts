import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { Catalog } from "../../src/domain/catalog/parse-catalog.js";
import type { Evidence, HeldCredential } from "../../src/domain/criteria/types.js";
import { loadCatalog } from "../../src/load-templates.js";
import { type AwardDecision, type AwardFacts, decideAwards } from "../../src/services/award-decisions.js";

/** The decide half of awarding: what is met and what to do about it, from facts alone (no database, no writes). */

const catalog = loadCatalog("templates");
const config = loadConfig({ LAUREL_PUBLIC_URL: "https://badges.test" });
const NOW = new Date("2026-03-10T12:00:00Z");
const ASSOCIATE = "gitlab-certified-associate";

const passedAssociate: Evidence[] = [
  { id: "ev-2", kind: "assessment", item: "gitlab-associate-written", score: 86, occurredAt: "2026-03-02T09:00:00Z" },
  {
    id: "ev-1",
    kind: "assessment",
    item: "gitlab-associate-lab",
    passed: true,
    graderRole: "ps-engineer",
    occurredAt: "2026-03-05T09:00:00Z",
  },
];

function facts(evidence: Evidence[], more: Partial<AwardFacts> & { held?: HeldCredential[] } = {}): AwardFacts {
  const state = { email: "grace@example.org", name: "Grace Hopper", evidence, held: more.held ?? [] };
  return { now: NOW, state, approvals: more.approvals ?? new Map() };
}

function decisionFor(decisions: AwardDecision[], id: string): AwardDecision | undefined {
  return decisions.find((d) => (d.action === "skip" ? d.achievementId : d.entry.id) === id);
}

describe("decideAwards", () => {
  it("decides every certification with criteria, and skips all as not met without evidence", () => {
    const decisions = decideAwards({ catalog, config }, facts([]));
    expect(decisions).toHaveLength(catalog.entries.filter((e) => e.criteria.rule).length);
    expect(new Set(decisions.map((d) => (d.action === "skip" ? d.why : d.action)))).toEqual(new Set(["not-met"]));
  });

  it("issues what is met, with the definition version, the sorted deciding evidence and the report", () => {
    const decision = decisionFor(decideAwards({ catalog, config }, facts(passedAssociate)), ASSOCIATE);
    expect(decision).toMatchObject({
      action: "issue",
      record: {
        definitionVersion: catalog.get(ASSOCIATE)?.version,
        evidenceIds: ["ev-1", "ev-2"],
        report: { status: "met" },
      },
    });
    expect(decision?.action === "issue" && decision.ob.results.length).toBeGreaterThan(0);
  });

  it("skips what is held, and what waits for an admin's approval", () => {
    const held: HeldCredential[] = [
      { certification: ASSOCIATE, credentialId: "c-1", validFrom: "2026-03-06T00:00:00Z", status: "active" },
    ];
    expect(decisionFor(decideAwards({ catalog, config }, facts(passedAssociate, { held })), ASSOCIATE)).toEqual({
      action: "skip",
      achievementId: ASSOCIATE,
      why: "held",
    });
    const approvals = new Map([[ASSOCIATE, { undecided: true, rejected: new Set<string>() }]]);
    expect(decisionFor(decideAwards({ catalog, config }, facts(passedAssociate, { approvals })), ASSOCIATE)).toEqual({
      action: "skip",
      achievementId: ASSOCIATE,
      why: "awaiting-approval",
    });
  });

  it("queues a certification that requires approval, unless an admin rejected it on the same evidence", () => {
    const entries = catalog.entries.map((e) =>
      e.id === ASSOCIATE ? { ...e, criteria: { ...e.criteria, requiresApproval: true } } : e,
    );
    const approving: Catalog = { ...catalog, entries, get: (id) => entries.find((e) => e.id === id) };
    const queued = decisionFor(decideAwards({ catalog: approving, config }, facts(passedAssociate)), ASSOCIATE);
    expect(queued).toMatchObject({ action: "queue", record: { evidenceIds: ["ev-1", "ev-2"] } });

    const rejected = new Map([
      [ASSOCIATE, { undecided: false, rejected: new Set([JSON.stringify(["ev-1", "ev-2"])]) }],
    ]);
    const again = decideAwards({ catalog: approving, config }, facts(passedAssociate, { approvals: rejected }));
    expect(decisionFor(again, ASSOCIATE)).toEqual({ action: "skip", achievementId: ASSOCIATE, why: "rejected-before" });
  });
});
