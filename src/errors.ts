/** What the registry says of one error code: its HTTP status, its RFC 9457 `title` and the slug of its `type`. */
export type ProblemDefinition = { readonly status: number; readonly title: string; readonly type: string };

/**
 * The closed registry of error codes: every problem an answer can carry is one of these, rendered as RFC 9457
 * problem details by `http/problem.ts` (`type` is `urn:laurel:problem:<type>`). Nothing else builds a problem body.
 */
export const ERROR_REGISTRY = {
  VALIDATION_FAILED: { status: 400, title: "The request is not valid", type: "validation-failed" },
  MALFORMED_JSON: { status: 400, title: "The request body is not valid JSON", type: "malformed-json" },
  /** The W3C VC API verifier's answer for a credential that does not verify (not a malformed request). */
  CREDENTIAL_NOT_VERIFIED: { status: 400, title: "The credential did not verify", type: "credential-not-verified" },
  /** The same for a presentation (its own proof, challenge, domain or holder, or one of its credentials). */
  PRESENTATION_NOT_VERIFIED: {
    status: 400,
    title: "The presentation did not verify",
    type: "presentation-not-verified",
  },
  UNAUTHENTICATED: { status: 401, title: "Authentication required", type: "unauthenticated" },
  FORBIDDEN: { status: 403, title: "Not allowed", type: "forbidden" },
  NOT_FOUND: { status: 404, title: "Not found", type: "not-found" },
  CONFLICT: { status: 409, title: "Conflict", type: "conflict" },
  PAYLOAD_TOO_LARGE: { status: 413, title: "The request body is too large", type: "payload-too-large" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: "Unsupported media type", type: "unsupported-media-type" },
  UNPROCESSABLE: {
    status: 422,
    title: "The request is well formed but does not fit what it refers to",
    type: "unprocessable",
  },
  /** A bulk job file refused as a whole (issue 17): no header, unknown columns, not UTF-8, too many rows… */
  JOB_FILE_INVALID: { status: 422, title: "The job file cannot be read", type: "job-file-invalid" },
  TOO_MANY_REQUESTS: { status: 429, title: "Too many requests", type: "too-many-requests" },
  INTERNAL: { status: 500, title: "Internal error", type: "internal" },
  STORAGE_FULL: { status: 503, title: "Storage is full", type: "storage-full" },
  STORAGE_UNAVAILABLE: { status: 503, title: "Storage is unavailable", type: "storage-unavailable" },
  /** GET /readyz: this node should not be sent requests now (shutting down, database away, keys behind). */
  NOT_READY: { status: 503, title: "Not ready", type: "not-ready" },
} as const satisfies Record<string, ProblemDefinition>;
export type ErrorCode = keyof typeof ERROR_REGISTRY;

/** Every code of the registry, in its order. */
export const ERROR_CODES = Object.keys(ERROR_REGISTRY) as ErrorCode[];

/** The RFC 9457 problem type URI of a code, e.g. `urn:laurel:problem:validation-failed`. */
export function problemType(code: ErrorCode): string {
  return `urn:laurel:problem:${ERROR_REGISTRY[code].type}`;
}

/** A field-level problem, `path` in dotted form (`recipient.email`). */
export type FieldError = { path: string; message: string };

/**
 * The one error class services throw for expected failures. `extra` adds fields to the problem body (e.g. `errors`);
 * it never replaces the fixed ones (`type`, `title`, `status`, `detail`, `instance`, `code`, `requestId`).
 */
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
    return ERROR_REGISTRY[this.code].status;
  }
}

/** Shorthand for a 400 naming the offending fields. */
export function validationError(errors: FieldError[], message?: string): AppError {
  const detail = message ?? errors.map((e) => `${e.path}: ${e.message}`).join("; ");
  return new AppError("VALIDATION_FAILED", detail, { errors });
}

/** The driver's error code of a database failure: SQLite's `SQLITE_*`, PostgreSQL's five-character SQLSTATE. */
export function storageCodeOf(error: unknown): string | undefined {
  // drizzle wraps a failed query (DrizzleQueryError) with the driver's error as its cause
  for (
    let e = error, depth = 0;
    e && typeof e === "object" && depth < 5;
    e = (e as { cause?: unknown }).cause, depth++
  ) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && (code.startsWith("SQLITE_") || /^[0-9A-Z]{5}$/.test(code))) {
      return code;
    }
  }
  return undefined;
}

/**
 * The problem a database failure is to the client, when it is not a bug: the disk is full (SQLITE_FULL, PostgreSQL's
 * 53100), or the database cannot be written for now (I/O error, read-only file or folder, lock not obtained in time;
 * on PostgreSQL: the connection failed or was lost, the server is shutting down or has too many connections, a lock
 * was not available, the server or database is read-only). Both are 503: nothing the request asked was wrong, and it can be retried once the operator has
 * fixed the storage.
 */
export function storageProblemOf(error: unknown): "STORAGE_FULL" | "STORAGE_UNAVAILABLE" | undefined {
  const code = storageCodeOf(error);
  if (code === undefined) {
    return undefined;
  }
  if (code === "SQLITE_FULL" || code === "53100") {
    return "STORAGE_FULL";
  }
  if (/^SQLITE_(IOERR|READONLY|CANTOPEN|BUSY|LOCKED)/.test(code)) {
    return "STORAGE_UNAVAILABLE";
  }
  // 08xxx connection exceptions, 57P0x shutdown (admin, crash, cannot connect now…), 53300 too many
  // connections, 55P03 lock not available, 25006 a write on a read-only server or database (a standby)
  return /^(08...|57P0.|53300|55P03|25006)$/.test(code) ? "STORAGE_UNAVAILABLE" : undefined;
}
