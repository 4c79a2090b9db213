import type { MiddlewareHandler } from "hono";
import type { Scope } from "../domain/scopes.js";
import { authenticate, requireScope } from "../services/api-keys.js";
import type { AppEnv } from "./env.js";

const BEARER = /^Bearer\s+(\S+)$/i;

/** Route middleware: resolves the bearer API key and insists on a scope (401 / 403 otherwise). */
export function requireApiScope(scope: Scope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header("authorization") ?? "";
    const token = BEARER.exec(header)?.[1];
    const principal = token ? authenticate(c.var.ctx, token) : null;
    c.set("principal", requireScope(principal, scope));
    await next();
  };
}

/** The audit actor for the authenticated key. */
export function actorOf(principal: { keyId: string } | null): string {
  return principal ? `api-key:${principal.keyId}` : "anonymous";
}
