import type { Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { can, ROLES, type Role, type RoleGrant } from "../../domain/access.js";
import { AppError } from "../../errors.js";
import {
  addGrant,
  catalogPrograms,
  createUser,
  disableUser,
  enableUser,
  getUser,
  listUsers,
  resetPassword,
  revokeGrant,
} from "../../services/users.js";
import type { GrantForm } from "../pages/console/grant-fields.js";
import { UserPage, type UserPageView } from "../pages/console/user-page.js";
import { UsersPage, type UsersView } from "../pages/console/users-page.js";
import type { ConsoleEnv } from "./console-env.js";
import { type FormInput, readForm } from "./form-data.js";
import { formErrorsOf, sendConsolePage } from "./render.js";
import { chromeOf, requirePermission, sessionOf } from "./session.js";

const FLASH: Record<string, string> = {
  granted: "The role has been given.",
  revoked: "The role has been removed.",
  disabled: "The account has been disabled and its sessions have ended.",
  enabled: "The account has been enabled.",
};

/** A grant as a form gives it; an unknown role is a field error (the select offers only the known ones). */
function grantOf(form: FormInput): { grant: RoleGrant; raw: GrantForm } {
  const raw = { role: form.text("role"), program: form.text("program"), graderRole: form.text("graderRole") };
  if (!(ROLES as readonly string[]).includes(raw.role)) {
    throw new AppError("VALIDATION_FAILED", "role: unknown role", {
      errors: [{ path: "role", message: `must be one of ${ROLES.join(", ")}` }],
    });
  }
  return {
    raw,
    grant: {
      role: raw.role as Role,
      program: raw.program.trim() || null,
      graderRole: raw.graderRole.trim() || null,
    },
  };
}

async function renderList(
  c: Context<ConsoleEnv>,
  view: Partial<Pick<UsersView, "created" | "flash" | "form" | "errors">>,
  status: ContentfulStatusCode = 200,
): Promise<Response> {
  const session = sessionOf(c);
  return sendConsolePage(
    c,
    UsersPage({
      chrome: chromeOf(c, session),
      users: await listUsers(c.get("ctx")),
      programs: catalogPrograms(c.get("ctx")),
      canManage: can(session.principal, "users:manage"),
      form: {},
      errors: {},
      ...view,
    }),
    status,
  );
}

async function renderOne(
  c: Context<ConsoleEnv>,
  id: string,
  view: Partial<Pick<UserPageView, "flash" | "password" | "form" | "errors">>,
  status: ContentfulStatusCode = 200,
): Promise<Response> {
  const session = sessionOf(c);
  return sendConsolePage(
    c,
    UserPage({
      chrome: chromeOf(c, session),
      user: await getUser(c.get("ctx"), id),
      programs: catalogPrograms(c.get("ctx")),
      canManage: can(session.principal, "users:manage"),
      self: session.user.id === id,
      form: {},
      errors: {},
      ...view,
    }),
    status,
  );
}

/** Console accounts: list and one (users:read); create, roles per program, disable, reset (users:manage). */
export function registerUserPages(app: Hono<ConsoleEnv>): void {
  app.get("/users", requirePermission("users:read"), (c) => renderList(c, {}));

  app.post("/users", requirePermission("users:manage"), async (c) => {
    const form = await readForm(c);
    const values = {
      email: form.text("email"),
      name: form.text("name"),
      sso: form.text("sso") === "1",
      role: form.text("role"),
      program: form.text("program"),
      graderRole: form.text("graderRole"),
    };
    try {
      const { grant } = grantOf(form);
      const created = await createUser(c.get("ctx"), {
        email: values.email,
        name: values.name,
        grants: [grant],
        password: values.sso ? { none: true } : { generate: true },
        actor: sessionOf(c).principal.actor,
      });
      return renderList(
        c,
        created.password
          ? { created: { email: created.user.email, password: created.password } }
          : { flash: `Account ${created.user.email} created: it signs in through single sign-on.` },
      );
    } catch (error) {
      const errors = formErrorsOf(error, "email");
      if (!errors) {
        throw error;
      }
      return renderList(c, { form: values, errors }, 400);
    }
  });

  app.get("/users/:id", requirePermission("users:read"), (c) =>
    renderOne(c, c.req.param("id"), { flash: FLASH[c.req.query("done") ?? ""] }),
  );

  app.post("/users/:id/grants", requirePermission("users:manage"), async (c) => {
    const id = c.req.param("id");
    const form = await readForm(c);
    const raw = { role: form.text("role"), program: form.text("program"), graderRole: form.text("graderRole") };
    try {
      const { grant } = grantOf(form);
      await addGrant(c.get("ctx"), { userId: id, grant, actor: sessionOf(c).principal.actor });
    } catch (error) {
      const errors = formErrorsOf(error, "role");
      if (!errors) {
        throw error;
      }
      return renderOne(c, id, { form: raw, errors }, 400);
    }
    return c.redirect(`/console/users/${encodeURIComponent(id)}?done=granted`, 303);
  });

  app.post("/users/:id/grants/:grantId/revoke", requirePermission("users:manage"), async (c) => {
    const id = c.req.param("id");
    await revokeGrant(c.get("ctx"), {
      userId: id,
      grantId: c.req.param("grantId"),
      actor: sessionOf(c).principal.actor,
    });
    return c.redirect(`/console/users/${encodeURIComponent(id)}?done=revoked`, 303);
  });

  app.post("/users/:id/disable", requirePermission("users:manage"), async (c) => {
    const id = c.req.param("id");
    await disableUser(c.get("ctx"), { id, actor: sessionOf(c).principal.actor });
    return c.redirect(`/console/users/${encodeURIComponent(id)}?done=disabled`, 303);
  });

  app.post("/users/:id/enable", requirePermission("users:manage"), async (c) => {
    const id = c.req.param("id");
    await enableUser(c.get("ctx"), { id, actor: sessionOf(c).principal.actor });
    return c.redirect(`/console/users/${encodeURIComponent(id)}?done=enabled`, 303);
  });

  app.post("/users/:id/reset-password", requirePermission("users:manage"), async (c) => {
    const id = c.req.param("id");
    if (sessionOf(c).user.id === id) {
      throw new AppError("CONFLICT", "Change your own password on the Change password page");
    }
    const password = await resetPassword(c.get("ctx"), { userId: id, actor: sessionOf(c).principal.actor });
    return renderOne(c, id, { password });
  });
}
