import type { Context } from "hono";
import type { Child } from "hono/jsx";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { AppError, ERROR_REGISTRY, type FieldError } from "../../errors.js";
import type { AppEnv } from "../env.js";
import { ConsoleErrorPage } from "../pages/console/error-page.js";
import type { FormErrors } from "../pages/console/form.js";
import { siteOf } from "../pages/site.js";
import { onError } from "../problem.js";
import { sendHtml, sendPage } from "../send-page.js";
import type { ConsoleEnv } from "./console-env.js";
import { chromeOf } from "./session.js";

/** The console's context where the app's helpers take the app's (the console only adds a variable). */
export function appContext(c: Context<ConsoleEnv>): Context<AppEnv> {
  return c as unknown as Context<AppEnv>;
}

/** What every console page sends besides the page headers (no object spread per page: see sendHtml). */
const CONSOLE_HEADERS: Readonly<Record<string, string>> = Object.freeze({ "referrer-policy": "no-referrer" });

/** A console page: never cached or stored (it shows one account's view, sometimes a secret shown once). */
export function sendConsolePage(
  c: Context<ConsoleEnv>,
  page: Child,
  status: ContentfulStatusCode = 200,
  headers?: Record<string, string>,
): Response {
  return sendPage(appContext(c), page, {
    status,
    cache: "no-store",
    headers: headers ? Object.assign({ "referrer-policy": "no-referrer" }, headers) : CONSOLE_HEADERS,
  });
}

/** A console page already written as UTF-8 (a list written by parts: page-bytes.ts), with sendConsolePage's headers. */
export function sendConsoleBytes(
  c: Context<ConsoleEnv>,
  page: Uint8Array<ArrayBuffer>,
  status: ContentfulStatusCode = 200,
): Response {
  return sendHtml(appContext(c), page, { status, cache: "no-store", headers: CONSOLE_HEADERS });
}

/**
 * The field errors of a refused form, by field: the service's problem (`errors`, else its detail under `fallback`),
 * with the API's wording; null when the error is not the form's (a 403, a 404: rendered as a page by `consoleError`).
 */
export function formErrorsOf(error: unknown, fallback: string): FormErrors | null {
  if (!(error instanceof AppError) || (error.code !== "VALIDATION_FAILED" && error.code !== "CONFLICT")) {
    return null;
  }
  const fields = Array.isArray(error.extra?.errors) ? (error.extra.errors as FieldError[]) : [];
  if (fields.length === 0) {
    return { [fallback]: error.message };
  }
  return Object.fromEntries(fields.map((field) => [field.path, field.message]));
}

/**
 * The console's error handler: a service's refusal (403, 404, 409, 429…) as a console page with the problem's wording
 * and status; anything else as the app renders it (500, storage 503).
 */
export function consoleError(err: Error, c: Context<ConsoleEnv>): Response {
  if (!(err instanceof AppError)) {
    return onError(err, appContext(c));
  }
  const session = c.get("session") ?? null;
  const headers: Record<string, string> = {};
  if (typeof err.extra?.retryAfter === "number") {
    headers["retry-after"] = String(err.extra.retryAfter);
  }
  const page = ConsoleErrorPage({
    status: err.status,
    title: ERROR_REGISTRY[err.code].title,
    detail: err.message,
    chrome: session && !session.user.mustChangePassword ? chromeOf(c, session) : null,
    site: siteOf(c.get("ctx")),
  });
  return sendConsolePage(c, page, err.status as ContentfulStatusCode, headers);
}
