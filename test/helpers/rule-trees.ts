import fc from "fast-check";
import type { Rule } from "../../src/domain/criteria/rule-schema.js";

/** A leaf rule of a generated criteria tree, before its id is given. */
export type Leaf = Omit<Extract<Rule, { type: "assessment" | "completion" | "rating" | "prerequisite" }>, "id">;
/** A generated criteria tree before ids: leaves under `all`, `any` and `atLeast` nodes. */
export type Shape = Leaf | { type: "all" | "any"; of: Shape[] } | { type: "atLeast"; n: number; of: Shape[] };

/** Criteria trees of the given leaves: small, nested `all`/`any`/`atLeast` nodes of one to three children each. */
export function shapesOf(leaf: fc.Arbitrary<Leaf>): fc.Arbitrary<Shape> {
  return fc.letrec<{ node: Shape }>((tie) => ({
    node: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      fc.record({
        type: fc.constantFrom("all" as const, "any" as const),
        of: fc.array(tie("node"), { minLength: 1, maxLength: 3 }),
      }),
      fc.array(tie("node"), { minLength: 1, maxLength: 3 }).chain((of) =>
        fc.record({
          type: fc.constant("atLeast" as const),
          n: fc.integer({ min: 1, max: of.length }),
          of: fc.constant(of),
        }),
      ),
    ),
  })).node;
}
