import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Rule } from "../../src/domain/criteria/rule-schema.js";
import { hasGraderRoleName } from "../../src/domain/grader-roles.js";
import { roundHalfUp } from "../../src/domain/numbers.js";
import { adminPost } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { decodeEntities, getPage } from "../helpers/pages.js";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp({ now: new Date("2026-03-10T12:00:00Z") });
});
afterEach(() => t.close());

function rulesOf(rule: Rule | undefined): Rule[] {
  return rule ? [rule, ...("of" in rule ? rule.of.flatMap(rulesOf) : [])] : [];
}

/**
 * The customer's own documents, without their links: a hyphenated term they write in prose themselves
 * ("congregate-onboarding workshop", "dry-run") is their word, not our code.
 */
const SEEDS = readdirSync("../shared/seeds")
  .map((name) => readFileSync(join("../shared/seeds", name), "utf8"))
  .join("\n")
  .replace(/\(?(https?:\/\/|\/)[^\s)]*\)?/g, " ");

/**
 * Every internal code of the catalog (certification, assessment, item and form ids, grader roles, rule ids), but
 * for the terms the customer's documents use themselves.
 */
function internalCodes(): Set<string> {
  const codes = new Set<string>();
  for (const entry of t.ctx.catalog.entries) {
    codes.add(entry.id);
    for (const rule of rulesOf(entry.criteria.rule)) {
      if (rule.id.includes("-")) {
        codes.add(rule.id);
      }
      if (rule.type === "assessment") {
        codes.add(rule.assessment);
        for (const role of rule.graderRoles ?? []) {
          codes.add(role);
        }
      } else if (rule.type === "completion") {
        codes.add(rule.item);
      } else if (rule.type === "rating") {
        for (const form of rule.forms) {
          codes.add(form);
        }
      }
    }
  }
  return new Set([...codes].filter((code) => !SEEDS.includes(code)));
}

/** What a person reads on a page: the body's text, without markup, attributes or the document head. */
async function visibleText(path: string): Promise<string> {
  const res = await getPage(t, path);
  expect(res.status, path).toBe(200);
  const html = await res.text();
  const body = html.slice(html.indexOf("<body"));
  return decodeEntities(body.replace(/<[^>]+>/g, " "))
    .replace(/\s+/g, " ")
    .trim();
}

/** The codes a page's text shows as they are (whole words: "lab" inside "GitLab" is not a code). */
function codesIn(text: string, codes: Set<string>): string[] {
  return [...codes].filter((code) =>
    new RegExp(`(^|[^a-z0-9-])${code.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}([^a-z0-9-]|$)`).test(text),
  );
}

const ISO_DAY = /\b\d{4}-\d{2}-\d{2}\b/;

let seq = 0;
const person = { email: "grace@example.org", name: "Grace Hopper" };
async function evidence(body: Record<string, unknown>) {
  const res = await adminPost(t, "/admin/evidence", { externalId: `w-${++seq}`, person, ...body });
  expect([200, 201]).toContain(res.status);
  return (await res.json()) as { awarded: Array<{ credentialId?: string }> };
}

async function awardAssociateAndTrainer(): Promise<{ associate: string; trainer: string }> {
  await evidence({
    kind: "assessment",
    assessment: "gitlab-associate-written",
    score: 86,
    occurredAt: "2026-03-01T09:00:00Z",
  });
  const lab = await evidence({
    kind: "assessment",
    assessment: "gitlab-associate-lab",
    passed: true,
    graderRole: "ps-engineer",
    occurredAt: "2026-03-02T09:00:00Z",
  });
  const at = "2026-03-03T09:00:00Z";
  const course = "gitlab-basics";
  await evidence({ kind: "completion", completion: "review", item: `${course}-trainer-resources`, occurredAt: at });
  const trainerRole = { graderRole: "certified-trainer" };
  await evidence({
    kind: "completion",
    completion: "shadowing",
    item: `${course}-delivery`,
    occurredAt: at,
    ...trainerRole,
  });
  await evidence({
    kind: "completion",
    completion: "delivery",
    item: `${course}-dry-run`,
    mode: "live",
    occurredAt: at,
  });
  // 4.5 and 4.17 average 4.335: half up that is 4.34 (binary floating point's toFixed(2) says 4.33)
  const form = (name: string, ratings: number[], delivery: string, occurredAt: string) =>
    evidence({ kind: "rating", form: `${course}-${name}`, scale: 5, ratings, delivery, occurredAt, ...trainerRole });
  await form("candidate-observation-form", [4.5, 4.17], "d1", "2026-03-04T09:00:00Z");
  await form("training-survey", [4, 5, 4], "d2", "2026-03-05T09:00:00Z");
  // the observing certified trainer closes the course delivery: its surveys are then judged
  const closed = await evidence({
    kind: "closure",
    form: `${course}-training-survey`,
    delivery: "d2",
    occurredAt: "2026-03-05T10:00:00Z",
    ...trainerRole,
  });
  return { associate: lab.awarded[0]?.credentialId as string, trainer: closed.awarded[0]?.credentialId as string };
}

