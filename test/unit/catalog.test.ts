import { describe, expect, it } from "vitest";
import { CatalogError, parseCatalog } from "../../src/domain/catalog/parse-catalog.js";
import { loadCatalog } from "../../src/load-templates.js";
import { expectBuiltinsUnchanged, snapshotBuiltins } from "../helpers/builtins.js";

const minimal = (extra = "") => `id: demo-cert
name: Demo Certification
description: Shows the format.
program: Demo Program
level: associate
criteria:
  narrative: Pass the demo.
${extra}`;

describe("the shipped catalog (templates/)", () => {
  const catalog = loadCatalog("templates");
  const ids = catalog.entries.map((e) => e.id);

  it("defines every certification of the seeds", () => {
    expect(ids).toEqual(
      expect.arrayContaining([
        "gitlab-certified-associate",
        "gitlab-certified-cicd-specialist",
        "gitlab-certified-project-management-specialist",
        "gitlab-certified-security-specialist",
        "gitlab-certified-innersourcing-specialist",
        "gitlab-certified-devops-professional",
        "field-product-certification-sales",
        "field-product-certification-sa-csm",
        "gitlab-certified-migration-services-engineer",
      ]),
    );
    expect(ids.filter((id) => id.startsWith("certified-trainer-"))).toHaveLength(6);
    expect(ids.filter((id) => id.startsWith("field-accreditation-"))).toHaveLength(5);
  });

  it("gives the field product certification its six-month validity with Q1 and Q3 renewal windows, and no other", () => {
    const expiring = catalog.entries.filter((e) => e.validity).map((e) => [e.id, e.validity]);
    const validity = { months: 6, renewal: { fiscalQuarters: [1, 3], windowDays: 30 } };
    expect(expiring).toEqual([
      ["field-product-certification-sales", validity],
      ["field-product-certification-sa-csm", validity],
    ]);
  });

  it("expands trainer variants with each course's name and no leftover placeholders", () => {
    const trainer = catalog.get("certified-trainer-gitlab-cicd");
    expect(trainer?.name).toBe("GitLab Certified Trainer: GitLab CI/CD Training");
    expect(JSON.stringify(catalog.entries)).not.toMatch(/\{[a-z]+\.[a-zA-Z]+\}/);
  });

  it("versions each definition by content", () => {
    const a = catalog.get("gitlab-certified-associate");
    expect(a?.version).toMatch(/^[0-9a-f]{16}$/);
    expect(new Set(catalog.entries.map((e) => e.version)).size).toBe(catalog.entries.length);
  });
});

describe("parseCatalog errors name the file and the field", () => {
  const parse =
    (text: string, name = "templates/achievements/demo.yaml") =>
    () =>
      parseCatalog([{ name, text }]);

  it("accepts a minimal definition with defaults", () => {
    const [entry] = parseCatalog([{ name: "demo.yaml", text: minimal() }]).entries;
    expect(entry).toMatchObject({ achievementType: "Certification", alignment: [], tags: [] });
  });

  it.each([
    ["missing name", minimal().replace("name: Demo Certification\n", ""), /demo\.yaml: name/],
    ["bad level", minimal().replace("level: associate", "level: wizard"), /demo\.yaml: level/],
    ["bad id", minimal().replace("id: demo-cert", "id: Demo Cert"), /demo\.yaml: id/],
    ["unknown field", minimal("colour: red"), /demo\.yaml: .*colour/],
    ["bad validity", minimal("validity: { months: 0 }"), /demo\.yaml: validity\.months/],
    ["bad alignment url", minimal("alignment:\n  - targetName: X\n    targetUrl: nope"), /alignment\.0\.targetUrl/],
    ["bad YAML", "id: [unclosed", /demo\.yaml: not valid YAML/],
  ])("%s", (_label, text, message) => {
    expect(parse(text)).toThrow(CatalogError);
    expect(parse(text)).toThrow(message);
  });

  it("reports an unknown placeholder with the variant and path", () => {
    const text = `${minimal().replace("id: demo-cert", "id: demo-{role.id}").replace("name: Demo Certification", "name: Demo {role.title}")}
variants:
  param: role
  values:
    - id: sales
      name: Sales
`;
    expect(parse(text)).toThrow(/placeholder \{role\.title\} has no value "title"/);
  });

  it.each([
    ["__proto__", minimal("tags:\n  - a\n__proto__:\n  polluted: yes"), /demo\.yaml: __proto__: "__proto__" is not/],
    [
      "constructor",
      minimal().replace("criteria:", "criteria:\n  constructor:\n    prototype: {}"),
      /criteria\.constructor/,
    ],
    ["prototype", minimal("alignment:\n  - prototype: x"), /demo\.yaml: alignment\.0\.prototype: "prototype" is not/],
  ])("refuses %s as a key, naming where, and pollutes nothing", (_key, text, message) => {
    const before = snapshotBuiltins();
    expect(parse(text)).toThrow(message);
    expectBuiltinsUnchanged(before, "a definition file");
  });

  it("reports a placeholder naming an inherited property (constructor) as unknown", () => {
    const text = `${minimal().replace("name: Demo Certification", "name: Demo {role.constructor}")}
variants:
  param: role
  values:
    - id: sales
`;
    expect(parse(text)).toThrow(/placeholder \{role\.constructor\} has no value "constructor"/);
  });

  it("rejects duplicate ids across files, naming both", () => {
    expect(() =>
      parseCatalog([
        { name: "a.yaml", text: minimal() },
        { name: "b.yaml", text: minimal() },
      ]),
    ).toThrow(/b\.yaml: id "demo-cert" is already defined in a\.yaml/);
  });

  it("rejects an empty catalog", () => {
    expect(() => parseCatalog([])).toThrow(/catalog is empty/);
  });
});
