import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { dueReminderOffset, reminderKey } from "../../src/domain/status/expiry-reminders.js";
import { lifecycleState, type StatusFacts, transitionProblem } from "../../src/domain/status/transitions.js";

const at = new Date("2026-03-02T00:00:00Z");
const facts = (over: Partial<StatusFacts> = {}): StatusFacts => ({
  revokedAt: null,
  suspendedAt: null,
  supersededBy: null,
  suspendable: true,
  ...over,
});

describe("credential status transitions", () => {
  it("derives the state: revocation wins over suspension", () => {
    expect(lifecycleState(facts())).toBe("active");
    expect(lifecycleState(facts({ suspendedAt: at }))).toBe("suspended");
    expect(lifecycleState(facts({ suspendedAt: at, revokedAt: at }))).toBe("revoked");
  });

  it("allows exactly the transitions of the lifecycle", () => {
    const active = facts();
    const suspended = facts({ suspendedAt: at });
    const revoked = facts({ revokedAt: at });
    const table: Array<[string, StatusFacts, boolean]> = [
      ["revoke", active, true],
      ["revoke", suspended, true],
      ["revoke", revoked, false],
      ["suspend", active, true],
      ["suspend", suspended, false],
      ["suspend", revoked, false],
      ["suspend", facts({ suspendable: false }), false],
      ["reinstate", suspended, true],
      ["reinstate", active, false],
      ["reinstate", facts({ suspendedAt: at, revokedAt: at }), false],
      ["reissue", active, true],
      ["reissue", suspended, false],
      ["reissue", revoked, false],
      ["supersede", active, true],
      ["supersede", facts({ revokedAt: at, supersededBy: "x" }), false],
    ];
    for (const [op, f, allowed] of table) {
      expect(transitionProblem(op as "revoke", f) === undefined, `${op} ${JSON.stringify(f)}`).toBe(allowed);
    }
    expect(transitionProblem("suspend", facts({ suspendable: false }))).toMatch(/does not allow suspension/);
    expect(transitionProblem("revoke", facts({ revokedAt: at, supersededBy: "abc" }))).toMatch(/superseded by abc/);
  });
});

describe("expiry reminders", () => {
  const DAY = 86_400_000;
  const validFrom = new Date("2026-01-01T00:00:00Z");
  const validUntil = new Date(validFrom.getTime() + 100 * DAY);
  const on = (day: number) => new Date(validFrom.getTime() + day * DAY);
  const due = (now: Date, until = validUntil, offsetsDays = [60, 30, 7]) =>
    dueReminderOffset({ validFrom, validUntil: until, now, offsetsDays });

  it("is due at each offset in turn, the smallest passed one", () => {
    expect(due(on(39))).toBeUndefined();
    expect(due(on(40))).toBe(60);
    expect(due(on(69))).toBe(60);
    expect(due(on(70))).toBe(30);
    expect(due(on(93))).toBe(7);
    expect(due(on(100))).toBeUndefined();
    expect(due(on(120))).toBeUndefined();
  });

  it("skips offsets that had passed when the credential was issued", () => {
    const short = new Date(validFrom.getTime() + 20 * DAY);
    expect(due(on(0), short)).toBeUndefined();
    expect(due(on(12), short)).toBeUndefined();
    expect(due(on(13), short)).toBe(7);
  });

  it("after downtime gives only the most imminent reminder", () => {
    expect(due(on(95))).toBe(7);
  });

  it("keys each (credential, offset) once", () => {
    expect(reminderKey("abc", 30)).toBe("credential.expiring:abc:30d");
  });

  it("reads LAUREL_EXPIRY_REMINDER_DAYS (default 60,30,7), refusing bad lists", () => {
    expect(loadConfig({}).expiryReminderDays).toEqual([60, 30, 7]);
    expect(loadConfig({ LAUREL_EXPIRY_REMINDER_DAYS: " 7, 90,7 " }).expiryReminderDays).toEqual([90, 7]);
    expect(() => loadConfig({ LAUREL_EXPIRY_REMINDER_DAYS: "60,soon" })).toThrow(/LAUREL_EXPIRY_REMINDER_DAYS/);
    expect(() => loadConfig({ LAUREL_EXPIRY_REMINDER_DAYS: "0" })).toThrow(/LAUREL_EXPIRY_REMINDER_DAYS/);
  });
});
