import { evaluateCriteria } from "../src/domain/criteria/evaluate.js";
import type { Rule } from "../src/domain/criteria/rule-schema.js";
import { leafRules } from "../src/domain/criteria/rules/context.js";
import { loadPersonState } from "../src/services/person-state.js";
import { insertEvidence } from "../src/storage/evidence-repo.js";
import { benchContext, fmt, median } from "./harness.js";

/** A small deterministic PRNG so every run evaluates the same population. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Evaluation throughput: for 10,000 people with realistic evidence (each working on a few
 * certifications, most leaves done, some attempts failed), load each person's state and evaluate the
 * whole catalog, beside loading the state alone, in the same run.
 */
export async function benchEvaluateThroughput(options: { people: number; rounds: number }) {
  const { ctx, cleanup } = await benchContext();
  const random = prng(42);
  const withRules = ctx.catalog.entries.filter((e) => e.criteria.rule);
  const emails: string[] = [];
  let rows = 0;
  const start = Date.parse("2026-01-05T09:00:00Z");
  await ctx.store.tx(async (tx) => {
    for (let p = 0; p < options.people; p++) {
      const email = `person${p}@example.org`;
      emails.push(email);
      const picks = withRules.filter(() => random() < 3 / withRules.length);
      let t = start + Math.floor(random() * 30) * 86_400_000;
      for (const entry of picks) {
        for (const leaf of leafRules(entry.criteria.rule as Rule)) {
          if (leaf.type === "prerequisite" || random() < 0.15) {
            continue;
          }
          t += 86_400_000;
          const base = {
            id: ctx.newId(),
            externalId: ctx.newId(),
            personEmail: email,
            personName: `Person ${p}`,
            occurredAt: new Date(t),
            supersedes: null,
            submittedBy: "bench",
            submittedAt: new Date(t),
          };
          if (leaf.type === "assessment") {
            const data =
              leaf.passMark !== undefined
                ? { assessment: leaf.assessment, score: Math.round(60 + random() * 40) }
                : {
                    assessment: leaf.assessment,
                    passed: random() < 0.9,
                    graderRole: leaf.graderRoles?.[0] ?? "grader",
                  };
            await insertEvidence(tx, { ...base, kind: "assessment", item: leaf.assessment, data });
          } else if (leaf.type === "completion") {
            await insertEvidence(tx, {
              ...base,
              kind: "completion",
              item: leaf.item,
              data: {
                completion: leaf.completion,
                item: leaf.item,
                ...(leaf.mode ? { mode: leaf.mode } : {}),
                ...(leaf.graderRoles ? { graderRole: leaf.graderRoles[0] } : {}),
              },
            });
          } else if (leaf.type === "rating") {
            const ratings = Array.from({ length: 6 }, () => 3 + Math.round(random() * 2));
            const delivery = `delivery-${p}-${leaf.id}`;
            const graderRole = leaf.graderRoles?.[0];
            await insertEvidence(tx, {
              ...base,
              kind: "rating",
              item: leaf.forms[0] as string,
              data: {
                form: leaf.forms[0],
                scale: leaf.scale,
                ratings,
                delivery,
                ...(graderRole ? { graderRole } : {}),
              },
            });
            const closure = leaf.delivery.closure;
            if (closure) {
              // The observing grader closes the delivery once its forms are in.
              const closer = closure.graderRoles ? { graderRole: closure.graderRoles[0] } : {};
              const id = ctx.newId();
              await insertEvidence(tx, {
                ...base,
                id,
                externalId: id,
                kind: "closure",
                item: delivery,
                data: { delivery, ...closer },
              });
              rows++;
            }
          }
          rows++;
        }
      }
    }
  });

  const loadOnly: number[] = [];
  const loadAndEvaluate: number[] = [];
  let met = 0;
  for (let r = 0; r < options.rounds; r++) {
    let t0 = performance.now();
    for (const email of emails) {
      await loadPersonState(ctx, email);
    }
    loadOnly.push((emails.length * 1000) / (performance.now() - t0));
    t0 = performance.now();
    met = 0;
    const now = new Date("2026-06-01T00:00:00Z");
    for (const email of emails) {
      const state = await loadPersonState(ctx, email);
      for (const entry of withRules) {
        if (
          evaluateCriteria({ rule: entry.criteria.rule as Rule, evidence: state.evidence, held: state.held, now })
            .status === "met"
        ) {
          met++;
        }
      }
    }
    loadAndEvaluate.push((emails.length * 1000) / (performance.now() - t0));
  }
  await cleanup();

  const load = median(loadOnly);
  const full = median(loadAndEvaluate);
  const evaluations = full * withRules.length;
  console.log("\n== Criteria evaluation: 10,000 people × the whole catalog ==");
  console.log(
    `  population: ${emails.length} people, ${rows} evidence records, ${withRules.length} certifications with criteria; ${met} met`,
  );
  console.log(
    `  load evidence + held credentials only (baseline): ${fmt(load)} people/s   rounds: ${loadOnly.map((x) => fmt(x, 0)).join(" ")}`,
  );
  console.log(
    `  load + evaluate every certification:               ${fmt(full)} people/s   rounds: ${loadAndEvaluate.map((x) => fmt(x, 0)).join(" ")}`,
  );
  console.log(
    `  = ${fmt(evaluations, 0)} certification evaluations/s; evaluating adds ${fmt((1000 / full - 1000 / load) * 1000, 0)} µs per person (${fmt(load / full)}× the load time)`,
  );
}