describe("public wording", () => {
  it("names every grader role a rule uses in words", () => {
    const roles = t.ctx.catalog.entries.flatMap((e) =>
      rulesOf(e.criteria.rule).flatMap((r) =>
        r.type === "assessment" || r.type === "completion" || r.type === "rating"
          ? [...(r.graderRoles ?? []), ...(r.type === "rating" ? (r.delivery.closure?.graderRoles ?? []) : [])]
          : [],
      ),
    );
    expect(roles.length).toBeGreaterThan(0);
    expect(roles.filter((role) => !hasGraderRoleName(role))).toEqual([]);
  });

  it("shows no internal id or role code on the page of any certification, the catalog, the issuer or home", async () => {
    const codes = internalCodes();
    const paths = ["/", "/achievements", "/issuer", ...t.ctx.catalog.entries.map((e) => `/achievements/${e.id}`)];
    for (const path of paths) {
      const text = await visibleText(path);
      expect(codesIn(text, codes), path).toEqual([]);
      expect(text, path).not.toMatch(ISO_DAY);
    }
    const devops = await visibleText("/achievements/gitlab-certified-devops-professional");
    expect(devops).toContain(
      "Pass the GitLab Certified DevOps Professional written exam with a score of 80 % or more, only counting when taken after",
    );
    expect(devops).toContain(
      "Pass the GitLab Certified DevOps Professional lab (graded pass or fail), graded by a Professional Services engineer",
    );
  });

  it("prints each label once on a certification's page (the program is in the breadcrumb only)", async () => {
    for (const entry of t.ctx.catalog.entries) {
      const text = await visibleText(`/achievements/${entry.id}`);
      expect(text.split(entry.program).length - 1, entry.id).toBe(1);
    }
  });

  it("shows an awarded credential's evidence in words: names once, results with units, one date style, averages half up", async () => {
    const { associate, trainer } = await awardAssociateAndTrainer();
    const codes = internalCodes();
    for (const id of [associate, trainer]) {
      const text = await visibleText(`/credentials/${id}`);
      expect(codesIn(text, codes), id).toEqual([]);
      expect(text, id).not.toMatch(ISO_DAY);
      const res = await t.app.request(`/credentials/${id}`);
      const vc = (await res.json()) as { evidence: Array<{ name: string }> };
      for (const e of vc.evidence) {
        expect(text.split(e.name).length - 1, `${id}: ${e.name}`).toBe(1);
      }
    }
    const associateText = await visibleText(`/credentials/${associate}`);
    expect(associateText).toContain("Scored 86 % on 1 March 2026.");
    expect(associateText).toContain("Passed on 2 March 2026, graded by a Professional Services engineer.");
    expect(associateText).toContain("Valid since 10 March 2026 at 12:00 UTC; it does not expire.");
    expect(associateText).not.toMatch(/\b86\b(?! %)/);

    const trainerText = await visibleText(`/credentials/${trainer}`);
    expect(trainerText).toContain("Average rating 4.34 out of 5 over 1 form.");
    expect(trainerText).toContain("Completed live on 3 March 2026.");
    const vc = (await (await t.app.request(`/credentials/${trainer}`)).json()) as Record<string, any>;
    expect(vc.credentialSubject.result.map((r: { value?: string }) => r.value).filter(Boolean)).toEqual([
      "4.34",
      "4.33",
    ]);
  });
});

describe("roundHalfUp", () => {
  it.each([
    [4.335, "4.34"],
    [(4.5 + 4.17) / 2, "4.34"],
    [1.005, "1.01"],
    [2.675, "2.68"],
    [13 / 3, "4.33"],
    [4, "4.00"],
  ])("%s → %s", (value, expected) => {
    expect(roundHalfUp(value)).toBe(expected);
  });
});
