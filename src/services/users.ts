import { grantProblems, type Principal, type RoleGrant, userPrincipal } from "../domain/access.js";
import { normaliseEmail } from "../domain/credential/identity.js";
import { hasUndrawableCharacter } from "../domain/display-text.js";
import { checkEmail } from "../domain/email.js";
import { AppError, validationError } from "../errors.js";
import { appendAudit } from "../storage/audit-repo.js";
import { deleteOtherSessionsOf, deleteSessionsOf } from "../storage/sessions-repo.js";
import type { Tx } from "../storage/store.js";
import {
  countUsers,
  deleteGrant,
  disableUser as disableUserRow,
  enableUser as enableUserRow,
  findUser,
  findUserByEmail,
  grantsOf,
  insertGrant,
  insertUser,
  listUsers as listUserRows,
  setPasswordHash,
  type UserGrantRow,
  type UserRow,
} from "../storage/users-repo.js";
import type { ServiceContext } from "./deps.js";
import { hashPassword, passwordProblem, verifyPassword } from "./passwords.js";

/** What account management needs (the CLI and the console build the same). */
export type UsersContext = Pick<ServiceContext, "store" | "clock" | "newId" | "newSecret" | "catalog">;

export type GrantView = RoleGrant & { id: string };
export type UserView = {
  id: string;
  email: string;
  name: string;
  hasPassword: boolean;
  mustChangePassword: boolean;
  createdAt: string;
  createdBy: string;
  disabledAt: string | null;
  grants: GrantView[];
};

function grantView(row: UserGrantRow): GrantView {
  return { id: row.id, role: row.role, program: row.program, graderRole: row.graderRole };
}

function toView(row: UserRow, grants: UserGrantRow[]): UserView {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    hasPassword: row.passwordHash !== null,
    mustChangePassword: row.mustChangePassword,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    disabledAt: row.disabledAt ? row.disabledAt.toISOString() : null,
    grants: grants.filter((g) => g.userId === row.id).map(grantView),
  };
}

/** The catalog's program names, which a grant may be limited to. */
export function catalogPrograms(ctx: Pick<ServiceContext, "catalog">): string[] {
  return [...new Set(ctx.catalog.entries.map((entry) => entry.program))].sort();
}

/** Throws a 400 naming each wrong field of a grant (`grant.<field>`). */
export function checkGrant(ctx: Pick<ServiceContext, "catalog">, grant: RoleGrant, prefix = ""): void {
  const problems = grantProblems(grant, catalogPrograms(ctx));
  if (problems.length > 0) {
    throw validationError(problems.map((p) => ({ path: `${prefix}${p.path}`, message: p.message })));
  }
}

/** A password nobody chose: 24 characters of the service's randomness (shown once, changed at first sign-in). */
export function generatedPassword(ctx: Pick<ServiceContext, "newSecret">): string {
  return ctx.newSecret().slice(0, 24);
}

export type NewUser = {
  email: string;
  name: string;
  grants: RoleGrant[];
  /** `generate`: a one-time password, returned once; `none`: the account signs in through SSO only. */
  password: { generate: true } | { given: string } | { none: true };
  actor: string;
};

/**
 * Creates an account with its grants, audited; returns it and, when generated, its one-time password (the only time it
 * exists in clear: it must be changed at the first sign-in). The email is stored lower-cased; taken → 409.
 */
export async function createUser(ctx: UsersContext, input: NewUser): Promise<{ user: UserView; password?: string }> {
  const verdict = checkEmail(input.email);
  const name = input.name.trim().normalize("NFC");
  const problems = [
    ...(verdict.ok ? [] : [{ path: "email", message: "must be a valid email address" }]),
    ...(name === ""
      ? [{ path: "name", message: "must not be empty" }]
      : name.length > 200
        ? [{ path: "name", message: "must be at most 200 characters" }]
        : !name.isWellFormed() || hasUndrawableCharacter(name)
          ? [{ path: "name", message: "must not contain control, noncharacter or bidi-override characters" }]
          : []),
  ];
  if (problems.length > 0) {
    throw validationError(problems);
  }
  input.grants.forEach((grant, i) => {
    checkGrant(ctx, grant, input.grants.length > 1 ? `grants.${i}.` : "");
  });
  let password: string | undefined;
  if ("given" in input.password) {
    const problem = passwordProblem(input.password.given);
    if (problem) {
      throw validationError([{ path: "password", message: problem }]);
    }
    password = input.password.given;
  } else if ("generate" in input.password) {
    password = generatedPassword(ctx);
  }
  // hashed before the transaction: only database work inside one
  const passwordHash = password === undefined ? null : await hashPassword(password);
  const now = ctx.clock();
  const id = ctx.newId();
  const email = normaliseEmail(verdict.ok ? verdict.email : input.email);
  const user = await ctx.store.tx(async (tx) => {
    if (await findUserByEmail(tx, email)) {
      throw new AppError("CONFLICT", "An account with this email exists already", {
        errors: [{ path: "email", message: "an account with this email exists already" }],
      });
    }
    const row: UserRow = {
      id,
      email,
      name,
      passwordHash,
      mustChangePassword: "generate" in input.password,
      createdAt: now,
      createdBy: input.actor,
      disabledAt: null,
    };
    await insertUser(tx, row);
    const grants = await addGrants(ctx, tx, id, input.grants, now);
    await appendAudit(tx, {
      at: now,
      actor: input.actor,
      action: "user.created",
      targetType: "user",
      targetId: id,
      details: { grants: input.grants, password: password === undefined ? "none" : "set" },
    });
    return toView(row, grants);
  });
  return "generate" in input.password ? { user, password } : { user };
}

