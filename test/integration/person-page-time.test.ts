import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Evidence, HeldCredential } from "../../src/domain/criteria/types.js";
import type { PersonState } from "../../src/services/person-state.js";
import { progressOn, progressStableUntil } from "../../src/services/progress.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";

/**
 * progressStableUntil: until the instant it names, the passing of time alone changes nothing in a person's standing
 * (every status, report, note), whatever their records and credentials: the person's page may be reused until then.
 * Judged by the evaluator itself at instants in between, on the certification whose outcomes move with time the most
 * (the Field product certification: `withinMonths: 6`, an `after`, renewal windows in fiscal Q1 and Q3).
 */
const SALES = "field-product-certification-sales";
const DAY = 86_400_000;
const START = Date.parse("2026-01-01T00:00:00Z");

let t: TestApp;
beforeAll(async () => {
  t = await makeTestApp();
});
afterAll(async () => {
  await t.close();
});

const iso = (ms: number) => new Date(ms).toISOString();

/** Records of the sales path and assessment, and held credentials, at instants around START (a year either way). */
const stateArb = fc
  .record({
    records: fc.array(
      fc.record({
        kind: fc.constantFrom("path", "assessment"),
        at: fc.integer({ min: -365 * DAY, max: 400 * DAY }),
        score: fc.integer({ min: 60, max: 100 }),
      }),
      { maxLength: 12 },
    ),
    held: fc.array(
      fc.record({
        from: fc.integer({ min: -400 * DAY, max: 300 * DAY }),
        days: fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined }),
        status: fc.constantFrom("active", "active", "revoked", "suspended"),
      }),
      { maxLength: 2 },
    ),
  })
  .map(({ records, held }): PersonState => {
    const evidence = records.map(
      (r, i): Evidence =>
        (r.kind === "path"
          ? {
              id: `e${i}`,
              kind: "completion",
              completion: "learning-path",
              item: "field-product-sales-learning-path",
              occurredAt: iso(START + r.at),
            }
          : {
              id: `e${i}`,
              kind: "assessment",
              item: "field-product-sales-assessment",
              score: r.score,
              occurredAt: iso(START + r.at),
            }) as Evidence,
    );
    const credentials = held.map(
      (h, i): HeldCredential => ({
        certification: SALES,
        credentialId: `c${i}`,
        validFrom: iso(START + h.from),
        ...(h.days === undefined ? {} : { validUntil: iso(START + h.from + h.days * DAY) }),
        status: h.status as HeldCredential["status"],
      }),
    );
    return { email: "p@example.org", name: "P", evidence, held: credentials };
  });

describe("a person's standing between now and progressStableUntil", () => {
  it("is the same at every instant before it, judged by the evaluator", () => {
    const entries = t.ctx.catalog.entries.filter((e) => e.id === SALES);
    expect(entries).toHaveLength(1);
    const standing = (state: PersonState, at: number) => {
      t.clock.set(new Date(at));
      return JSON.stringify(progressOn(t.ctx, state, entries, []));
    };
    fc.assert(
      fc.property(
        stateArb,
        fc.integer({ min: 0, max: 365 * DAY }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 6 }),
        (state, offset, fractions) => {
          const now = START + offset;
          const until = progressStableUntil(t.ctx, state, entries, new Date(now));
          expect(until).toBeGreaterThan(now);
          const end = Math.min(until, now + 2 * 365 * DAY);
          const judged = standing(state, now);
          for (const at of [end - 1, ...fractions.map((f) => now + Math.floor(f * (end - 1 - now)))]) {
            expect(standing(state, at), `at ${iso(at)}, stable from ${iso(now)} until ${iso(until)}`).toBe(judged);
          }
        },
      ),
      { numRuns: 300, seed: 1422 },
    );
  });

  it("ends where a record ages out of `withinMonths` within the day, a credential expires, a window opens", () => {
    const entries = t.ctx.catalog.entries.filter((e) => e.id === SALES);
    const state: PersonState = {
      email: "p@example.org",
      name: "P",
      evidence: [
        {
          id: "path",
          kind: "completion",
          completion: "learning-path",
          item: "field-product-sales-learning-path",
          occurredAt: "2025-09-01T08:00:00.000Z",
        } as Evidence,
        {
          id: "pass",
          kind: "assessment",
          item: "field-product-sales-assessment",
          score: 90,
          occurredAt: "2025-09-10T15:30:00.000Z",
        } as Evidence,
      ],
      held: [],
    };
    // six months after 2025-09-10 15:30 is 2026-03-10 15:30: the pass stops counting 1 ms later
    const until = progressStableUntil(t.ctx, state, entries, new Date("2026-03-10T09:00:00Z"));
    expect(iso(until)).toBe("2026-03-10T15:30:00.001Z");
    // the day before: the next midnight comes first (the cutoff jumps with the calendar day)
    expect(iso(progressStableUntil(t.ctx, state, entries, new Date("2026-03-09T09:00:00Z")))).toBe(
      "2026-03-10T00:00:00.000Z",
    );
    const held: HeldCredential = {
      certification: SALES,
      credentialId: "c",
      validFrom: "2025-09-11T00:00:00.000Z",
      validUntil: "2026-03-03T00:00:00.000Z",
      status: "active",
    };
    const noRecords = { ...state, evidence: [], held: [held] };
    // the expiry (with the close of the Q1 window, February start: 2026-02-01 + 30 days), then the Q3 window opening
    expect(iso(progressStableUntil(t.ctx, noRecords, entries, new Date("2026-02-20T00:00:00Z")))).toBe(
      "2026-03-03T00:00:00.000Z",
    );
    expect(iso(progressStableUntil(t.ctx, noRecords, entries, new Date("2026-03-05T00:00:00Z")))).toBe(
      "2026-08-01T00:00:00.000Z",
    );
  });
});
