import { describe, expect, it } from "vitest";
import { AchievementDefinitionSchema } from "../../src/domain/catalog/definition-schema.js";
import type { HeldCredential } from "../../src/domain/criteria/types.js";
import {
  awardBasis,
  nextWindowAfter,
  type RenewalPolicy,
  renewalValidUntil,
  windowDueAt,
  windowOpenAt,
} from "../../src/domain/renewal.js";

const policy: RenewalPolicy = { fiscalQuarters: [1, 3], windowDays: 30 };
const FEB = 2;
const at = (iso: string) => new Date(iso);
const iso = (d: Date | undefined) => d?.toISOString();

describe("renewal windows (fiscal year starting in February)", () => {
  it("opens on the first day of fiscal Q1 (February) and Q3 (August) for windowDays days", () => {
    const q3 = nextWindowAfter(policy, FEB, at("2026-03-15T00:00:00Z"));
    expect(iso(q3.opens)).toBe("2026-08-01T00:00:00.000Z");
    expect(iso(q3.closes)).toBe("2026-08-31T00:00:00.000Z");
    expect(q3).toMatchObject({ quarter: 3, fiscalYear: 2027 });
    const q1 = nextWindowAfter(policy, FEB, at("2026-09-01T00:00:00Z"));
    expect(iso(q1.opens)).toBe("2027-02-01T00:00:00.000Z");
    expect(iso(q1.closes)).toBe("2027-03-03T00:00:00.000Z");
    expect(q1).toMatchObject({ quarter: 1, fiscalYear: 2028 });
  });

  it("lasts until the next window closes: between windows, and when certified inside one", () => {
    expect(iso(renewalValidUntil(policy, FEB, at("2026-10-15T12:00:00Z")))).toBe("2027-03-03T00:00:00.000Z");
    expect(iso(renewalValidUntil(policy, FEB, at("2026-02-10T12:00:00Z")))).toBe("2026-08-31T00:00:00.000Z");
    // The instant a window opens belongs to that window: the credential lasts to the following one.
    expect(iso(renewalValidUntil(policy, FEB, at("2026-08-01T00:00:00Z")))).toBe("2027-03-03T00:00:00.000Z");
  });

  it("follows the configured fiscal year start, across calendar years", () => {
    expect(iso(nextWindowAfter(policy, 1, at("2026-03-01T00:00:00Z")).opens)).toBe("2026-07-01T00:00:00.000Z");
    const nov = nextWindowAfter(policy, 11, at("2026-12-01T00:00:00Z"));
    expect(iso(nov.opens)).toBe("2027-05-01T00:00:00.000Z");
    expect(nov).toMatchObject({ quarter: 3, fiscalYear: 2027 });
  });

  it("finds the window open now and the window a credential falls due in", () => {
    expect(windowOpenAt(policy, FEB, at("2026-08-15T00:00:00Z"))?.quarter).toBe(3);
    expect(windowOpenAt(policy, FEB, at("2026-08-31T00:00:00Z"))).toBeUndefined();
    expect(windowOpenAt(policy, FEB, at("2026-05-01T00:00:00Z"))).toBeUndefined();
    expect(iso(windowDueAt(policy, FEB, at("2027-03-03T00:00:00Z")).opens)).toBe("2027-02-01T00:00:00.000Z");
  });

  it("is refused in a definition when the windows come round less often than the validity", () => {
    const base = {
      id: "x",
      name: "X",
      description: "X",
      program: "P",
      level: "field-product",
      criteria: { narrative: "n" },
    };
    const ok = AchievementDefinitionSchema.safeParse({ ...base, validity: { months: 6, renewal: policy } });
    expect(ok.success).toBe(true);
    const bad = AchievementDefinitionSchema.safeParse({
      ...base,
      validity: { months: 6, renewal: { fiscalQuarters: [1], windowDays: 30 } },
    });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain("renewal windows must come round");
  });
});

describe("award basis", () => {
  const cert = "field-product-certification-sales";
  const held = (over: Partial<HeldCredential>): HeldCredential => ({
    certification: cert,
    credentialId: "c1",
    validFrom: "2026-10-15T12:00:00.000Z",
    validUntil: "2027-03-03T00:00:00.000Z",
    status: "active",
    ...over,
  });
  const basis = (h: HeldCredential[], now: string) =>
    awardBasis({ certification: cert, renewal: policy, fiscalStartMonth: FEB, held: h, now: at(now) });

  it("is a first award when nothing was held", () => {
    expect(basis([], "2026-10-01T00:00:00Z")).toEqual({ kind: "first" });
  });

  it("holds a valid credential that is not yet due, even inside a window it is not due in", () => {
    expect(basis([held({})], "2026-12-01T00:00:00Z")).toEqual({ kind: "held", credentialId: "c1" });
    const renewed = held({ validFrom: "2027-02-10T00:00:00.000Z", validUntil: "2027-08-31T00:00:00.000Z" });
    expect(basis([renewed], "2027-02-20T00:00:00Z").kind).toBe("held");
  });

  it("is a renewal inside the window the credential falls due in, counting assessments from its opening", () => {
    const b = basis([held({})], "2027-02-10T00:00:00Z");
    expect(b).toMatchObject({ kind: "renewal", supersedes: "c1" });
    expect(b.kind === "renewal" && iso(b.assessmentsFrom)).toBe("2027-02-01T00:00:00.000Z");
  });

  it("is a re-award after a lapse, counting assessments from the window that was missed", () => {
    const b = basis([held({})], "2027-04-01T00:00:00Z");
    expect(b).toMatchObject({ kind: "reaward", previous: "c1" });
    expect(b.kind === "reaward" && iso(b.assessmentsFrom)).toBe("2027-02-01T00:00:00.000Z");
  });

  it("never awards over a suspended credential; after a revocation only new assessments count", () => {
    expect(basis([held({ status: "suspended" })], "2026-12-01T00:00:00Z").kind).toBe("held");
    const b = basis([held({ status: "revoked" })], "2026-12-01T00:00:00Z");
    expect(b.kind === "reaward" && iso(b.assessmentsFrom)).toBe("2026-10-15T12:00:00.000Z");
  });

  it("without windows, a valid credential is simply held", () => {
    const b = awardBasis({
      certification: cert,
      fiscalStartMonth: FEB,
      held: [held({})],
      now: at("2027-02-10T00:00:00Z"),
    });
    expect(b.kind).toBe("held");
  });
});
