import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { adminGet, adminPost, bearer, issueRequest, readProblem } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { countRows } from "../helpers/store.js";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp({ env: { LAUREL_MAX_BODY_BYTES: "4096" } });
});
afterEach(() => t.close());

async function rowCounts() {
  const count = (table: string) => countRows(t.store, table);
  return {
    credentials: await count("credentials"),
    recipients: await count("recipients"),
    audit: await count("audit_log"),
  };
}

describe("bad input to POST /admin/credentials", () => {
  const cases: Array<[string, unknown, number, string, string]> = [
    ["malformed JSON", '{"achievementId": "gitlab-certified-associate",', 400, "MALFORMED_JSON", ""],
    [
      "unknown achievement",
      issueRequest({ achievementId: "no-such-certification" }),
      400,
      "VALIDATION_FAILED",
      "achievementId",
    ],
    [
      "invalid email",
      issueRequest({ recipient: { email: "not-an-email", name: "Ada" } }),
      400,
      "VALIDATION_FAILED",
      "recipient.email",
    ],
    ["missing recipient", { achievementId: "gitlab-certified-associate" }, 400, "VALIDATION_FAILED", "recipient"],
    [
      "missing name",
      issueRequest({ recipient: { email: "ada@example.org" } }),
      400,
      "VALIDATION_FAILED",
      "recipient.name",
    ],
    [
      "blank name",
      issueRequest({ recipient: { email: "ada@example.org", name: "   " } }),
      400,
      "VALIDATION_FAILED",
      "recipient.name",
    ],
    ["unknown field", { ...issueRequest(), isAdmin: true }, 400, "VALIDATION_FAILED", ""],
    [
      "a lone surrogate in the name",
      issueRequest({ recipient: { email: "ada@example.org", name: "Ada \ud800" } }),
      400,
      "VALIDATION_FAILED",
      "recipient.name",
    ],
    [
      "a right-to-left override in the name",
      issueRequest({ recipient: { email: "ada@example.org", name: "Ada \u202eecalevol" } }),
      400,
      "VALIDATION_FAILED",
      "recipient.name",
    ],
    [
      "a control character in the name",
      issueRequest({ recipient: { email: "ada@example.org", name: "Ada\u0000Lovelace" } }),
      400,
      "VALIDATION_FAILED",
      "recipient.name",
    ],
    [
      "a noncharacter XML cannot carry in the name (U+FFFE)",
      issueRequest({ recipient: { email: "ada@example.org", name: "Ada\ufffe" } }),
      400,
      "VALIDATION_FAILED",
      "recipient.name",
    ],
    [
      "a C1 control character in the name",
      issueRequest({ recipient: { email: "ada@example.org", name: "Ada\u0085Lovelace" } }),
      400,
      "VALIDATION_FAILED",
      "recipient.name",
    ],
    ["a JSON array", "[]", 400, "VALIDATION_FAILED", ""],
    [
      "oversized body",
      issueRequest({ recipient: { email: "ada@example.org", name: "x".repeat(10_000) } }),
      413,
      "PAYLOAD_TOO_LARGE",
      "",
    ],
  ];

  it.each(cases)("%s → %i %s naming the field, nothing stored", async (_label, body, status, code, field) => {
    const before = await rowCounts();
    const res = await adminPost(t, "/admin/credentials", body);
    expect(res.status).toBe(status);
    const problem = await readProblem(res);
    expect(problem.code).toBe(code);
    expect(problem.status).toBe(status);
    expect(problem.detail.length).toBeGreaterThan(5);
    if (field) {
      expect(problem.errors?.map((e) => e.path)).toContain(field);
      expect(problem.detail).toContain(field);
    }
    expect(await rowCounts()).toEqual(before);
  });

  it("accepts right-to-left names, NFC-normalised", async () => {
    const res = await adminPost(
      t,
      "/admin/credentials",
      issueRequest({ recipient: { email: "d@example.org", name: "דוד לוי e\u0301" } }),
    );
    expect(res.status).toBe(201);
    const body = (await res.json()) as { recipient: { name: string } };
    expect(body.recipient.name).toBe("דוד לוי \u00e9");
  });

  it("rejects a body that is not declared as JSON", async () => {
    const res = await t.app.request("/admin/credentials", {
      method: "POST",
      headers: { authorization: `Bearer ${t.adminToken}`, "content-type": "text/plain" },
      body: JSON.stringify(issueRequest()),
    });
    expect(res.status).toBe(415);
    expect((await readProblem(res)).detail).toBe("Send the request body as application/json");
    expect((await rowCounts()).credentials).toBe(0);
  });

  it("rejects an oversized body sent without a content-length", async () => {
    const big = JSON.stringify(issueRequest({ recipient: { email: "a@b.org", name: "y".repeat(50_000) } }));
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const res = await t.app.request("/admin/credentials", {
      method: "POST",
      headers: bearer(t.adminToken),
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect((await readProblem(res)).code).toBe("PAYLOAD_TOO_LARGE");
  });
});

describe("bad input to the read routes", () => {
  it("a malformed credential id is a 400 naming the parameter", async () => {
    const problem = await readProblem(await adminGet(t, "/admin/credentials/not-a-uuid"));
    expect(problem.status).toBe(400);
    expect(problem.errors?.[0]?.path).toBe("id");
  });

  it("an unknown credential is a 404 problem, publicly and for admins", async () => {
    const id = "0b4f8a9e-5c1d-4f3e-9a7b-2c6d8e1f0a3b";
    expect((await readProblem(await adminGet(t, `/admin/credentials/${id}`))).status).toBe(404);
    expect((await readProblem(await t.app.request(`/credentials/${id}`))).status).toBe(404);
    expect((await readProblem(await t.app.request(`/credentials/${id}/jwt`))).status).toBe(404);
  });

  it("bad list parameters are 400s naming the parameter", async () => {
    for (const [query, path] of [
      ["limit=0", "limit"],
      ["limit=abc", "limit"],
      ["email=nope", "email"],
      ["cursor=garbage", "cursor"],
    ]) {
      const problem = await readProblem(await adminGet(t, `/admin/credentials?${query}`));
      expect(problem.status).toBe(400);
      expect(problem.errors?.map((e) => e.path)).toContain(path);
    }
  });

  it("an unknown route is a 404 problem", async () => {
    const problem = await readProblem(await t.app.request("/nothing/here"));
    expect(problem.code).toBe("NOT_FOUND");
  });

  it("object-prototype names in asset paths are plain 404s", async () => {
    for (const name of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
      expect((await t.app.request(`/docs/assets/${name}`)).status).toBe(404);
    }
  });

  it("a forged cursor is a 400, not an empty page", async () => {
    const forged = Buffer.from(JSON.stringify([1e300, "x"])).toString("base64url");
    const problem = await readProblem(await adminGet(t, `/admin/credentials?cursor=${forged}`));
    expect(problem.errors?.[0]?.path).toBe("cursor");
  });
});
