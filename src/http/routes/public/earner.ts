import type { Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { AppError } from "../../../errors.js";
import {
  EARNER_SESSION,
  type EarnerSession,
  earnerCsrfMatches,
  requestSignInLink,
  resumeEarnerSession,
  signInEmailProblem,
  signInLinkUsable,
  signInWithLink,
  signOutEarner,
} from "../../../services/earner.js";
import {
  earnerOverview,
  publicProfile,
  saveProfileSettings,
  setCredentialHidden,
  setEarnerReminders,
} from "../../../services/earner-space.js";
import type { AppEnv } from "../../env.js";
import { EarnerLinkPage, EarnerSignInPage, MePage, ProfilePage } from "../../pages/earner-pages.js";
import { siteOf } from "../../pages/site.js";
import { clientAddress } from "../../rate-limit.js";
import { sendNotFoundPage } from "../../send-not-found.js";
import { sendPage } from "../../send-page.js";

/** The earner's session cookie: an opaque random secret (the server keeps its SHA-256), only for /me. */
export const EARNER_COOKIE = "laurel_earner";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Secure everywhere but on http://localhost (a development machine). */
function secureCookies(c: Context<AppEnv>): boolean {
  const url = new URL(c.get("ctx").config.publicUrl);
  return !(url.protocol === "http:" && LOOPBACK.has(url.hostname));
}

function cookieSecret(c: Context<AppEnv>): string | undefined {
  const value = getCookie(c, EARNER_COOKIE);
  return value && value.length <= 200 ? value : undefined;
}

/** Whether a form comes from our own pages (`Sec-Fetch-Site`, `Origin`), as the console checks it. */
function fromOwnOrigin(c: Context<AppEnv>): boolean {
  const site = c.req.header("sec-fetch-site");
  if (site !== undefined && site !== "same-origin") {
    return false;
  }
  const origin = c.req.header("origin");
  if (origin === "null") {
    return site === "same-origin";
  }
  return origin === undefined || origin === new URL(c.get("ctx").config.publicUrl).origin;
}

const CROSS_SITE = "This form did not come from this site's own pages, so nothing was changed.";
const BAD_TOKEN =
  "This form has expired or did not come from this site's own pages, so nothing was changed: reload the page and try again.";

/** Pages of the earner space: never cached, never sent as a referrer (a link's token is in its address). */
const PRIVATE = { cache: "no-store", headers: { "referrer-policy": "no-referrer" } } as const;

type Form = Record<string, string | File | (string | File)[]>;

async function readForm(c: Context<AppEnv>): Promise<Form> {
  const type = c.req.header("content-type") ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded") && !type.startsWith("multipart/form-data")) {
    return {};
  }
  return c.req.parseBody();
}

function text(form: Form, name: string): string {
  const value = Object.hasOwn(form, name) ? form[name] : undefined;
  return typeof value === "string" ? value : "";
}

/** The signed-in earner of a /me request, or null (a stale cookie is cleared). */
async function earnerOf(c: Context<AppEnv>): Promise<EarnerSession | null> {
  const secret = cookieSecret(c);
  const session = secret ? await resumeEarnerSession(c.get("ctx"), secret) : null;
  if (secret && !session) {
    deleteCookie(c, EARNER_COOKIE, { path: "/me", secure: secureCookies(c) });
  }
  return session;
}

/**
 * A form posted inside the earner space: from our own origin and carrying the session's CSRF token (else 403, nothing
 * changed); without a session 401. Returns the session and the parsed form.
 */
async function signedInPost(c: Context<AppEnv>): Promise<{ session: EarnerSession; form: Form }> {
  if (!fromOwnOrigin(c)) {
    throw new AppError("FORBIDDEN", CROSS_SITE);
  }
  const session = await earnerOf(c);
  if (!session) {
    throw new AppError("UNAUTHENTICATED", "Sign in first: your session has ended");
  }
  const form = await readForm(c);
  if (!earnerCsrfMatches(session, text(form, "_csrf"))) {
    throw new AppError("FORBIDDEN", BAD_TOKEN);
  }
  return { session, form };
}

const FLASH: Record<string, string> = {
  "reminders-off": "Done: you will get no more expiry reminders.",
  "reminders-on": "Done: you will get expiry reminders again.",
  published: "Your profile is public now.",
  unpublished: "Your profile is not public any more.",
  hidden: "Done: that credential is hidden from your public profile.",
  shown: "Done: that credential is shown on your public profile.",
};

async function mePage(
  c: Context<AppEnv>,
  session: EarnerSession,
  extra: { flash?: string; errors?: Record<string, string>; handle?: string; status?: 200 | 400 } = {},
) {
  const overview = await earnerOverview(c.get("ctx"), session);
  const page = MePage({
    site: siteOf(c.get("ctx")),
    overview,
    csrf: session.csrfToken,
    flash: extra.flash,
    errors: extra.errors ?? {},
    handle: extra.handle,
  });
  return sendPage(c, page, { ...PRIVATE, status: extra.status ?? 200 });
}

/**
 * The earner space (issue 15, point 3): sign-in by a one-time e-mailed link, `/me` (credentials, progress, profile,
 * e-mail preferences) and public profiles at `/u/<handle>`. The request log names route patterns only, so a link's
 * token never reaches a log line.
 */
