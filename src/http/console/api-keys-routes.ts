import type { Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { can } from "../../domain/access.js";
import type { Scope } from "../../domain/scopes.js";
import { createApiKey, listApiKeys, revokeApiKey } from "../../services/api-keys.js";
import { ApiKeysPage, type ApiKeysView } from "../pages/console/api-keys-page.js";
import type { ConsoleEnv } from "./console-env.js";
import { readForm } from "./form-data.js";
import { formErrorsOf, sendConsolePage } from "./render.js";
import { chromeOf, requirePermission, sessionOf } from "./session.js";

const FLASH: Record<string, string> = { revoked: "The key has been revoked: it no longer opens anything." };

async function render(
  c: Context<ConsoleEnv>,
  view: Partial<Pick<ApiKeysView, "created" | "flash" | "form" | "errors">>,
  status: ContentfulStatusCode = 200,
): Promise<Response> {
  const session = sessionOf(c);
  const keys = (await listApiKeys(c.get("ctx"))).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return sendConsolePage(
    c,
    ApiKeysPage({
      chrome: chromeOf(c, session),
      keys,
      canManage: can(session.principal, "keys:manage"),
      form: {},
      errors: {},
      ...view,
    }),
    status,
  );
}

/** API keys: list (keys:read), create with the token shown once and revoke (keys:manage), through the services. */
export function registerApiKeyPages(app: Hono<ConsoleEnv>): void {
  app.get("/api-keys", requirePermission("keys:read"), (c) => render(c, { flash: FLASH[c.req.query("done") ?? ""] }));

  app.post("/api-keys", requirePermission("keys:manage"), async (c) => {
    const form = await readForm(c);
    const input = {
      name: form.text("name"),
      scopes: form.list("scopes"),
      graderRole: form.text("graderRole").trim() || undefined,
    };
    try {
      const key = await createApiKey(c.get("ctx"), {
        ...input,
        scopes: input.scopes as Scope[],
        actor: sessionOf(c).principal.actor,
      });
      return render(c, { created: { id: key.id, name: input.name.trim(), token: key.token } });
    } catch (error) {
      const errors = formErrorsOf(error, "name");
      if (!errors) {
        throw error;
      }
      return render(c, { form: input, errors }, 400);
    }
  });

  app.post("/api-keys/:id/revoke", requirePermission("keys:manage"), async (c) => {
    await revokeApiKey(c.get("ctx"), { id: c.req.param("id"), actor: sessionOf(c).principal.actor });
    return c.redirect("/console/api-keys?done=revoked", 303);
  });
}
