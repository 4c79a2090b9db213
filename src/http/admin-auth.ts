import type { Context, MiddlewareHandler } from "hono";
import { apiKeyPrincipal, can, type Permission, type Principal } from "../domain/access.js";
import type { Scope } from "../domain/scopes.js";
import { AppError } from "../errors.js";
import { authenticate } from "../services/api-keys.js";
import { authenticateAccessToken, isAccessToken } from "../services/oauth.js";
import type { AppEnv } from "./env.js";

const BEARER = /^Bearer\s+(\S+)$/i;

/** A scope a route can require: every scope but `admin` (which is the admin role, and implies them all). */
export type RouteScope = Exclude<Scope, "admin"> & Permission;

/** A route's authentication middleware, carrying the scope it requires (the shared security test reads it). */
export type ScopeMiddleware = MiddlewareHandler<AppEnv> & { readonly requiredScope: RouteScope };

/**
 * The bearer credential's principal (domain/access.ts): an API key, or an OAuth 2.0 access token (RFC 6750) standing for
 * its client; null when none is valid. `given`: whether an Authorization header was sent at all.
 */
async function bearerPrincipal(c: Context<AppEnv>): Promise<{ given: boolean; principal: Principal | null }> {
  const header = c.req.header("authorization");
  if (header === undefined) {
    return { given: false, principal: null };
  }
  const token = BEARER.exec(header)?.[1];
  if (!token) {
    return { given: true, principal: null };
  }
  const ctx = c.get("ctx");
  const key = isAccessToken(token) ? await authenticateAccessToken(ctx, token) : await authenticate(ctx, token);
  return { given: true, principal: key ? apiKeyPrincipal(key) : null };
}

/**
 * Route middleware: resolves the bearer API key or access token to its principal and asks the one check, `can`, for
 * the scope (401 without a valid key or token, 403 without the scope).
 */
export function requireApiScope(scope: RouteScope): ScopeMiddleware {
  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    const { principal } = await bearerPrincipal(c);
    if (!principal) {
      throw new AppError("UNAUTHENTICATED", "A valid API key is required: send it as `Authorization: Bearer <key>`");
    }
    if (!can(principal, scope)) {
      throw new AppError("FORBIDDEN", `This API key lacks the "${scope}" scope`, { requiredScope: scope });
    }
    c.set("principal", principal);
    await next();
  };
  return Object.assign(middleware, { requiredScope: scope });
}

/**
 * Route middleware of public endpoints that a key may still identify itself on (the VC API verifiers, for its own rate
 * limit): no Authorization header is anonymous; one that does not hold a valid key or token is a 401.
 */
export function optionalApiPrincipal(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const { given, principal } = await bearerPrincipal(c);
    if (given && !principal) {
      throw new AppError("UNAUTHENTICATED", "The Authorization header holds no valid API key or access token");
    }
    c.set("principal", principal);
    await next();
  };
}

/** The audit actor of whoever is authenticated (`api-key:<id>`, `oauth-client:<id>`, `user:<id>`). */
export function actorOf(principal: Principal | null): string {
  return principal ? principal.actor : "anonymous";
}

/** Route middleware of routes open to any of several scopes (bulk jobs: one per kind); the route checks the rest. */
export type AnyScopeMiddleware = MiddlewareHandler<AppEnv> & { readonly requiredScopes: readonly RouteScope[] };

/**
 * Like requireApiScope, for a route that holds several kinds of things, each under its own scope (bulk jobs: awards
 * under credentials:issue, evidence under evidence:write): 401 without a valid key or token, 403 without any of them.
 * The handler asks `can` for the scope of what it touches.
 */
export function requireAnyApiScope(scopes: readonly RouteScope[]): AnyScopeMiddleware {
  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    const { principal } = await bearerPrincipal(c);
    if (!principal) {
      throw new AppError("UNAUTHENTICATED", "A valid API key is required: send it as `Authorization: Bearer <key>`");
    }
    if (!scopes.some((scope) => can(principal, scope))) {
      throw new AppError("FORBIDDEN", `This API key lacks every one of the scopes ${scopes.join(", ")}`, {
        requiredScopes: scopes,
      });
    }
    c.set("principal", principal);
    await next();
  };
  return Object.assign(middleware, { requiredScopes: scopes });
}
