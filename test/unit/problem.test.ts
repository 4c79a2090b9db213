import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { describe, expect, it } from "vitest";
import { AppError, ERROR_CODES, ERROR_REGISTRY, type ErrorCode } from "../../src/errors.js";
import type { AppEnv } from "../../src/http/env.js";
import { FIXED_PROBLEM_FIELDS, onError, problemBody } from "../../src/http/problem.js";

/** What each fixed member would become if `extra` could replace it. */
const HOSTILE: Record<(typeof FIXED_PROBLEM_FIELDS)[number], unknown> = {
  type: "urn:evil:problem",
  title: "Everything is fine",
  status: 200,
  detail: "replaced detail",
  instance: "/elsewhere",
  code: "NOT_A_CODE",
  requestId: "forged-request-id",
};

/** A bare app with the real error renderer, whose one route throws what the test gives it. */
function appThrowing(error: Error) {
  const app = new Hono<AppEnv>();
  app.use(requestId());
  app.get("/boom", () => {
    throw error;
  });
  app.onError(onError);
  return app;
}

describe("problem bodies come from the registry only", () => {
  it.each(FIXED_PROBLEM_FIELDS)("extra cannot override %s", (field) => {
    const body = problemBody(
      "CONFLICT",
      "the detail",
      { instance: "/x", requestId: "r-1" },
      {
        [field]: HOSTILE[field],
        errors: [{ path: "a", message: "b" }],
      },
    );
    expect(body).toEqual({
      type: "urn:laurel:problem:conflict",
      title: "Conflict",
      status: 409,
      detail: "the detail",
      instance: "/x",
      code: "CONFLICT",
      requestId: "r-1",
      errors: [{ path: "a", message: "b" }],
    });
  });

  it("keeps every fixed member when an AppError's extra tries to replace them all at once", async () => {
    const error = new AppError("FORBIDDEN", "not yours", { ...HOSTILE, requiredScope: "admin" });
    const res = await appThrowing(error).request("/boom");
    expect(res.status).toBe(403);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({
      type: "urn:laurel:problem:forbidden",
      title: "Not allowed",
      status: 403,
      detail: "not yours",
      instance: "/boom",
      code: "FORBIDDEN",
      requiredScope: "admin",
    });
    expect(body.requestId).toBe(res.headers.get("x-request-id"));
  });

  it("keeps an own __proto__ member of extra a plain member", () => {
    const extra = JSON.parse('{"__proto__": {"status": 200}, "note": "x"}') as Record<string, unknown>;
    const body = problemBody("NOT_FOUND", "d", { instance: "/x", requestId: "r" }, extra);
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect(body.status).toBe(404);
    expect(Object.keys(body)).toContain("__proto__");
  });

  it.each(ERROR_CODES)("renders %s with its registry status, title and type", async (code: ErrorCode) => {
    const res = await appThrowing(new AppError(code, "why")).request("/boom");
    const { status, title, type } = ERROR_REGISTRY[code];
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ status, title, type: `urn:laurel:problem:${type}`, code, detail: "why" });
  });
});

/** Every source file under src/, with its text. */
function sources(dir = "src"): Array<[string, string]> {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry): Array<[string, string]> => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return sources(path);
    }
    return /\.tsx?$/.test(entry.name) ? [[path, readFileSync(path, "utf8")]] : [];
  });
}

describe("storage failures are 503s on either database", () => {
  /** A driver error as drizzle reports it: SQLite's is thrown as is, PostgreSQL's is the cause of a query error. */
  const failure = (code: string, wrapped: boolean) => {
    const driver = Object.assign(new Error("driver"), { code });
    return wrapped ? new Error("Failed query", { cause: driver }) : driver;
  };

  it.each([
    ["SQLITE_FULL", false, "STORAGE_FULL"],
    ["SQLITE_BUSY", false, "STORAGE_UNAVAILABLE"],
    ["SQLITE_IOERR_WRITE", false, "STORAGE_UNAVAILABLE"],
    ["53100", true, "STORAGE_FULL"],
    ["08006", true, "STORAGE_UNAVAILABLE"],
    ["08001", false, "STORAGE_UNAVAILABLE"],
    ["57P01", true, "STORAGE_UNAVAILABLE"],
    ["57P03", true, "STORAGE_UNAVAILABLE"],
    ["53300", true, "STORAGE_UNAVAILABLE"],
    ["55P03", true, "STORAGE_UNAVAILABLE"],
    ["25006", true, "STORAGE_UNAVAILABLE"],
  ])("%s (wrapped: %s) is %s, with Retry-After", async (code, wrapped, expected) => {
    const res = await appThrowing(failure(code, wrapped)).request("/boom");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("60");
    expect(((await res.json()) as { code: string }).code).toBe(expected);
  });

  it.each([
    ["SQLITE_CONSTRAINT_UNIQUE", false],
    ["23505", true],
    ["40P01", true],
  ])("%s (wrapped: %s) is not a storage problem: 500", async (code, wrapped) => {
    const res = await appThrowing(failure(code, wrapped)).request("/boom");
    expect(res.status).toBe(500);
  });
});

describe("no problem body is built outside the registry renderer", () => {
  it("names the problem media type and the problem type URIs only in the registry, the renderer and the document", () => {
    const found = (pattern: RegExp) =>
      sources()
        .filter(([, text]) => pattern.test(text))
        .map(([path]) => path)
        .sort();
    // the media type as a value (a response header or a documented content type), not in a comment
    expect(found(/["'`]application\/problem\+json["'`]/)).toEqual(["src/http/openapi.ts", "src/http/problem.ts"]);
    // a type URI is built from the registry only (openapi.ts shows one as an example)
    expect(found(/urn:laurel:problem:[a-z]/)).toEqual(["src/errors.ts", "src/http/openapi.ts"]);
  });
});
