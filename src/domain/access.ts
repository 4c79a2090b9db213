import type { FieldError } from "../errors.js";
import type { Scope } from "./scopes.js";

/**
 * The one authorisation model (issue 14): API keys and console accounts are both principals holding grants, and
 * `can` is the one check every route and page asks. A permission is what a route needs; a grant gives a role (a
 * named bundle of permissions) or, for an API key, one scope; a grant may be limited to one catalog program
 * ("GitLab Technical Certifications"): no program means every program.
 */
export const PERMISSIONS = [
  "credentials:issue",
  "credentials:read",
  /** Revoke, suspend, reinstate and reissue. */
  "credentials:status",
  "evidence:write",
  "evidence:read",
  "events:read",
  "events:deliver",
  "audit:read",
  /** Approve or reject an award waiting for approval. */
  "approvals:decide",
  /** Console accounts: read them; create, disable, grant and revoke. */
  "users:read",
  "users:manage",
  /** API keys: read them; create and revoke. */
  "keys:read",
  "keys:manage",
  "catalog:reload",
  /** Webhook endpoints: register, list and delete them, read their delivery logs. */
  "webhooks:manage",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ["admin", "program-manager", "grader", "auditor"] as const;
export type Role = (typeof ROLES)[number];

/** What each role may do. An auditor reads everything and changes nothing. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  admin: PERMISSIONS,
  "program-manager": [
    "credentials:issue",
    "credentials:read",
    "credentials:status",
    "approvals:decide",
    "evidence:read",
  ],
  grader: ["evidence:write", "evidence:read"],
  auditor: PERMISSIONS.filter((p) => p.endsWith(":read")),
};

/** Roles a grant may limit to one program; admin and auditor always cover every program. */
export const PROGRAM_ROLES: readonly Role[] = ["program-manager", "grader"];

/** One grant: a role or (API keys) a single scope, for one program or all (null), with the grader role it grades as. */
export type Grant = ({ readonly role: Role } | { readonly permission: Permission }) & {
  readonly program: string | null;
  /** Evidence recorded under this grant is graded as this role (e.g. "ps-engineer"); never taken from a form. */
  readonly graderRole: string | null;
};

/** Whoever acts: an API key or a console account, with its grants. */
export type Principal = {
  /** An API key, an OAuth 2.0 client (through one of its access tokens), or a console account. */
  readonly kind: "api-key" | "oauth-client" | "user";
  readonly id: string;
  /** The audit log's actor: `api-key:<id>`, `oauth-client:<id>` or `user:<id>`. */
  readonly actor: string;
  readonly grants: readonly Grant[];
  /** A key's or client's own limit on the VC API endpoints (requests per minute); null: the default. */
  readonly rateLimitPerMinute: number | null;
};

/**
 * Each role's permissions as a set: every console request asks `gives` a score of times (its navigation, its page's
 * permission, the programs it lists), and a search of the admin's list of every permission each time showed in the
 * console's profiles.
 */
const ROLE_PERMISSION_SETS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  admin: new Set(ROLE_PERMISSIONS.admin),
  "program-manager": new Set(ROLE_PERMISSIONS["program-manager"]),
  grader: new Set(ROLE_PERMISSIONS.grader),
  auditor: new Set(ROLE_PERMISSIONS.auditor),
};

function gives(grant: Grant, permission: Permission): boolean {
  return "role" in grant ? ROLE_PERMISSION_SETS[grant.role].has(permission) : grant.permission === permission;
}

/**
 * The one check: may the principal do this? With a program, a grant for that program or for every program answers;
 * without one, only a grant for every program does (the action is not about one program).
 */
export function can(principal: Principal | null, permission: Permission, on: { program?: string } = {}): boolean {
  if (!principal) {
    return false;
  }
  return principal.grants.some(
    (grant) =>
      gives(grant, permission) &&
      (grant.program === null || (on.program !== undefined && grant.program === on.program)),
  );
}

