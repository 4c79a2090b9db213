import type { MiddlewareHandler } from "hono";
import type { Scope } from "../domain/scopes.js";
import { authenticate, requireScope } from "../services/api-keys.js";
import type { AppEnv } from "./env.js";

const BEARER = /^Bearer\s+(\S+)$/i;

/** A route's authentication middleware, carrying the scope it requires (the shared security test reads it). */
export type ScopeMiddleware = MiddlewareHandler<AppEnv> & { readonly requiredScope: Scope };

/** Route middleware: resolves the bearer API key and insists on a scope (401 / 403 otherwise). */
export function requireApiScope(scope: Scope): ScopeMiddleware {
  const middleware: MiddlewareHandler<AppEnv> = async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const token = BEARER.exec(header)?.[1];
    const principal = token ? await authenticate(c.var.ctx, token) : null;
    c.set("principal", requireScope(principal, scope));
    await next();
  };
  return Object.assign(middleware, { requiredScope: scope });
}

/** The audit actor for the authenticated key. */
export function actorOf(principal: { keyId: string } | null): string {
  return principal ? `api-key:${principal.keyId}` : "anonymous";
}
