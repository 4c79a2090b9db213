import { describe, expect, it } from "vitest";
import { ob2Dates, ob2Instant } from "../../src/verify/ob2-live.js";
import { checkValidity } from "../../src/verify/validity.js";

describe("OB 2.0 dates", () => {
  it.each([
    ["2019-03-11", "2019-03-11T00:00:00Z"],
    ["2019-03-11T14:53:05", "2019-03-11T14:53:05Z"],
    ["2019-03-11T14:53", "2019-03-11T14:53:00Z"],
    ["2019-03-11T14:53:05.5+0100", "2019-03-11T14:53:05.5+01:00"],
    ["2019-03-11T14:53:05-05:00", "2019-03-11T14:53:05-05:00"],
    [1552315985, "2019-03-11T14:53:05.000Z"],
    ["next Tuesday", "next Tuesday"],
    [1e300, 1e300],
  ])("reads %j as %j", (value, instant) => {
    expect(ob2Instant(value)).toEqual(instant);
  });

  it("leaves what it cannot read to the validity check, which calls it not a valid date", () => {
    const check = checkValidity(ob2Dates({ issuedOn: "next Tuesday" }), new Date("2026-01-01T00:00:00Z"));
    expect(check).toMatchObject({ outcome: "failed", code: "bad-date" });
    expect(checkValidity(ob2Dates({ issuedOn: 1552315985 }), new Date("2026-01-01T00:00:00Z")).outcome).toBe("passed");
  });
});
