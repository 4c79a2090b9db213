import type { Context, MiddlewareHandler } from "hono";
import type { Scope } from "../domain/scopes.js";
import { AppError } from "../errors.js";
import { type ApiKeyKind, type ApiPrincipal, authenticate, requireScope } from "../services/api-keys.js";
import { authenticateAccessToken, isAccessToken } from "../services/oauth.js";
import type { AppEnv } from "./env.js";

const BEARER = /^Bearer\s+(\S+)$/i;

/** A route's authentication middleware, carrying the scope it requires (the shared security test reads it). */
export type ScopeMiddleware = MiddlewareHandler<AppEnv> & { readonly requiredScope: Scope };

/** The bearer credential's principal: an API key, or an OAuth 2.0 access token (RFC 6750); null when none is valid. */
async function bearerPrincipal(c: Context<AppEnv>): Promise<{ given: boolean; principal: ApiPrincipal | null }> {
  const header = c.req.header("authorization");
  if (header === undefined) {
    return { given: false, principal: null };
  }
  const token = BEARER.exec(header)?.[1];
  if (!token) {
    return { given: true, principal: null };
  }
  const ctx = c.var.ctx;
  const principal = isAccessToken(token) ? await authenticateAccessToken(ctx, token) : await authenticate(ctx, token);
  return { given: true, principal };
}

/** Route middleware: resolves the bearer API key or access token and insists on a scope (401 / 403 otherwise). */
export function requireApiScope(scope: Scope): ScopeMiddleware {
  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    const { principal } = await bearerPrincipal(c);
    c.set("principal", requireScope(principal, scope));
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

/** The audit actor for the authenticated key (or OAuth client). */
export function actorOf(principal: { keyId: string; kind?: ApiKeyKind } | null): string {
  if (!principal) {
    return "anonymous";
  }
  return principal.kind === "oauth-client" ? `oauth-client:${principal.keyId}` : `api-key:${principal.keyId}`;
}