/** Whether the principal may do this for at least one program (navigation: is there a page for them at all). */
export function canSome(principal: Principal | null, permission: Permission): boolean {
  return principal?.grants.some((grant) => gives(grant, permission)) ?? false;
}

/** The programs the principal may do this for: "all", or a list (empty: none). Lists are filtered by it. */
export function programsWith(principal: Principal | null, permission: Permission): "all" | string[] {
  const grants = principal?.grants.filter((grant) => gives(grant, permission)) ?? [];
  if (grants.some((grant) => grant.program === null)) {
    return "all";
  }
  return [...new Set(grants.map((grant) => grant.program as string))];
}

/** Whether the principal holds the admin role over everything (an admin key or account): it may name a grader role. */
export function isAdmin(principal: Principal | null): boolean {
  return (
    principal?.grants.some((grant) => "role" in grant && grant.role === "admin" && grant.program === null) ?? false
  );
}

/**
 * Who may record an item used by `programs` (the programs of the certifications that count it; empty for an
 * uncatalogued record): allowed when a grant giving `evidence:write` covers one of them (an uncatalogued record needs
 * a grant for every program), with the grader roles those grants grade as.
 */
export function evidenceAccess(
  principal: Principal | null,
  programs: readonly string[],
): { allowed: boolean; graderRoles: string[] } {
  const grants = (principal?.grants ?? []).filter(
    (grant) => gives(grant, "evidence:write") && (grant.program === null || programs.includes(grant.program)),
  );
  const graderRoles = [...new Set(grants.flatMap((grant) => (grant.graderRole ? [grant.graderRole] : [])))];
  return { allowed: grants.length > 0, graderRoles };
}

/**
 * An API key (or OAuth client) as a principal: `admin` is the admin role; every other scope is that one permission, for
 * every program.
 */
export function apiKeyPrincipal(key: {
  keyId: string;
  scopes: readonly string[];
  graderRole: string | null;
  kind?: "api-key" | "oauth-client";
  rateLimitPerMinute?: number | null;
}): Principal {
  const grants: Grant[] = key.scopes.includes("admin")
    ? [{ role: "admin", program: null, graderRole: key.graderRole }]
    : key.scopes
        .filter((scope): scope is Exclude<Scope, "admin"> => (PERMISSIONS as readonly string[]).includes(scope))
        .map((permission) => ({ permission, program: null, graderRole: key.graderRole }));
  const kind = key.kind ?? "api-key";
  return {
    kind,
    id: key.keyId,
    actor: `${kind}:${key.keyId}`,
    grants,
    rateLimitPerMinute: key.rateLimitPerMinute ?? null,
  };
}

/** What a console account's grant says (as stored and as the forms give it). */
export type RoleGrant = { role: Role; program: string | null; graderRole: string | null };

/** A console account as a principal. */
export function userPrincipal(user: { id: string; grants: readonly RoleGrant[] }): Principal {
  return { kind: "user", id: user.id, actor: `user:${user.id}`, grants: user.grants, rateLimitPerMinute: null };
}

/**
 * What is wrong with a grant, as field errors (none: it is right): admin and auditor cover every program; only a
 * grader grades as a role; the program must be one of the catalog's.
 */
export function grantProblems(grant: RoleGrant, programs: readonly string[]): FieldError[] {
  const problems: FieldError[] = [];
  if (grant.program !== null && !PROGRAM_ROLES.includes(grant.role)) {
    problems.push({ path: "program", message: `the ${grant.role} role covers every program: leave the program out` });
  } else if (grant.program !== null && !programs.includes(grant.program)) {
    problems.push({ path: "program", message: `is not a program of the catalog (${programs.join(", ")})` });
  }
  if (grant.graderRole !== null && grant.role !== "grader") {
    problems.push({ path: "graderRole", message: "only a grader grades as a role" });
  } else if (grant.graderRole !== null && !/^[a-z][a-z0-9-]{0,63}$/.test(grant.graderRole)) {
    problems.push({ path: "graderRole", message: "must be a role code such as ps-engineer (a-z, 0-9, -)" });
  }
  return problems;
}
