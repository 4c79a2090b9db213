import type { Context, Hono } from "hono";
import { AppError } from "../../errors.js";
import { signInWithPassword, signOut, signOutEverywhere } from "../../services/sessions.js";
import { changePassword } from "../../services/users.js";
import type { FormErrors } from "../pages/console/form.js";
import { PasswordPage } from "../pages/console/password-page.js";
import { SignInPage, type SignInView } from "../pages/console/sign-in-page.js";
import { siteOf } from "../pages/site.js";
import { clientAddress } from "../rate-limit.js";
import type { ConsoleEnv } from "./console-env.js";
import { readForm } from "./form-data.js";
import { appContext, formErrorsOf, sendConsolePage } from "./render.js";
import {
  chromeOf,
  clearSessionCookie,
  requireSession,
  safeNext,
  sessionOf,
  sessionSecret,
  setSessionCookie,
} from "./session.js";

const NOTICES: Record<string, string> = {
  "signed-out": "You have signed out.",
  "signed-out-everywhere": "You have signed out on every device.",
};

/** Sign-in (password), sign-out (this session, everywhere) and changing one's own password. */
export function registerSignIn(app: Hono<ConsoleEnv>): void {
  const page = (c: Context<ConsoleEnv>, view: Omit<SignInView, "site" | "sso">) =>
    SignInPage({ site: siteOf(c.get("ctx")), sso: c.get("ctx").config.console.sso !== undefined, ...view });

  app.get("/sign-in", (c) => {
    if (c.get("session")) {
      return c.redirect(safeNext(c.req.query("next")) ?? "/console", 303);
    }
    const notice = NOTICES[c.req.query("done") ?? ""];
    return sendConsolePage(c, page(c, { errors: {}, next: safeNext(c.req.query("next")), notice }));
  });

  app.post("/sign-in", async (c) => {
    const form = await readForm(c);
    const email = form.text("email").trim();
    const password = form.text("password");
    const next = safeNext(form.text("next"));
    const errors: Record<string, string> = {};
    if (email === "") {
      errors.email = "must be a valid email address";
    } else if (email.length > 320) {
      errors.email = "Too big: expected string to have <=320 characters";
    }
    if (password === "") {
      errors.password = "must not be empty";
    } else if (password.length > 256) {
      errors.password = "must be at most 256 characters";
    }
    if (Object.keys(errors).length > 0) {
      return sendConsolePage(c, page(c, { email, next, errors }), 400);
    }
    try {
      const signedIn = await signInWithPassword(
        c.get("ctx"),
        { email, password },
        { address: clientAddress(appContext(c)), previousSecret: sessionSecret(c) },
      );
      setSessionCookie(c, signedIn.secret);
      return c.redirect(signedIn.mustChangePassword ? "/console/password" : (next ?? "/console"), 303);
    } catch (error) {
      if (error instanceof AppError && (error.code === "UNAUTHENTICATED" || error.code === "TOO_MANY_REQUESTS")) {
        const headers: Record<string, string> =
          typeof error.extra?.retryAfter === "number" ? { "retry-after": String(error.extra.retryAfter) } : {};
        return sendConsolePage(
          c,
          page(c, { email, next, errors: {}, alert: error.message }),
          error.status as 401,
          headers,
        );
      }
      throw error;
    }
  });

  app.post("/sign-out", requireSession(), async (c) => {
    await signOut(c.get("ctx"), sessionOf(c));
    clearSessionCookie(c);
    return c.redirect("/console/sign-in?done=signed-out", 303);
  });

  app.post("/sign-out-everywhere", requireSession(), async (c) => {
    await signOutEverywhere(c.get("ctx"), sessionOf(c));
    clearSessionCookie(c);
    return c.redirect("/console/sign-in?done=signed-out-everywhere", 303);
  });

  app.get("/password", requireSession(), (c) => {
    const session = sessionOf(c);
    return sendConsolePage(
      c,
      PasswordPage({
        chrome: chromeOf(c, session),
        errors: {},
        required: session.user.mustChangePassword,
        done: c.req.query("done") === "1",
      }),
    );
  });

  app.post("/password", requireSession(), async (c) => {
    const session = sessionOf(c);
    const form = await readForm(c);
    const next = form.text("next");
    let errors: FormErrors | null = null;
    if (!session.user.hasPassword) {
      errors = { current: "this account signs in through single sign-on and has no password" };
    } else if (next !== form.text("confirm")) {
      errors = { confirm: "must be the same as the new password" };
    } else {
      try {
        await changePassword(c.get("ctx"), {
          userId: session.user.id,
          current: form.text("current"),
          next,
          keepSession: session.idHash,
        });
      } catch (error) {
        errors = formErrorsOf(error, "next");
        if (!errors) {
          throw error;
        }
      }
    }
    if (errors) {
      const view = { chrome: chromeOf(c, session), errors, required: session.user.mustChangePassword };
      return sendConsolePage(c, PasswordPage(view), 400);
    }
    return c.redirect(session.user.mustChangePassword ? "/console" : "/console/password?done=1", 303);
  });
}
