import type { Context, MiddlewareHandler } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { can, canSome, type Permission } from "../../domain/access.js";
import { AppError } from "../../errors.js";
import { type ConsoleSession, csrfTokenMatches, resumeSession } from "../../services/sessions.js";
import type { ConsoleChrome, ConsoleSection } from "../pages/console/layout.js";
import { siteOf } from "../pages/site.js";
import type { ConsoleEnv } from "./console-env.js";

/** The session cookie: an opaque random secret; the server keeps only its SHA-256. */
export const SESSION_COOKIE = "laurel_session";

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Secure everywhere but on http://localhost (a development machine, where there is no https to require). */
export function secureCookies(c: Context<ConsoleEnv>): boolean {
  const url = new URL(c.get("ctx").config.publicUrl);
  return !(url.protocol === "http:" && LOOPBACK.has(url.hostname));
}

/** Sets the session cookie: HttpOnly, SameSite=Lax, Path=/console, Secure (see above), gone at the absolute expiry. */
export function setSessionCookie(c: Context<ConsoleEnv>, secret: string): void {
  setCookie(c, SESSION_COOKIE, secret, {
    httpOnly: true,
    sameSite: "Lax",
    path: "/console",
    secure: secureCookies(c),
    maxAge: Math.floor(c.get("ctx").config.console.sessionMaxMs / 1000),
  });
}

export function clearSessionCookie(c: Context<ConsoleEnv>): void {
  deleteCookie(c, SESSION_COOKIE, { path: "/console", secure: secureCookies(c) });
}

/**
 * The session cookie's secret, when the request carries one (the first `laurel_session` pair, as hono's getCookie
 * finds it). Read here rather than by getCookie, which runs two regular expressions and a URI decoding over the
 * pairs on every console request: a secret is base64url, which neither changes, and any other value opens no session
 * (the cookie is then cleared, as before).
 */
export function sessionSecret(c: Context<ConsoleEnv>): string | undefined {
  const header = c.req.raw.headers.get("cookie");
  if (!header?.includes(SESSION_COOKIE)) {
    return undefined;
  }
  for (const pair of header.split(";")) {
    const eq = pair.indexOf("=");
    if (eq >= 0 && pair.slice(0, eq).trim() === SESSION_COOKIE) {
      const value = pair.slice(eq + 1).trim();
      return value.length > 0 && value.length <= 200 ? value : undefined;
    }
  }
  return undefined;
}

/**
 * Resolves the session cookie (every console request): sets `session` and `principal`, or null for none (unknown,
 * expired, signed out, account disabled: the stale cookie is cleared); then, for a request that changes state, checks
 * where it comes from and its CSRF token (refuseForgedRequest). One middleware rather than two: hono runs each layer
 * as an async function with a promise of its own, on every console request, and the check needs the session just
 * resolved.
 */
export function consoleSession(): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    // a console request from here on (consoleErrorOr): its errors are console pages, even one resuming the session
    c.set("session", null);
    const secret = sessionSecret(c);
    const session = secret ? await resumeSession(c.get("ctx"), secret) : null;
    if (secret && !session) {
      clearSessionCookie(c);
    }
    c.set("session", session);
    c.set("principal", session?.principal ?? null);
    const method = c.req.method;
    if (method !== "GET" && method !== "HEAD") {
      await refuseForgedRequest(c, session);
    }
    await next();
  };
}

/**
 * Whether a state-changing request comes from the console's own pages: a browser says where a request comes from
 * (`Sec-Fetch-Site`, `Origin`); either, when present, must be this site. A client that sends neither is no browser
 * another site could drive, and still needs the session's CSRF token.
 */
export function fromOwnOrigin(c: Context<ConsoleEnv>): boolean {
  const site = c.req.header("sec-fetch-site");
  if (site !== undefined && site !== "same-origin") {
    return false;
  }
  const origin = c.req.header("origin");
  if (origin === "null") {
    // what Chromium sends for a form posted from a page whose referrer policy is no-referrer (ours): then only a
    // browser's own Sec-Fetch-Site, which no page can forge, says where the form came from
    return site === "same-origin";
  }
  return origin === undefined || origin === new URL(c.get("ctx").config.publicUrl).origin;
}

const CROSS_SITE = "This form did not come from the console's own pages, so nothing was changed.";
const BAD_TOKEN =
  "This form has expired or did not come from the console's own pages, so nothing was changed: reload the page and try again.";

/** The CSRF token a form carried (`_csrf`), read from the parsed body. */
async function formToken(c: Context<ConsoleEnv>): Promise<string | undefined> {
  const type = c.req.header("content-type") ?? "";
  if (!type.startsWith("application/x-www-form-urlencoded") && !type.startsWith("multipart/form-data")) {
    return undefined;
  }
  const body = await c.req.parseBody();
  const token = body._csrf;
  return typeof token === "string" ? token : undefined;
}