export function registerEarnerSpace(app: Hono<AppEnv>): void {
  app.get("/me/sign-in", async (c) => {
    const notice = c.req.query("done") === "signed-out" ? "You have signed out." : undefined;
    return sendPage(c, EarnerSignInPage({ site: siteOf(c.get("ctx")), errors: {}, notice }), PRIVATE);
  });

  app.post("/me/sign-in", async (c) => {
    if (!fromOwnOrigin(c)) {
      throw new AppError("FORBIDDEN", CROSS_SITE);
    }
    const form = await readForm(c);
    const email = text(form, "email").trim();
    const site = siteOf(c.get("ctx"));
    const problem = signInEmailProblem(email);
    if (problem) {
      return sendPage(c, EarnerSignInPage({ site, email, errors: { email: problem } }), { ...PRIVATE, status: 400 });
    }
    try {
      await requestSignInLink(c.get("ctx"), { email, client: clientAddress(c) });
    } catch (error) {
      if (error instanceof AppError && error.code === "TOO_MANY_REQUESTS") {
        const wait = typeof error.extra?.retryAfter === "number" ? error.extra.retryAfter : 900;
        return sendPage(c, EarnerSignInPage({ site, email, errors: {}, alert: error.message }), {
          ...PRIVATE,
          status: 429,
          headers: { ...PRIVATE.headers, "retry-after": String(wait) },
        });
      }
      throw error;
    }
    // The same answer whether or not the address holds credentials.
    return sendPage(c, EarnerSignInPage({ site, errors: {}, sent: true }), PRIVATE);
  });

  app.get("/me/sign-in/:token", async (c) => {
    const token = c.req.param("token");
    const usable = await signInLinkUsable(c.get("ctx"), token);
    const page = EarnerLinkPage({ site: siteOf(c.get("ctx")), action: usable ? `/me/sign-in/${token}` : undefined });
    return sendPage(c, page, { ...PRIVATE, status: usable ? 200 : 410 });
  });

  app.post("/me/sign-in/:token", async (c) => {
    if (!fromOwnOrigin(c)) {
      throw new AppError("FORBIDDEN", CROSS_SITE);
    }
    const secret = await signInWithLink(c.get("ctx"), c.req.param("token"), cookieSecret(c));
    if (!secret) {
      return sendPage(c, EarnerLinkPage({ site: siteOf(c.get("ctx")) }), { ...PRIVATE, status: 410 });
    }
    setCookie(c, EARNER_COOKIE, secret, {
      httpOnly: true,
      sameSite: "Lax",
      path: "/me",
      secure: secureCookies(c),
      maxAge: Math.floor(EARNER_SESSION.maxMs / 1000),
    });
    return c.redirect("/me", 303);
  });

  app.get("/me", async (c) => {
    const session = await earnerOf(c);
    if (!session) {
      return c.redirect("/me/sign-in", 303);
    }
    return mePage(c, session, { flash: FLASH[c.req.query("done") ?? ""] });
  });

  app.post("/me/sign-out", async (c) => {
    const { session } = await signedInPost(c);
    await signOutEarner(c.get("ctx"), session);
    deleteCookie(c, EARNER_COOKIE, { path: "/me", secure: secureCookies(c) });
    return c.redirect("/me/sign-in?done=signed-out", 303);
  });

  app.post("/me/preferences", async (c) => {
    const { session, form } = await signedInPost(c);
    const value = text(form, "reminders");
    if (value !== "on" && value !== "off") {
      throw new AppError("VALIDATION_FAILED", "reminders: must be on or off", {
        errors: [{ path: "reminders", message: "must be on or off" }],
      });
    }
    await setEarnerReminders(c.get("ctx"), session, value === "on");
    return c.redirect(`/me?done=reminders-${value}`, 303);
  });

  app.post("/me/profile", async (c) => {
    const { session, form } = await signedInPost(c);
    const published = text(form, "published");
    if (published !== "yes" && published !== "no") {
      throw new AppError("VALIDATION_FAILED", "published: must be yes or no", {
        errors: [{ path: "published", message: "must be yes or no" }],
      });
    }
    const handle = text(form, "handle");
    try {
      await saveProfileSettings(c.get("ctx"), session, { published: published === "yes", handle });
    } catch (error) {
      if (error instanceof AppError && error.code === "VALIDATION_FAILED") {
        const errors = Object.fromEntries(
          ((error.extra?.errors as Array<{ path: string; message: string }>) ?? []).map((e) => [e.path, e.message]),
        );
        return mePage(c, session, { errors, handle, status: 400 });
      }
      throw error;
    }
    return c.redirect(`/me?done=${published === "yes" ? "published" : "unpublished"}`, 303);
  });

  app.post("/me/profile/visibility", async (c) => {
    const { session, form } = await signedInPost(c);
    const hidden = text(form, "hidden");
    if (hidden !== "yes" && hidden !== "no") {
      throw new AppError("VALIDATION_FAILED", "hidden: must be yes or no", {
        errors: [{ path: "hidden", message: "must be yes or no" }],
      });
    }
    // Someone else's credential (or none) is refused like an unknown one.
    if (!(await setCredentialHidden(c.get("ctx"), session, text(form, "credential"), hidden === "yes"))) {
      throw new AppError("NOT_FOUND", "You hold no such credential");
    }
    return c.redirect(`/me?done=${hidden === "yes" ? "hidden" : "shown"}`, 303);
  });

  app.get("/u/:handle", async (c) => {
    const profile = await publicProfile(c.get("ctx"), c.req.param("handle"));
    if (!profile) {
      // Unknown and unpublished handles get the same page.
      return sendNotFoundPage(c, "page");
    }
    return sendPage(c, ProfilePage({ site: siteOf(c.get("ctx")), profile }), { cache: "no-cache" });
  });
}
