import type { MiddlewareHandler } from "hono";
import { apiKeyPrincipal, can, type Permission, type Principal } from "../domain/access.js";
import type { Scope } from "../domain/scopes.js";
import { AppError } from "../errors.js";
import { authenticate } from "../services/api-keys.js";
import type { AppEnv } from "./env.js";

const BEARER = /^Bearer\s+(\S+)$/i;

/** A scope a route can require: every scope but `admin` (which is the admin role, and implies them all). */
export type RouteScope = Exclude<Scope, "admin"> & Permission;

/** A route's authentication middleware, carrying the scope it requires (the shared security test reads it). */
export type ScopeMiddleware = MiddlewareHandler<AppEnv> & { readonly requiredScope: RouteScope };

/**
 * Route middleware: resolves the bearer API key to its principal (domain/access.ts) and asks the one check, `can`,
 * for the scope (401 without a valid key, 403 without the scope).
 */
export function requireApiScope(scope: RouteScope): ScopeMiddleware {
  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const token = BEARER.exec(header)?.[1];
    const key = token ? await authenticate(c.var.ctx, token) : null;
    if (!key) {
      throw new AppError("UNAUTHENTICATED", "A valid API key is required: send it as `Authorization: Bearer <key>`");
    }
    const principal = apiKeyPrincipal(key);
    if (!can(principal, scope)) {
      throw new AppError("FORBIDDEN", `This API key lacks the "${scope}" scope`, { requiredScope: scope });
    }
    c.set("principal", principal);
    await next();
  };
  return Object.assign(middleware, { requiredScope: scope });
}

/** The audit actor of whoever is authenticated (`api-key:<id>`, `user:<id>`). */
export function actorOf(principal: Principal | null): string {
  return principal ? principal.actor : "anonymous";
}