/**
 * Every non-GET console request (consoleSession): from the console's own origin, and (once signed in, sign-in itself
 * aside) carrying the session's CSRF token, compared in constant time. Else 403, nothing changed.
 */
async function refuseForgedRequest(c: Context<ConsoleEnv>, session: ConsoleSession | null): Promise<void> {
  if (!fromOwnOrigin(c)) {
    throw new AppError("FORBIDDEN", CROSS_SITE);
  }
  // signing in (again) needs no token: it opens a new session and ends the one the browser carried
  if (session && c.req.path !== "/console/sign-in" && !csrfTokenMatches(session, await formToken(c))) {
    throw new AppError("FORBIDDEN", BAD_TOKEN);
  }
}

/** The signed-in session of a route behind `requireSession` / `requirePermission`. */
export function sessionOf(c: Context<ConsoleEnv>): ConsoleSession {
  const session = c.get("session");
  if (!session) {
    throw new AppError("UNAUTHENTICATED", "Sign in to use the console");
  }
  return session;
}

/** A console path to come back to after signing in (never another site: only `/console…` paths). */
export function safeNext(value: string | undefined): string | undefined {
  return value && /^\/console(?:[/?#]|$)/.test(value) && !value.startsWith("//") && !value.includes("\\")
    ? value
    : undefined;
}

/**
 * Why this request may not go on as a signed-in account's, if it may not: without a session, a page (GET) sends the
 * browser to sign in and back (the response returned), anything else is a 401 (thrown). An account with a one-time
 * password must choose its own before anything else.
 */
function refusedUnlessSignedIn(c: Context<ConsoleEnv>, session: ConsoleSession | null): Response | undefined {
  const page = c.req.method === "GET" || c.req.method === "HEAD";
  if (!session) {
    if (page) {
      const url = new URL(c.req.url);
      const back = safeNext(`${url.pathname}${url.search}`);
      return c.redirect(`/console/sign-in${back ? `?next=${encodeURIComponent(back)}` : ""}`, 303);
    }
    throw new AppError("UNAUTHENTICATED", "Sign in to use the console");
  }
  if (session.user.mustChangePassword && c.req.path !== "/console/password") {
    if (page) {
      return c.redirect("/console/password", 303);
    }
    throw new AppError("FORBIDDEN", "Choose your own password first: the one-time password allows nothing else");
  }
  return undefined;
}

/**
 * A signed-in account (refusedUnlessSignedIn). Plain functions that return the next layer's promise, not async ones
 * wrapping each other: one closure and promise fewer per console request.
 */
export function requireSession(): MiddlewareHandler<ConsoleEnv> {
  return (c, next) => {
    const refused = refusedUnlessSignedIn(c, c.get("session"));
    return refused ? Promise.resolve(refused) : next();
  };
}

/**
 * A signed-in account whose roles give `permission` (over every program; `anyProgram`: over at least one, the page
 * then filters by program and asks `can` per item): else a 403 page, whatever the navigation showed.
 */
export function requirePermission(
  permission: Permission,
  options: { anyProgram?: boolean } = {},
): MiddlewareHandler<ConsoleEnv> {
  return (c, next) => {
    const session = c.get("session");
    const refused = refusedUnlessSignedIn(c, session);
    if (refused) {
      return Promise.resolve(refused);
    }
    const principal = session?.principal ?? null;
    const allowed = options.anyProgram ? canSome(principal, permission) : can(principal, permission);
    if (!allowed) {
      throw new AppError("FORBIDDEN", `Your roles do not allow this (it needs the "${permission}" permission)`, {
        requiredPermission: permission,
      });
    }
    return next();
  };
}

/** What the console's header and footer show for this session. */
export function chromeOf(c: Context<ConsoleEnv>, session: ConsoleSession): ConsoleChrome {
  const p = session.principal;
  // the catalog is public information: every signed-in account may read it (reloading it is catalog:reload)
  const sections: ConsoleSection[] = ["home", "password", "catalog"];
  if (canSome(p, "credentials:read")) {
    sections.push("credentials");
  }
  if (canSome(p, "credentials:read") || canSome(p, "evidence:read")) {
    sections.push("people");
  }
  if (canSome(p, "evidence:write")) {
    sections.push("evidence");
  }
  if (canSome(p, "approvals:decide") || canSome(p, "credentials:read")) {
    sections.push("approvals");
  }
  if (can(p, "events:read")) {
    sections.push("events");
  }
  if (can(p, "keys:read")) {
    sections.push("api-keys");
  }
  if (can(p, "users:read")) {
    sections.push("users");
  }
  if (can(p, "audit:read")) {
    sections.push("audit");
  }
  return {
    site: siteOf(c.get("ctx")),
    user: { name: session.user.name, email: session.user.email },
    sections,
    csrf: session.csrfToken,
  };
}
