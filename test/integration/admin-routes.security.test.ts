import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SCOPES, type Scope } from "../../src/domain/scopes.js";
import type { AnyScopeMiddleware, ScopeMiddleware } from "../../src/http/admin-auth.js";
import { createApiKey } from "../../src/services/api-keys.js";
import { readProblem } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";

/**
 * Every admin route, read from the app's own route table (so a route added tomorrow is walked too, whether or not it
 * is documented in OpenAPI), must refuse a request without a key (401) and one with a key lacking its scope (403),
 * both as problem documents. The scope is the one its authentication middleware (requireApiScope) declares.
 */
type AdminRoute = { method: string; path: string; scopes: Scope[] };

const ADMIN_PATH = /^\/admin(\/|$)/;

function adminRoutes(app: TestApp["app"]): AdminRoute[] {
  const routes = new Map<string, AdminRoute>();
  for (const { method, path, handler } of app.routes) {
    if (!ADMIN_PATH.test(path) || method === "ALL") {
      continue;
    }
    const route = routes.get(`${method} ${path}`) ?? { method, path, scopes: [] };
    const scope = (handler as Partial<ScopeMiddleware>).requiredScope;
    if (scope) {
      route.scopes.push(scope);
    }
    // a route open to any of several scopes (bulk jobs): a key with none of them is refused
    route.scopes.push(...((handler as Partial<AnyScopeMiddleware>).requiredScopes ?? []));
    routes.set(`${method} ${path}`, route);
  }
  return [...routes.values()];
}

/** A concrete URL for a route pattern (authentication comes before any parameter is read). */
function urlOf(path: string): string {
  return path.replace(/:(\w+)/g, (_, name: string) =>
    name === "email" ? "ada%40example.org" : "00000000-0000-4000-8000-000000000000",
  );
}

async function request(t: TestApp, route: AdminRoute, token?: string): Promise<Response> {
  const bodyless = route.method === "GET" || route.method === "HEAD";
  return t.app.request(urlOf(route.path), {
    method: route.method,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(bodyless ? {} : { body: "{}" }),
  });
}

/** What is wrong with a route's authentication, in words (none: it is right). */
async function authFailures(t: TestApp, route: AdminRoute): Promise<string[]> {
  const failures: string[] = [];
  if (route.scopes.length === 0) {
    failures.push("declares no required scope (requireApiScope)");
  }
  const expectProblem = async (what: string, res: Response, status: number, code: string) => {
    const type = res.headers.get("content-type") ?? "";
    const problem = type.startsWith("application/problem+json") ? await readProblem(res) : undefined;
    if (res.status !== status || problem?.code !== code) {
      failures.push(`${what}: ${res.status} ${problem?.code ?? type}, not ${status} ${code}`);
    }
  };
  await expectProblem("without a key", await request(t, route), 401, "UNAUTHENTICATED");
  // every scope but the route's own (and admin, which implies them all)
  const others = SCOPES.filter((s) => s !== "admin" && !route.scopes.includes(s));
  const key = await createApiKey(t.ctx, { name: "wrong scope", scopes: others, actor: "test" });
  await expectProblem(
    `with a key of ${others.length} other scopes`,
    await request(t, route, key.token),
    403,
    "FORBIDDEN",
  );
  return failures;
}

const probe = await makeTestApp();
const routes = adminRoutes(probe.app);
await probe.close();

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

describe("every admin route in the route table", () => {
  it("includes every admin operation the OpenAPI document lists", async () => {
    const doc = (await (await t.app.request("/openapi.json")).json()) as { paths: Record<string, object> };
    const documented = Object.entries(doc.paths)
      .filter(([path]) => ADMIN_PATH.test(path))
      .flatMap(([path, operations]) =>
        Object.keys(operations).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`),
      );
    expect(documented.length).toBeGreaterThan(0);
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(expect.arrayContaining(documented));
  });

  it.each(routes.map((r) => [`${r.method} ${r.path}`, r] as const))(
    "%s: no key → 401, a key without its scope → 403",
    async (_name, route) => {
      expect(await authFailures(t, route)).toEqual([]);
    },
  );

  it("catches an admin route added without authentication", async () => {
    t.app.get("/admin/throwaway", (c) => c.json({ secret: true }));
    t.app.post("/admin/throwaway/:id", (c) => c.json({ done: true }));
    const added = adminRoutes(t.app).filter((r) => r.path.startsWith("/admin/throwaway"));
    expect(added).toHaveLength(2);
    for (const route of added) {
      expect(await authFailures(t, route)).toEqual([
        "declares no required scope (requireApiScope)",
        "without a key: 200 application/json, not 401 UNAUTHENTICATED",
        `with a key of ${SCOPES.length - 1} other scopes: 200 application/json, not 403 FORBIDDEN`,
      ]);
    }
  });
});
