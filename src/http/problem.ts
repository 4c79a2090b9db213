import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ZodError } from "zod";
import {
  AppError,
  ERROR_REGISTRY,
  type ErrorCode,
  type FieldError,
  problemType,
  storageCodeOf,
  storageProblemOf,
} from "../errors.js";
import type { AppEnv } from "./env.js";
import { prefersHtml } from "./pages/negotiate.js";
import { loggedPath } from "./request-log.js";
import { missingAt, sendNotFoundPage } from "./send-not-found.js";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** The members every problem body carries, set from the registry and the request; `extra` never replaces them. */
export const FIXED_PROBLEM_FIELDS = ["type", "title", "status", "detail", "instance", "code", "requestId"] as const;
const FIXED = new Set<string>(FIXED_PROBLEM_FIELDS);

/**
 * The RFC 9457 body of a registry code: the fixed members from the registry (`type`, `title`, `status`, `code`) and
 * the request (`instance`, `requestId`), then the members of `extra` that are not fixed ones (a key of `extra`
 * naming a fixed member is dropped, so no caller can relabel a problem).
 */
export function problemBody(
  code: ErrorCode,
  detail: string,
  request: { instance: string; requestId: string },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const { status, title } = ERROR_REGISTRY[code];
  const body: Record<string, unknown> = {
    type: problemType(code),
    title,
    status,
    detail,
    instance: request.instance,
    code,
    requestId: request.requestId,
  };
  for (const [key, value] of Object.entries(extra)) {
    if (!FIXED.has(key)) {
      // defineProperty: an own "__proto__" key stays a plain member instead of changing the body's prototype
      Object.defineProperty(body, key, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  return body;
}

/** The one renderer of problems: a registry code as an application/problem+json response. */
export function problemResponse(
  c: Context<AppEnv>,
  code: ErrorCode,
  detail: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  const body = problemBody(code, detail, { instance: c.req.path, requestId: c.get("requestId") }, extra);
  return c.body(JSON.stringify(body), ERROR_REGISTRY[code].status as ContentfulStatusCode, {
    ...headers,
    "content-type": PROBLEM_CONTENT_TYPE,
  });
}

/** A public read (GET or HEAD outside /admin): its address is one a person may follow in a browser. */
function isPublicRead(c: Context<AppEnv>): boolean {
  return (c.req.method === "GET" || c.req.method === "HEAD") && !/^\/admin(\/|$)/.test(c.req.path);
}

/**
 * The validation hook of every route: a failed zod validation is a 400 problem naming each offending field. On a
 * public address a person may follow (a page, a credential's files, a certification's image), a malformed id is
 * "no such thing" to a browser: the not-found page; both answers then say `Vary: Accept`.
 */
export function validationHook(
  result: { success: boolean; error?: ZodError; target?: string },
  c: Context<AppEnv>,
): Response | undefined {
  if (!result.success && result.error) {
    const negotiated = result.target === "param" && isPublicRead(c);
    if (negotiated && prefersHtml(c.req.header("accept"))) {
      return sendNotFoundPage(c, missingAt(c.req.path), { varyAccept: true });
    }
    const errors = fieldErrors(result.error);
    const detail = errors.map((e) => `${e.path}: ${e.message}`).join("; ");
    return problemResponse(c, "VALIDATION_FAILED", detail, { errors }, negotiated ? { vary: "Accept" } : {});
  }
  return undefined;
}

/** zod issues as `{path, message}` with dotted paths. */
export function fieldErrors(error: ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    path: issue.path.join(".") || "(body)",
    message: /received undefined$/.test(issue.message) ? "is required" : issue.message,
  }));
}

const HTTP_DETAILS: Record<number, string> = {
  415: "Send the request body as application/json",
};

/** The registry code of an HTTPException's status (hono's validators: malformed JSON, an undeclared media type). */
const HTTP_STATUS_CODES: Record<number, ErrorCode> = {
  400: "VALIDATION_FAILED",
  401: "UNAUTHENTICATED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  422: "UNPROCESSABLE",
  429: "TOO_MANY_REQUESTS",
};

function codeForHttpStatus(status: number, message: string): ErrorCode {
  if (status === 400 && /json/i.test(message)) {
    return "MALFORMED_JSON";
  }
  return HTTP_STATUS_CODES[status] ?? (status >= 500 ? "INTERNAL" : "VALIDATION_FAILED");
}

const STORAGE_DETAILS = {
  STORAGE_FULL: "The server's storage is full, so this request could not be saved. Retry once space has been freed.",
  STORAGE_UNAVAILABLE:
    "The server's storage cannot be written at the moment, so this request could not be saved. Retry later.",
} as const;

/** The single error renderer: AppError → its code; HTTPException → its status; ZodError → 400; storage full or unwritable → 503; else 500. */
export function onError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof AppError) {
    if (err.code === "NOT_FOUND" && isPublicRead(c) && prefersHtml(c.req.header("accept"))) {
      // an unknown credential's file, an unknown certification's image: "no such thing" to a person too
      return sendNotFoundPage(c, missingAt(c.req.path), { varyAccept: true });
    }
    const headers: Record<string, string> =
      err.code === "UNAUTHENTICATED" ? { "www-authenticate": 'Bearer realm="laurel"' } : {};
    return problemResponse(c, err.code, err.message, err.extra, headers);
  }
  if (err instanceof HTTPException) {
    const code = codeForHttpStatus(err.status, err.message);
    const headers: Record<string, string> = {};
    err.getResponse().headers.forEach((value, key) => {
      if (key.toLowerCase() === "www-authenticate") {
        headers[key] = value;
      }
    });
    const detail = HTTP_DETAILS[err.status] ?? (err.message || ERROR_REGISTRY[code].title);
    return problemResponse(c, code, detail, {}, headers);
  }
  if (err instanceof ZodError) {
    return problemResponse(c, "VALIDATION_FAILED", "The request is not valid", { errors: fieldErrors(err) });
  }
  const storage = storageProblemOf(err);
  if (storage) {
    c.get("ctx")?.logger.error("storage failure", {
      requestId: c.get("requestId"),
      path: loggedPath(c),
      code: storageCodeOf(err),
    });
    return problemResponse(c, storage, STORAGE_DETAILS[storage], {}, { "retry-after": "60" });
  }
  c.get("ctx")?.logger.error("unhandled error", {
    requestId: c.get("requestId"),
    path: loggedPath(c),
    error: err.name,
    errorMessage: err.message,
  });
  return problemResponse(c, "INTERNAL", "Unexpected error");
}

/** The answer at an address no route serves: a page for a browser, the problem document for others (`Vary: Accept`). */
export function notFound(c: Context<AppEnv>): Response {
  if (prefersHtml(c.req.header("accept"))) {
    return sendNotFoundPage(c, "page", { varyAccept: true });
  }
  return problemResponse(c, "NOT_FOUND", `No resource at ${c.req.path}`, {}, { vary: "Accept" });
}
