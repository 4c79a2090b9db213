import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

type Operation = { responses: Record<string, unknown>; security?: unknown[]; requestBody?: { required?: boolean } };
type OpenApiDoc = { openapi: string; paths: Record<string, Record<string, Operation>>; components: any };

describe("OpenAPI document", () => {
  it("describes every API route, with problem responses, from the validating zod schemas", async () => {
    const res = await t.app.request("/openapi.json");
    expect(res.status).toBe(200);
    const doc = (await res.json()) as OpenApiDoc;
    expect(doc.openapi).toBe("3.0.3");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/admin/credentials",
        "/admin/credentials/{id}",
        "/credentials/{id}",
        "/credentials/{id}/jwt",
        "/.well-known/did.json",
        "/.well-known/jwks.json",
        "/keys/{name}",
        "/issuer",
        "/achievements",
        "/achievements/{id}",
        "/achievements/{id}/image",
        "/admin/evidence",
        "/admin/evidence/batch",
        "/admin/people/{email}/progress",
        "/admin/certifications/{id}/candidates",
        "/admin/approvals",
        "/admin/approvals/{id}/approve",
        "/admin/approvals/{id}/reject",
      ]),
    );
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const statuses = Object.keys(op.responses);
        if (path.startsWith("/admin/")) {
          expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining(["400", "401", "403", "500"]));
          expect(op.security, `${method} ${path}`).toEqual([{ bearerAuth: [] }]);
        }
        // Routes addressing a resource by id answer 404 for an unknown one (a person's progress
        // by email does not: someone with no evidence yet simply has progress of zero).
        if (/\{(id|name)\}/.test(path)) {
          expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining(["400", "404"]));
        }
      }
    }
    const issue = doc.paths["/admin/credentials"]?.post;
    expect(issue?.requestBody?.required).toBe(true);
    expect(doc.components.schemas.IssueCredentialRequest.required).toEqual(["achievementId", "recipient"]);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("serves a readable API reference page with its assets locally", async () => {
    const page = await t.app.request("/docs");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Laurel API reference");
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
    for (const asset of ["/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css", "/docs/assets/init.js"]) {
      expect(html).toContain(asset);
      const res = await t.app.request(asset);
      expect(res.status, asset).toBe(200);
      expect((await res.text()).length).toBeGreaterThan(50);
    }
    expect((await t.app.request("/docs/assets/..%2Fpackage.json")).status).toBe(404);
  });
});
