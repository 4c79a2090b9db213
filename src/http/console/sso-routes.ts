import type { Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { AppError } from "../../errors.js";
import { finishSso, startSso } from "../../services/sso.js";
import { SignInPage } from "../pages/console/sign-in-page.js";
import { siteOf } from "../pages/site.js";
import { clientAddress } from "../rate-limit.js";
import type { ConsoleEnv } from "./console-env.js";
import { appContext, sendConsolePage } from "./render.js";
import { safeNext, secureCookies, setSessionCookie } from "./session.js";

/** The browser's half of a sign-in under way: its state, bound to this browser (and where to go after). */
const SSO_COOKIE = "laurel_sso";
const COOKIE_PATH = "/console/sso";

function ssoCookie(c: Context<ConsoleEnv>): { state?: string; next?: string } {
  const raw = getCookie(c, SSO_COOKIE);
  if (!raw || raw.length > 600) {
    return {};
  }
  const [state, next] = raw.split("|");
  return { state: state || undefined, next: safeNext(next ? decodeURIComponent(next) : undefined) };
}

/** Single sign-on with OpenID Connect: start (to the provider) and callback (back from it). */
export function registerSso(app: Hono<ConsoleEnv>): void {
  app.get("/sso/start", async (c) => {
    if (!c.get("ctx").config.console.sso) {
      throw new AppError("NOT_FOUND", "Single sign-on is not configured");
    }
    const { url, state } = await startSso(c.get("ctx"));
    const next = safeNext(c.req.query("next"));
    // SameSite=Lax: the provider's redirect back is a top-level GET navigation, which carries it
    setCookie(c, SSO_COOKIE, `${state}|${next ? encodeURIComponent(next) : ""}`, {
      httpOnly: true,
      sameSite: "Lax",
      path: COOKIE_PATH,
      secure: secureCookies(c),
      maxAge: 600,
    });
    return c.redirect(url, 303);
  });

  app.get("/sso/callback", async (c) => {
    const browser = ssoCookie(c);
    deleteCookie(c, SSO_COOKIE, { path: COOKIE_PATH, secure: secureCookies(c) });
    // the address the provider redirected to, as the public URL spells it (a proxy may rewrite the host)
    const callbackUrl = new URL(`${c.get("ctx").config.publicUrl}${c.req.path}${new URL(c.req.url).search}`);
    try {
      const { secret } = await finishSso(c.get("ctx"), {
        callbackUrl,
        browserState: browser.state,
        address: clientAddress(appContext(c)),
      });
      setSessionCookie(c, secret);
      return c.redirect(browser.next ?? "/console", 303);
    } catch (error) {
      if (error instanceof AppError && error.code === "UNAUTHENTICATED") {
        const page = SignInPage({ site: siteOf(c.get("ctx")), sso: true, errors: {}, alert: error.message });
        return sendConsolePage(c, page, 401);
      }
      throw error;
    }
  });
}
