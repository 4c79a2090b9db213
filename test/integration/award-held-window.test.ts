import { describe, expect, it } from "vitest";
import { AppError } from "../../src/errors.js";
import { issueCredential } from "../../src/services/issue-credential.js";
import { makeTestApp } from "../helpers/make-app.js";

/**
 * An award is refused when the person already holds the certification, checked under the person's lock as the
 * credential is stored. Across nodes the award stored first may have been planned later: node B planned at 10:00:01.1
 * (validFrom 10:00:01) and stored at once; node A planned at 10:00:00.9, signed slowly, and stores after B. A's check
 * runs with A's planning time, before B's validFrom; B's credential must still count as held.
 */
describe("an award planned before another node's award of the same certification was stored", () => {
  it("is refused: a credential valid from a moment after the plan is held all the same", async () => {
    const t = await makeTestApp();
    const award = () =>
      issueCredential(t.ctx, {
        achievementId: "gitlab-certified-associate",
        recipient: { email: "racer@example.org", name: "Racer" },
        actor: "system:criteria",
        unlessHeld: true,
      });
    const planned = t.clock.now();
    t.clock.advance(1_200); // the other node's plan, in the next second
    const first = await award();
    expect(new Date(first.validFrom).getTime()).toBeGreaterThan(planned.getTime());
    t.clock.set(planned); // this node's plan, older than the stored credential
    const second = await award().then(
      () => "issued a second credential",
      (error: unknown) => (error instanceof AppError ? error.code : String(error)),
    );
    expect(second).toBe("CONFLICT");
    await t.close();
  });
});
