import { describe, expect, it } from "vitest";
import { timeOrderedId } from "../../src/domain/time-ordered-id.js";

describe("time-ordered ids (outbound messages, issuance rows)", () => {
  it("are version 7 UUIDs that sort in time order, with the random id's bits", () => {
    const a = timeOrderedId(new Date("2026-03-02T14:00:00.000Z"), "f47ac10b-58cc-4372-a567-0e02b2c3d479");
    const b = timeOrderedId(new Date("2026-03-02T14:00:00.001Z"), "00000000-0000-4000-8000-000000000000");
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a < b).toBe(true);
    const ms = (1772460000000).toString(16).padStart(12, "0");
    expect(a.slice(0, 13)).toBe(`${ms.slice(0, 8)}-${ms.slice(8)}`);
    expect(a.endsWith("0e02b2c3d479")).toBe(true);
  });

  it("refuses an id source that gives no UUID (its ids would collide within a millisecond)", () => {
    const at = new Date("2026-03-02T14:00:00.000Z");
    for (const random of ["id-1", "", "f47ac10b58cc4372a5670e02b2c3d479", "f47ac10b-58cc-4372-a567-0e02b2c3d47z"]) {
      expect(() => timeOrderedId(at, random), random).toThrow(/needs a random UUID/);
    }
    expect(timeOrderedId(at, "F47AC10B-58CC-4372-A567-0E02B2C3D479")).toBe(
      timeOrderedId(at, "f47ac10b-58cc-4372-a567-0e02b2c3d479"),
    );
  });
});
