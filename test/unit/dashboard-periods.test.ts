import { describe, expect, it } from "vitest";
import { monthStartOf, weekStartOf } from "../../src/services/dashboard.js";

describe("the dashboard's periods (UTC)", () => {
  it("starts the week on Monday 00:00 and the month on the 1st, whatever the day and hour", () => {
    const cases: [string, string, string][] = [
      ["2026-03-02T09:30:00Z", "2026-03-02T00:00:00.000Z", "2026-03-01T00:00:00.000Z"], // a Monday
      ["2026-03-01T23:59:59Z", "2026-02-23T00:00:00.000Z", "2026-03-01T00:00:00.000Z"], // a Sunday: last Monday
      ["2026-01-01T00:00:00Z", "2025-12-29T00:00:00.000Z", "2026-01-01T00:00:00.000Z"], // the week began last year
      ["2028-02-29T12:00:00Z", "2028-02-28T00:00:00.000Z", "2028-02-01T00:00:00.000Z"], // a leap day, a Tuesday
    ];
    for (const [now, week, month] of cases) {
      expect(weekStartOf(new Date(now)).toISOString(), now).toBe(week);
      expect(monthStartOf(new Date(now)).toISOString(), now).toBe(month);
    }
  });
});
