import { describe, expect, it } from "vitest";
import {
  apiKeyPrincipal,
  can,
  canSome,
  evidenceAccess,
  grantProblems,
  isAdmin,
  PERMISSIONS,
  type Permission,
  programsWith,
  ROLES,
  type Role,
  type RoleGrant,
  userPrincipal,
} from "../../src/domain/access.js";
import { SCOPES } from "../../src/domain/scopes.js";

const TECH = "GitLab Technical Certifications";
const FIELD = "GitLab Field Product Certification";
const user = (...grants: RoleGrant[]) => userPrincipal({ id: "u1", grants });
const grant = (role: Role, program: string | null = null, graderRole: string | null = null): RoleGrant => ({
  role,
  program,
  graderRole,
});

/** Every role's answer for every permission, written out: the table README's roles section describes. */
const TABLE: Record<Role, Permission[]> = {
  admin: [...PERMISSIONS],
  "program-manager": [
    "credentials:issue",
    "credentials:read",
    "credentials:status",
    "evidence:read",
    "approvals:decide",
  ],
  grader: ["evidence:write", "evidence:read"],
  auditor: ["credentials:read", "evidence:read", "events:read", "audit:read", "users:read", "keys:read"],
};

describe("can: role × permission × program", () => {
  const cases = ROLES.flatMap((role) => PERMISSIONS.map((permission) => [role, permission] as const));

  it.each(cases)("%s / %s, granted for every program", (role, permission) => {
    const expected = TABLE[role].includes(permission);
    const p = user(grant(role));
    expect(can(p, permission)).toBe(expected);
    expect(can(p, permission, { program: TECH })).toBe(expected);
    expect(canSome(p, permission)).toBe(expected);
  });

  it.each(cases.filter(([role]) => role === "program-manager" || role === "grader"))(
    "%s / %s, granted for one program only",
    (role, permission) => {
      const expected = TABLE[role].includes(permission);
      const p = user(grant(role, FIELD));
      expect(can(p, permission, { program: FIELD })).toBe(expected);
      expect(can(p, permission, { program: TECH })).toBe(false);
      // an action not about one program needs a grant for every program
      expect(can(p, permission)).toBe(false);
      expect(canSome(p, permission)).toBe(expected);
      expect(programsWith(p, permission)).toEqual(expected ? [FIELD] : []);
    },
  );

  it("adds grants up, and nobody may do anything", () => {
    const p = user(grant("grader", FIELD), grant("program-manager", TECH));
    expect(can(p, "evidence:write", { program: FIELD })).toBe(true);
    expect(can(p, "evidence:write", { program: TECH })).toBe(false);
    expect(can(p, "credentials:status", { program: TECH })).toBe(true);
    expect(programsWith(p, "evidence:read")).toEqual([FIELD, TECH]);
    expect(programsWith(user(grant("auditor")), "credentials:read")).toBe("all");
    for (const permission of PERMISSIONS) {
      expect(can(null, permission)).toBe(false);
      expect(can(user(), permission, { program: TECH })).toBe(false);
    }
  });
});

describe("API keys are principals of the same model", () => {
  it("gives an admin key every permission, and another key exactly its scopes", () => {
    const admin = apiKeyPrincipal({ keyId: "k1", scopes: ["admin"], graderRole: null });
    expect(PERMISSIONS.every((p) => can(admin, p, { program: TECH }) && can(admin, p))).toBe(true);
    expect(isAdmin(admin)).toBe(true);
    expect(admin.actor).toBe("api-key:k1");
    for (const scope of SCOPES.filter((s) => s !== "admin")) {
      const key = apiKeyPrincipal({ keyId: "k2", scopes: [scope], graderRole: null });
      expect(PERMISSIONS.filter((p) => can(key, p))).toEqual([scope]);
      expect(isAdmin(key)).toBe(false);
    }
  });

  it("ignores a stored scope the model does not know", () => {
    const key = apiKeyPrincipal({ keyId: "k3", scopes: ["credentials:read", "root"], graderRole: null });
    expect(key.grants).toHaveLength(1);
  });
});

describe("evidenceAccess: who may record an item of these programs, grading as what", () => {
  it("lets a grader of the field programs record field items, never a technical lab", () => {
    const fieldGrader = user(grant("grader", FIELD, "certified-trainer"));
    expect(evidenceAccess(fieldGrader, [FIELD])).toEqual({ allowed: true, graderRoles: ["certified-trainer"] });
    expect(evidenceAccess(fieldGrader, [TECH])).toEqual({ allowed: false, graderRoles: [] });
    // an uncatalogued record belongs to no program: only a grant for every program covers it
    expect(evidenceAccess(fieldGrader, []).allowed).toBe(false);
    expect(evidenceAccess(user(grant("grader", null, "ps-engineer")), []).allowed).toBe(true);
  });

  it("collects the grader roles of the grants that cover the item", () => {
    const both = user(grant("grader", TECH, "ps-engineer"), grant("grader", FIELD, "certified-trainer"));
    expect(evidenceAccess(both, [TECH])).toEqual({ allowed: true, graderRoles: ["ps-engineer"] });
    expect(evidenceAccess(both, [TECH, FIELD]).graderRoles.sort()).toEqual(["certified-trainer", "ps-engineer"]);
    expect(evidenceAccess(user(grant("auditor")), [TECH]).allowed).toBe(false);
  });
});

describe("grantProblems", () => {
  const programs = [TECH, FIELD];
  it.each([
    [grant("admin"), []],
    [grant("grader", TECH, "ps-engineer"), []],
    [grant("program-manager", FIELD), []],
    [grant("admin", TECH), ["program"]],
    [grant("auditor", FIELD), ["program"]],
    [grant("grader", "No Such Program"), ["program"]],
    [grant("program-manager", null, "ps-engineer"), ["graderRole"]],
    [grant("grader", null, "<b>x</b>"), ["graderRole"]],
  ] as const)("%j → %j", (g, paths) => {
    expect(grantProblems(g, programs).map((p) => p.path)).toEqual(paths);
  });
});
