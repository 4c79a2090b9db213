import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { ACCESS_TOKEN_SECONDS, issueAccessToken, OAuthError } from "../../../services/oauth.js";
import type { AppEnv } from "../../env.js";
import { problems } from "../../openapi.js";

const TOKEN_PATH = "/oauth/token";

const TokenRequestSchema = z
  .object({
    grant_type: z.literal("client_credentials"),
    scope: z.string().optional().openapi({ description: "Space-separated scopes (default: all of the client's)" }),
    client_id: z.string().optional().openapi({ description: "With client_secret, instead of HTTP Basic" }),
    client_secret: z.string().optional(),
  })
  .openapi("OAuthTokenRequest");

const TokenResponseSchema = z
  .object({
    access_token: z.string(),
    token_type: z.literal("Bearer"),
    expires_in: z.number().int().openapi({ example: ACCESS_TOKEN_SECONDS }),
    scope: z.string(),
  })
  .openapi("OAuthTokenResponse");

const TokenErrorSchema = z
  .object({
    error: z.enum([
      "invalid_request",
      "invalid_client",
      "invalid_grant",
      "unauthorized_client",
      "unsupported_grant_type",
      "invalid_scope",
    ]),
    error_description: z.string(),
  })
  .openapi("OAuthTokenError");

const NO_STORE = { "cache-control": "no-store", pragma: "no-cache" };

/** The client's credentials: HTTP Basic (RFC 6749 §2.3.1, each part form-urlencoded) or the body, never both. */
function clientCredentials(
  c: Context<AppEnv>,
  form: Record<string, unknown>,
): { clientId?: string; clientSecret?: string; basic: boolean } {
  const header = c.req.header("authorization");
  const inBody = typeof form.client_id === "string" || typeof form.client_secret === "string";
  if (header === undefined) {
    const str = (v: unknown) => (typeof v === "string" ? v : undefined);
    return { clientId: str(form.client_id), clientSecret: str(form.client_secret), basic: false };
  }
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header)?.[1];
  if (!basic || inBody) {
    throw new OAuthError("invalid_request", "Authenticate the client once: HTTP Basic, or client_id and client_secret");
  }
  const decoded = Buffer.from(basic, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  try {
    const clientId = decodeURIComponent(decoded.slice(0, Math.max(0, colon)).replaceAll("+", " "));
    const clientSecret = decodeURIComponent(decoded.slice(colon + 1).replaceAll("+", " "));
    return colon < 0 ? { basic: true } : { clientId, clientSecret, basic: true };
  } catch {
    return { basic: true };
  }
}

function oauthError(c: Context<AppEnv>, error: OAuthError, basic: boolean): Response {
  // RFC 6749 §5.2: invalid_client is a 401 (with the scheme the client used) when it authenticated by a header
  const status = error.error === "invalid_client" ? 401 : 400;
  const headers: Record<string, string> = { ...NO_STORE };
  if (status === 401 && basic) {
    headers["www-authenticate"] = 'Basic realm="laurel"';
  }
  return c.json({ error: error.error, error_description: error.description }, status, headers);
}

/**
 * The OAuth 2.0 token endpoint (RFC 6749 §3.2), client credentials grant only (§4.4): an OAuth client (created with
 * `npm run api-keys -- create --oauth-client`) gets a short-lived bearer token for the VC API. Its errors are RFC 6749's
 * `{error, error_description}`, not problem documents: OAuth clients read those.
 */
export function registerOAuth(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerPath({
    method: "post",
    path: TOKEN_PATH,
    tags: ["VC API"],
    summary: "Get an access token (OAuth 2.0 client credentials)",
    description:
      "RFC 6749 §4.4: authenticate the client with HTTP Basic (client id and secret), `grant_type=client_credentials`, " +
      `optionally \`scope\`. The token is an opaque bearer token valid ${ACCESS_TOKEN_SECONDS} seconds.`,
    security: [{ oauthClientBasic: [] }],
    request: {
      body: { required: true, content: { "application/x-www-form-urlencoded": { schema: TokenRequestSchema } } },
    },
    responses: {
      200: { description: "The token", content: { "application/json": { schema: TokenResponseSchema } } },
      400: { description: "RFC 6749 §5.2 error", content: { "application/json": { schema: TokenErrorSchema } } },
      401: { description: "invalid_client", content: { "application/json": { schema: TokenErrorSchema } } },
      ...problems("PAYLOAD_TOO_LARGE"),
    },
  });
  app.post(TOKEN_PATH, async (c) => {
    let basic = false;
    try {
      const type = c.req.header("content-type") ?? "";
      if (!type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
        throw new OAuthError("invalid_request", "The body must be application/x-www-form-urlencoded");
      }
      const form = Object.fromEntries(new URLSearchParams(await c.req.text()));
      const client = clientCredentials(c, form);
      basic = client.basic;
      const token = await issueAccessToken(c.get("ctx"), {
        clientId: client.clientId,
        clientSecret: client.clientSecret,
        grantType: form.grant_type,
        scope: form.scope,
      });
      return c.json(token, 200, NO_STORE);
    } catch (error) {
      if (error instanceof OAuthError) {
        return oauthError(c, error, basic);
      }
      throw error;
    }
  });
}
