import type { Context, Hono } from "hono";
import { readEmailPreferences, setExpiryReminders } from "../../../services/email-preferences.js";
import type { AppEnv } from "../../env.js";
import { PreferencesPage } from "../../pages/preferences-page.js";
import { siteOf } from "../../pages/site.js";
import { sendPage } from "../../send-page.js";

function unknownLink(c: Context<AppEnv>): Response {
  return sendPage(c, PreferencesPage({ site: siteOf(c.get("ctx")) }), { status: 404, cache: "no-store" });
}

/**
 * The preference page every e-mail links to (`/preferences/<token>`; the token is the key, stored hashed). GET shows
 * it; a POST from its form (`reminders=off|on`) or a mail client's RFC 8058 one-click unsubscribe
 * (`List-Unsubscribe=One-Click`, the `List-Unsubscribe` header of reminders points here) changes it. The request log
 * names the route pattern only, never the token.
 */
export function registerPreferences(app: Hono<AppEnv>): void {
  app.get("/preferences/:token", async (c) => {
    const token = c.req.param("token");
    const prefs = await readEmailPreferences(c.get("ctx"), token);
    if (!prefs) {
      return unknownLink(c);
    }
    const page = PreferencesPage({
      site: siteOf(c.get("ctx")),
      action: `/preferences/${token}`,
      reminders: prefs.reminders,
    });
    return sendPage(c, page, { cache: "no-store", headers: { "referrer-policy": "no-referrer" } });
  });
  app.post("/preferences/:token", async (c) => {
    const token = c.req.param("token");
    const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const oneClick = body["List-Unsubscribe"] === "One-Click";
    const wanted = oneClick ? false : body.reminders === "on" ? true : body.reminders === "off" ? false : undefined;
    if (wanted === undefined) {
      const prefs = await readEmailPreferences(c.get("ctx"), token);
      if (!prefs) {
        return unknownLink(c);
      }
      const page = PreferencesPage({
        site: siteOf(c.get("ctx")),
        action: `/preferences/${token}`,
        reminders: prefs.reminders,
      });
      return sendPage(c, page, { status: 400, cache: "no-store" });
    }
    const prefs = await setExpiryReminders(c.get("ctx"), token, wanted);
    if (!prefs) {
      return unknownLink(c);
    }
    const page = PreferencesPage({
      site: siteOf(c.get("ctx")),
      action: `/preferences/${token}`,
      reminders: prefs.reminders,
      changed: wanted ? "on" : "off",
    });
    return sendPage(c, page, { cache: "no-store", headers: { "referrer-policy": "no-referrer" } });
  });
}
