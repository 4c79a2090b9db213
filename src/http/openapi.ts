import { z } from "@hono/zod-openapi";
import { ERROR_CODES, ERROR_REGISTRY, type ErrorCode } from "../errors.js";
import { withoutReservedKeys } from "./reserved-keys.js";

const PROBLEM_FIELDS = {
  type: z.string().openapi({ example: "urn:laurel:problem:validation-failed" }),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string(),
  code: z.enum(ERROR_CODES as [ErrorCode, ...ErrorCode[]]).openapi({ example: "VALIDATION_FAILED" }),
  requestId: z.string(),
};

/** An RFC 9457 problem as `http/problem.ts` renders it; `code` is one of the closed registry's. */
export const ProblemSchema = z
  .object({
    ...PROBLEM_FIELDS,
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: "Each offending field (400, 422)" }),
  })
  .openapi("Problem");

/** When each code is answered, as the API reference says it unless a route says it more precisely. */
const WHEN: Record<ErrorCode, string> = {
  VALIDATION_FAILED: "Invalid request: `errors` names each offending field",
  MALFORMED_JSON: "The body is not valid JSON",
  CREDENTIAL_NOT_VERIFIED: "The credential did not verify",
  PRESENTATION_NOT_VERIFIED: "The presentation did not verify",
  UNAUTHENTICATED: "Missing, unknown or revoked API key",
  FORBIDDEN: "The API key lacks the required scope",
  NOT_FOUND: "No such resource",
  CONFLICT: "Not possible in the resource's current state",
  PAYLOAD_TOO_LARGE: "The request body exceeds the size limit (the connection is closed)",
  UNSUPPORTED_MEDIA_TYPE: "The body's media type is not one this route accepts",
  UNPROCESSABLE:
    "Well formed, but it does not fit what it refers to (the catalog, the person's records): `errors` says why",
  JOB_FILE_INVALID:
    "The bulk job file cannot be read as a whole (`problem` names why: no header, unknown columns, wrong delimiter, not UTF-8, too many rows…; `line` says where): nothing of it was stored",
  TOO_MANY_REQUESTS: "Too many requests from this address or API key (see Retry-After)",
  INTERNAL: "Unexpected error",
  STORAGE_FULL: "The server's storage is full: retry once space has been freed (see Retry-After)",
  STORAGE_UNAVAILABLE: "The server's storage cannot be written for now: retry later (see Retry-After)",
  NOT_READY: "This node is not ready to serve: `checks` says what is not (send requests to another node)",
};

/** One problem a route can answer: its code, optionally when (route-specific words) and the members it adds. */
export type ProblemCase = { code: ErrorCode; when?: string; fields?: z.ZodRawShape };

/** The codes of a route that accepts a JSON (or form) body: schema, reserved keys, malformed JSON, media type, size. */
export const BODY_PROBLEMS = [
  "VALIDATION_FAILED",
  "MALFORMED_JSON",
  "UNSUPPORTED_MEDIA_TYPE",
  "PAYLOAD_TOO_LARGE",
] as const satisfies ErrorCode[];
/** The codes of a route behind `requireApiScope`. */
export const AUTH_PROBLEMS = ["UNAUTHENTICATED", "FORBIDDEN"] as const satisfies ErrorCode[];
/** The codes of a route that reads or writes the database. */
export const STORAGE_PROBLEMS = ["STORAGE_FULL", "STORAGE_UNAVAILABLE"] as const satisfies ErrorCode[];

type ProblemResponse = {
  description: string;
  content: { "application/problem+json": { schema: z.ZodType } };
};

/**
 * The problem responses of one route, from the codes it can produce (`INTERNAL` is always added: any route can fail
 * unexpectedly): one response per status, whose description names each code and when it is answered, and whose
 * schema's `code` is the enum of those codes. A case with `fields` (members its problem adds, possibly in place of
 * `errors`) gets a schema of its own, so a status answered with two shapes documents both.
 */
export function problems(...cases: Array<ErrorCode | ProblemCase>): Record<number, ProblemResponse> {
  const byCode = new Map<ErrorCode, ProblemCase>();
  for (const c of [...cases, "INTERNAL" as const]) {
    const found = typeof c === "string" ? { code: c } : c;
    const known = byCode.get(found.code);
    byCode.set(found.code, known && typeof c === "string" ? known : found);
  }
  const byStatus = new Map<number, ProblemCase[]>();
  for (const c of [...byCode.values()].sort((a, b) => ERROR_CODES.indexOf(a.code) - ERROR_CODES.indexOf(b.code))) {
    const status = ERROR_REGISTRY[c.code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), c]);
  }
  const responses: Record<number, ProblemResponse> = {};
  for (const [status, list] of byStatus) {
    const plain = list.filter((c) => !c.fields).map((c) => c.code);
    const schemas: z.ZodType[] = [
      ...(plain.length > 0 ? [ProblemSchema.extend({ code: z.enum(plain as [ErrorCode, ...ErrorCode[]]) })] : []),
      ...list
        .filter((c) => c.fields)
        .map((c) => z.object({ ...ProblemSchema.shape, code: z.enum([c.code]), ...c.fields })),
    ];
    const schema = schemas.length === 1 ? (schemas[0] as z.ZodType) : z.union(schemas);
    responses[status] = {
      description: list.map((c) => `- \`${c.code}\`: ${c.when ?? WHEN[c.code]}`).join("\n"),
      content: { "application/problem+json": { schema } },
    };
  }
  return responses;
}

export const bearerSecurity = [{ bearerAuth: [] }];

/**
 * The `content` of a JSON request body: the schema validates it (after refusing reserved property names, see
 * withoutReservedKeys). Every route's JSON body is declared through this or `jsonBody`.
 */
export function jsonContent<T extends z.ZodType>(schema: T) {
  return { "application/json": { schema: withoutReservedKeys(schema) } };
}

/** A required JSON request body (`request.body` of a route). */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: jsonContent(schema) };
}
