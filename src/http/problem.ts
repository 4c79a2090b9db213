import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ZodError } from "zod";
import { AppError, ERROR_CODES, ERROR_TITLES, type ErrorCode, type FieldError, storageProblemOf } from "../errors.js";
import type { AppEnv } from "./env.js";
import { loggedPath } from "./request-log.js";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** RFC 9457 problem type URI for a code, e.g. `urn:laurel:problem:validation-failed`. */
export function problemType(code: ErrorCode): string {
  return `urn:laurel:problem:${code.toLowerCase().replaceAll("_", "-")}`;
}

/** Renders an error code as application/problem+json. Only allow-listed fields reach the body. */
export function problemResponse(
  c: Context<AppEnv>,
  code: ErrorCode,
  detail: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  const status = ERROR_CODES[code];
  const body = {
    type: problemType(code),
    title: ERROR_TITLES[code],
    status,
    detail,
    instance: c.req.path,
    code,
    requestId: c.get("requestId"),
    ...extra,
  };
  return c.body(JSON.stringify(body), status as ContentfulStatusCode, {
    ...headers,
    "content-type": PROBLEM_CONTENT_TYPE,
  });
}

/** The validation hook of every route: a failed zod validation is a 400 problem naming each offending field. */
export function validationHook(
  result: { success: boolean; error?: ZodError },
  c: Context<AppEnv>,
): Response | undefined {
  if (!result.success && result.error) {
    const errors = fieldErrors(result.error);
    const detail = errors.map((e) => `${e.path}: ${e.message}`).join("; ");
    return problemResponse(c, "VALIDATION_FAILED", detail, { errors });
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

function codeForHttpStatus(status: number, message: string): ErrorCode {
  if (status === 400 && /json/i.test(message)) {
    return "MALFORMED_JSON";
  }
  const found = (Object.keys(ERROR_CODES) as ErrorCode[]).find((code) => ERROR_CODES[code] === status);
  return found ?? (status >= 500 ? "INTERNAL" : "VALIDATION_FAILED");
}

const STORAGE_DETAILS = {
  STORAGE_FULL: "The server's storage is full, so this request could not be saved. Retry once space has been freed.",
  STORAGE_UNAVAILABLE:
    "The server's storage cannot be written at the moment, so this request could not be saved. Retry later.",
} as const;

/** The single error renderer: AppError → its code; HTTPException → its status; ZodError → 400; storage full or unwritable → 503; else 500. */
export function onError(err: Error, c: Context<AppEnv>): Response {
  if (err instanceof AppError) {
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
    const detail = HTTP_DETAILS[err.status] ?? (err.message || ERROR_TITLES[code]);
    return problemResponse(c, code, detail, {}, headers);
  }
  if (err instanceof ZodError) {
    return problemResponse(c, "VALIDATION_FAILED", "The request is not valid", { errors: fieldErrors(err) });
  }
  const storage = storageProblemOf(err);
  if (storage) {
    c.var.ctx?.logger.error("storage failure", {
      requestId: c.get("requestId"),
      path: loggedPath(c),
      code: (err as { code?: string }).code,
    });
    return problemResponse(c, storage, STORAGE_DETAILS[storage], {}, { "retry-after": "60" });
  }
  c.var.ctx?.logger.error("unhandled error", {
    requestId: c.get("requestId"),
    path: loggedPath(c),
    error: err.name,
    errorMessage: err.message,
  });
  return problemResponse(c, "INTERNAL", "Unexpected error");
}

export function notFound(c: Context<AppEnv>): Response {
  return problemResponse(c, "NOT_FOUND", `No resource at ${c.req.path}`);
}
