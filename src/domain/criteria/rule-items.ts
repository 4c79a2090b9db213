import type { Rule } from "./rule-schema.js";
import { leafRules } from "./rules/context.js";

/**
 * The evidence items a rule counts, as evidence rows name them (`item`): its assessments, completed items and rated
 * forms (a delivery's closure names its form too). The console shows a reader of some programs only the evidence on
 * items of those programs' certifications.
 */
export function evidenceItemsOf(rule: Rule | undefined): string[] {
  const items = new Set<string>();
  for (const leaf of rule ? leafRules(rule) : []) {
    if (leaf.type === "assessment") {
      items.add(leaf.assessment);
    } else if (leaf.type === "completion") {
      items.add(leaf.item);
    } else if (leaf.type === "rating") {
      for (const form of leaf.forms) {
        items.add(form);
      }
    }
  }
  return [...items];
}
