/** The closed registry of error codes and their HTTP statuses (rendered as RFC 9457 problem details). */
export const ERROR_CODES = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  CRITERIA_NOT_MET: 422,
  UNPROCESSABLE: 422,
  INTERNAL: 500,
  STORAGE_FULL: 503,
  STORAGE_UNAVAILABLE: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

/** Human titles of the problem types (RFC 9457 `title`). */
export const ERROR_TITLES: Record<ErrorCode, string> = {
  VALIDATION_FAILED: "The request is not valid",
  MALFORMED_JSON: "The request body is not valid JSON",
  UNAUTHENTICATED: "Authentication required",
  FORBIDDEN: "Not allowed",
  NOT_FOUND: "Not found",
  CONFLICT: "Conflict",
  PAYLOAD_TOO_LARGE: "The request body is too large",
  UNSUPPORTED_MEDIA_TYPE: "Unsupported media type",
  CRITERIA_NOT_MET: "Criteria not met",
  UNPROCESSABLE: "The request is well formed but does not fit what it refers to",
  INTERNAL: "Internal error",
  STORAGE_FULL: "Storage is full",
  STORAGE_UNAVAILABLE: "Storage is unavailable",
};

/** A field-level problem, `path` in dotted form (`recipient.email`). */
export type FieldError = { path: string; message: string };

/** The one error class services throw for expected failures; `extra` is rendered into the problem body. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "AppError";
  }

  get status(): number {
    return ERROR_CODES[this.code];
  }
}

/** Shorthand for a 400 naming the offending fields. */
export function validationError(errors: FieldError[], message?: string): AppError {
  const detail = message ?? errors.map((e) => `${e.path}: ${e.message}`).join("; ");
  return new AppError("VALIDATION_FAILED", detail, { errors });
}

/**
 * The problem a database failure is to the client, when it is not a bug: the disk is full (SQLITE_FULL), or the
 * database cannot be written for now (I/O error, read-only file or folder, lock not obtained in time). Both are 503:
 * nothing the request asked was wrong, and it can be retried once the operator has fixed the storage.
 */
export function storageProblemOf(error: unknown): "STORAGE_FULL" | "STORAGE_UNAVAILABLE" | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string" || !code.startsWith("SQLITE_")) {
    return undefined;
  }
  if (code === "SQLITE_FULL") {
    return "STORAGE_FULL";
  }
  return /^SQLITE_(IOERR|READONLY|CANTOPEN|BUSY|LOCKED)/.test(code) ? "STORAGE_UNAVAILABLE" : undefined;
}