async function addGrants(
  ctx: UsersContext,
  tx: Tx,
  userId: string,
  grants: readonly RoleGrant[],
  now: Date,
): Promise<UserGrantRow[]> {
  const rows: UserGrantRow[] = [];
  for (const grant of grants) {
    const row: UserGrantRow = { id: ctx.newId(), userId, ...grant, createdAt: now };
    await insertGrant(tx, row);
    rows.push(row);
  }
  return rows;
}

/** Creates the first admin account when there is no account at all; returns its email and one-time password once. */
export async function ensureFirstAdmin(
  ctx: UsersContext & Pick<ServiceContext, "config">,
): Promise<{ email: string; password: string } | null> {
  if ((await countUsers(ctx.store.conn())) > 0) {
    return null;
  }
  const email = ctx.config.console.adminEmail;
  const created = await createUser(ctx, {
    email,
    name: "Administrator",
    grants: [{ role: "admin", program: null, graderRole: null }],
    password: { generate: true },
    actor: "system:bootstrap",
  });
  return { email: created.user.email, password: created.password as string };
}

export async function listUsers(ctx: Pick<ServiceContext, "store">): Promise<UserView[]> {
  const db = ctx.store.conn();
  const rows = await listUserRows(db);
  const grants = await grantsOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((row) => toView(row, grants));
}

/** One account; unknown → 404. */
export async function getUser(ctx: Pick<ServiceContext, "store">, id: string): Promise<UserView> {
  const db = ctx.store.conn();
  const row = await findUser(db, id);
  if (!row) {
    throw new AppError("NOT_FOUND", `No account "${id}"`);
  }
  return toView(row, await grantsOf(db, [id]));
}

/** Finds an account by email (the CLI names accounts so); unknown → 404. */
export async function getUserByEmail(ctx: Pick<ServiceContext, "store">, email: string): Promise<UserView> {
  const db = ctx.store.conn();
  const row = await findUserByEmail(db, normaliseEmail(email));
  if (!row) {
    throw new AppError("NOT_FOUND", "No account with this email");
  }
  return toView(row, await grantsOf(db, [row.id]));
}

/** The principal of an account (its grants as they are now), for the authorisation model. */
export function principalOfUser(user: Pick<UserView, "id" | "grants">): Principal {
  return userPrincipal({
    id: user.id,
    grants: user.grants.map(({ role, program, graderRole }) => ({ role, program, graderRole })),
  });
}

/** Disables an account and ends its sessions at once, audited; unknown or already disabled → 404 / 409. */
export async function disableUser(ctx: UsersContext, input: { id: string; actor: string }): Promise<void> {
  const now = ctx.clock();
  await ctx.store.tx(async (tx) => {
    const row = await findUser(tx, input.id);
    if (!row) {
      throw new AppError("NOT_FOUND", `No account "${input.id}"`);
    }
    if (input.actor === `user:${input.id}`) {
      throw new AppError("CONFLICT", "You cannot disable your own account");
    }
    if (!(await disableUserRow(tx, input.id, now))) {
      throw new AppError("CONFLICT", "The account is disabled already");
    }
    const ended = await deleteSessionsOf(tx, input.id);
    await appendAudit(tx, {
      at: now,
      actor: input.actor,
      action: "user.disabled",
      targetType: "user",
      targetId: input.id,
      details: { sessionsEnded: ended },
    });
  });
}

