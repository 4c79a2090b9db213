import { createHash } from "node:crypto";
import { SCOPES } from "../domain/scopes.js";
import { appendAudit } from "../storage/audit-repo.js";
import { deleteExpiredOAuthTokens, findOAuthToken, insertOAuthToken } from "../storage/oauth-tokens-repo.js";
import { type ApiKeyContext, type ApiPrincipal, findKeyBySecret, principalOf } from "./api-keys.js";

/** How long an access token lives: short, since it is a bearer credential (RFC 6749 §10.3, RFC 6819 §5.1.5.3). */
export const ACCESS_TOKEN_SECONDS = 600;

const ACCESS_TOKEN = /^lrt_[A-Za-z0-9_-]{43}$/;

/** The error codes of RFC 6749 §5.2 the token endpoint answers. */
export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "invalid_scope";

/** A token request refused, as RFC 6749 §5.2 words it (rendered as `{error, error_description}`, not a problem). */
export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
  ) {
    super(description);
    this.name = "OAuthError";
  }
}

/** The RFC 6749 §5.1 answer. */
export type AccessTokenResponse = {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  scope: string;
};

const hashToken = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

/**
 * The client credentials grant (RFC 6749 §4.4): an OAuth client (an `oauth-client` key) proves its secret and gets an
 * opaque access token for the scopes it asks (all of its own when it names none; one it does not hold is
 * `invalid_scope`). Only the token's SHA-256 is stored, with its expiry.
 */
export async function issueAccessToken(
  ctx: ApiKeyContext,
  request: { clientId?: string; clientSecret?: string; grantType?: string; scope?: string },
): Promise<AccessTokenResponse> {
  if (request.grantType === undefined) {
    throw new OAuthError("invalid_request", "grant_type is required");
  }
  const client =
    request.clientId && request.clientSecret
      ? await findKeyBySecret(ctx, request.clientId, request.clientSecret)
      : undefined;
  if (client?.kind !== "oauth-client") {
    throw new OAuthError("invalid_client", "Client authentication failed (unknown client, wrong secret, or revoked)");
  }
  if (request.grantType !== "client_credentials") {
    throw new OAuthError("unsupported_grant_type", "Only the client_credentials grant is supported");
  }
  const asked = (request.scope ?? "").split(" ").filter(Boolean);
  const unknown = asked.filter((s) => !(SCOPES as readonly string[]).includes(s));
  const notHeld = asked.filter((s) => !client.scopes.includes(s) && !client.scopes.includes("admin"));
  if (unknown.length > 0 || notHeld.length > 0) {
    const named = [...unknown, ...notHeld].map((s) => s.slice(0, 40)).join(", ");
    throw new OAuthError("invalid_scope", `Scope not known or not granted to this client: ${named}`);
  }
  const scopes = asked.length > 0 ? [...new Set(asked)] : client.scopes;
  const token = `lrt_${ctx.newSecret()}`;
  const now = ctx.clock();
  await ctx.store.tx(async (tx) => {
    await deleteExpiredOAuthTokens(tx, client.id, now);
    await insertOAuthToken(tx, {
      tokenHash: hashToken(token),
      clientId: client.id,
      scopes,
      createdAt: now,
      expiresAt: new Date(now.getTime() + ACCESS_TOKEN_SECONDS * 1000),
    });
    await appendAudit(tx, {
      at: now,
      actor: `oauth-client:${client.id}`,
      action: "oauth.token-issued",
      targetType: "api-key",
      targetId: client.id,
      details: { scopes, expiresInSeconds: ACCESS_TOKEN_SECONDS },
    });
  });
  return { access_token: token, token_type: "Bearer", expires_in: ACCESS_TOKEN_SECONDS, scope: scopes.join(" ") };
}

/** True when a bearer token has the form of our access tokens (not of an API key). */
export function isAccessToken(token: string): boolean {
  return token.startsWith("lrt_");
}

/**
 * Resolves an access token to its client, with the token's scopes (never more than the client still holds); null when
 * unknown, expired, or its client was revoked. Looked up by its SHA-256, so the token itself is never compared.
 */
export async function authenticateAccessToken(ctx: ApiKeyContext, token: string): Promise<ApiPrincipal | null> {
  if (!ACCESS_TOKEN.test(token)) {
    return null;
  }
  const found = await findOAuthToken(ctx.store.conn(), hashToken(token));
  if (!found || found.client.revokedAt || found.client.kind !== "oauth-client") {
    return null;
  }
  if (found.token.expiresAt.getTime() <= ctx.clock().getTime()) {
    return null;
  }
  const held = found.client.scopes;
  const scopes = held.includes("admin") ? found.token.scopes : found.token.scopes.filter((s) => held.includes(s));
  return principalOf(found.client, scopes);
}