/** Enables a disabled account again, audited. */
export async function enableUser(ctx: UsersContext, input: { id: string; actor: string }): Promise<void> {
  const now = ctx.clock();
  await ctx.store.tx(async (tx) => {
    if (!(await findUser(tx, input.id))) {
      throw new AppError("NOT_FOUND", `No account "${input.id}"`);
    }
    if (!(await enableUserRow(tx, input.id))) {
      throw new AppError("CONFLICT", "The account is enabled already");
    }
    await appendAudit(tx, {
      at: now,
      actor: input.actor,
      action: "user.enabled",
      targetType: "user",
      targetId: input.id,
    });
  });
}

/** Adds a grant to an account, audited; returns it. A grant the account holds already → 409. */
export async function addGrant(
  ctx: UsersContext,
  input: { userId: string; grant: RoleGrant; actor: string },
): Promise<GrantView> {
  checkGrant(ctx, input.grant);
  const now = ctx.clock();
  return ctx.store.tx(async (tx) => {
    if (!(await findUser(tx, input.userId))) {
      throw new AppError("NOT_FOUND", `No account "${input.userId}"`);
    }
    const held = await grantsOf(tx, [input.userId]);
    const same = (g: UserGrantRow) =>
      g.role === input.grant.role && g.program === input.grant.program && g.graderRole === input.grant.graderRole;
    if (held.some(same)) {
      throw new AppError("CONFLICT", "The account holds this grant already", {
        errors: [{ path: "role", message: "the account holds this grant already" }],
      });
    }
    const [row] = await addGrants(ctx, tx, input.userId, [input.grant], now);
    await appendAudit(tx, {
      at: now,
      actor: input.actor,
      action: "user.grant-added",
      targetType: "user",
      targetId: input.userId,
      details: { grant: input.grant },
    });
    return grantView(row as UserGrantRow);
  });
}

/** Removes one grant of an account, audited; an admin cannot take the admin role from their own account. */
export async function revokeGrant(
  ctx: UsersContext,
  input: { userId: string; grantId: string; actor: string },
): Promise<void> {
  const now = ctx.clock();
  await ctx.store.tx(async (tx) => {
    const held = await grantsOf(tx, [input.userId]);
    const grant = held.find((g) => g.id === input.grantId);
    if (!grant) {
      throw new AppError("NOT_FOUND", "The account has no such grant");
    }
    if (input.actor === `user:${input.userId}` && grant.role === "admin") {
      throw new AppError("CONFLICT", "You cannot take the admin role from your own account");
    }
    await deleteGrant(tx, input.userId, input.grantId);
    await appendAudit(tx, {
      at: now,
      actor: input.actor,
      action: "user.grant-revoked",
      targetType: "user",
      targetId: input.userId,
      details: { grant: { role: grant.role, program: grant.program, graderRole: grant.graderRole } },
    });
  });
}

/**
 * Sets a new password chosen by the account's owner, who proves the current one; ends every other session of the
 * account (whoever knew the old password is signed out). Wrong current password → 400 on `current`.
 */
export async function changePassword(
  ctx: UsersContext,
  input: { userId: string; current: string; next: string; keepSession: string },
): Promise<void> {
  const row = await findUser(ctx.store.conn(), input.userId);
  if (!row || !(await verifyPassword(row.passwordHash, input.current))) {
    throw validationError([{ path: "current", message: "is not your current password" }]);
  }
  const problem = passwordProblem(input.next);
  if (problem || input.next === input.current) {
    throw validationError([{ path: "next", message: problem ?? "must differ from the current password" }]);
  }
  const hashed = await hashPassword(input.next);
  const now = ctx.clock();
  await ctx.store.tx(async (tx) => {
    await setPasswordHash(tx, input.userId, hashed, false);
    await deleteOtherSessionsOf(tx, input.userId, input.keepSession);
    await appendAudit(tx, {
      at: now,
      actor: `user:${input.userId}`,
      action: "user.password-changed",
      targetType: "user",
      targetId: input.userId,
    });
  });
}

/** An admin (or the CLI) gives an account a new one-time password; returned once; its sessions end. */
export async function resetPassword(ctx: UsersContext, input: { userId: string; actor: string }): Promise<string> {
  const password = generatedPassword(ctx);
  const hashed = await hashPassword(password);
  const now = ctx.clock();
  await ctx.store.tx(async (tx) => {
    if (!(await findUser(tx, input.userId))) {
      throw new AppError("NOT_FOUND", `No account "${input.userId}"`);
    }
    await setPasswordHash(tx, input.userId, hashed, true);
    await deleteSessionsOf(tx, input.userId);
    await appendAudit(tx, {
      at: now,
      actor: input.actor,
      action: "user.password-reset",
      targetType: "user",
      targetId: input.userId,
    });
  });
  return password;
}
