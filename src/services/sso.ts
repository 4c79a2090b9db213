import { createHash } from "node:crypto";
import * as oidc from "openid-client";
import type { SsoRoleMapping } from "../config.js";
import type { RoleGrant } from "../domain/access.js";
import { normaliseEmail } from "../domain/credential/identity.js";
import { checkEmail } from "../domain/email.js";
import { AppError } from "../errors.js";
import { appendAudit } from "../storage/audit-repo.js";
import { insertSsoRequest, takeSsoRequest } from "../storage/sessions-repo.js";
import {
  deleteGrantsOf,
  findUserByEmail,
  insertGrant,
  insertUser,
  setUserName,
  type UserRow,
} from "../storage/users-repo.js";
import type { ServiceContext } from "./deps.js";
import { openSession } from "./sessions.js";
import { checkGrant } from "./users.js";

/** How long a sign-in at the identity provider may take, from leaving the console to coming back. */
const SSO_REQUEST_MS = 10 * 60_000;

function sha256(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

function settingsOf(ctx: ServiceContext) {
  const sso = ctx.config.console.sso;
  if (!sso) {
    throw new AppError("NOT_FOUND", "Single sign-on is not configured");
  }
  return sso;
}

/**
 * The provider's configuration, from its discovery document. Plain http is accepted only for a loopback issuer (the
 * configuration refuses any other http issuer): a provider started on this machine, as in the tests.
 */
async function discover(ctx: ServiceContext): Promise<oidc.Configuration> {
  const sso = settingsOf(ctx);
  const issuer = new URL(sso.issuer);
  try {
    return await oidc.discovery(
      issuer,
      sso.clientId,
      undefined,
      oidc.ClientSecretBasic(sso.clientSecret),
      issuer.protocol === "http:" ? { execute: [oidc.allowInsecureRequests] } : undefined,
    );
  } catch (error) {
    ctx.logger.warn("single sign-on: the identity provider's discovery failed", {
      issuer: sso.issuer,
      error: error instanceof Error ? error.message : String(error),
    });
    throw new AppError("UNAUTHENTICATED", "Single sign-on is unavailable: the identity provider did not answer");
  }
}

/** Where the provider sends the browser back. */
export function ssoCallbackUrl(ctx: Pick<ServiceContext, "config">): string {
  return `${ctx.config.publicUrl}/console/sso/callback`;
}

/**
 * Starts a sign-in at the provider: authorization code flow with PKCE (S256), state and nonce. The state's hash, the
 * nonce and the code verifier are kept server-side for ten minutes (one use); the state goes to the browser too (a
 * cookie), so that a callback is accepted only in the browser that started it.
 */
export async function startSso(ctx: ServiceContext): Promise<{ url: string; state: string }> {
  const config = await discover(ctx);
  const state = ctx.newSecret();
  const nonce = ctx.newSecret();
  const codeVerifier = ctx.newSecret();
  const codeChallenge = await oidc.calculatePKCECodeChallenge(codeVerifier);
  const now = ctx.clock();
  await ctx.store.tx((tx) =>
    insertSsoRequest(tx, {
      stateHash: sha256(state),
      nonce,
      codeVerifier,
      expiresAt: new Date(now.getTime() + SSO_REQUEST_MS),
    }),
  );
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: ssoCallbackUrl(ctx),
    scope: "openid email profile",
    response_type: "code",
    code_challenge: codeChallenge,
    code_challenge_method: "S256",
    state,
    nonce,
  });
  return { url: url.href, state };
}

/** The values of a claim: a string or a list of strings (e.g. `groups`); anything else counts as none. */
function claimValues(value: unknown): string[] {
  if (typeof value === "string") {
    return [value];
  }
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/**
 * The grants the role mapping gives these claims: for each configured claim, the grants of each of its values, plus the
 * grants of the email's domain; duplicates once.
 */
export function mappedGrants(mapping: SsoRoleMapping, claims: Record<string, unknown>, email: string): RoleGrant[] {
  const found: SsoRoleMapping["domains"][string] = [];
  for (const [claim, byValue] of Object.entries(mapping.claims)) {
    for (const value of claimValues(claims[claim])) {
      found.push(...(Object.hasOwn(byValue, value) ? (byValue[value] ?? []) : []));
    }
  }
  const domain = email.split("@").at(-1) ?? "";
  if (Object.hasOwn(mapping.domains, domain)) {
    found.push(...(mapping.domains[domain] ?? []));
  }
  const seen = new Set<string>();
  const grants: RoleGrant[] = [];
  for (const g of found) {
    const grant = { role: g.role, program: g.program ?? null, graderRole: g.graderRole ?? null };
    const key = JSON.stringify(grant);
    if (!seen.has(key)) {
      seen.add(key);
      grants.push(grant);
    }
  }
  return grants;
}

/** A refused single sign-on: audited (without any token), then a 401 saying why in words. */
async function refuse(ctx: ServiceContext, reason: string, message: string, email?: string): Promise<never> {
  const now = ctx.clock();
  await ctx.store.tx((tx) =>
    appendAudit(tx, {
      at: now,
      actor: "anonymous",
      action: "user.sign-in-failed",
      targetType: "user",
      targetId: "sso",
      details: { via: "sso", reason, ...(email ? { email } : {}) },
    }),
  );
  throw new AppError("UNAUTHENTICATED", message);
}

/**
 * Finishes a sign-in coming back from the provider: the state must be the one this browser started (its cookie) and
 * still pending (one use, ten minutes); the code is exchanged with the PKCE verifier, and the ID token checked (issuer,
 * audience, signature, expiry, nonce) by openid-client. The account is found by its verified email; a first sign-in
 * creates it with the grants the role mapping gives (none: refused); later sign-ins replace its grants with the
 * mapped ones when the mapping gives any (else the grants an administrator gave stay). Opens a session (audited).
 */
export async function finishSso(
  ctx: ServiceContext,
  input: { callbackUrl: URL; browserState: string | undefined; address: string },
): Promise<{ secret: string; userId: string }> {
  const sso = settingsOf(ctx);
  const state = input.callbackUrl.searchParams.get("state") ?? "";
  if (!state || !input.browserState || state !== input.browserState) {
    return refuse(
      ctx,
      "state-mismatch",
      "Single sign-on failed: the sign-in did not start in this browser. Try again.",
    );
  }
  const now = ctx.clock();
  const pending = await ctx.store.tx((tx) => takeSsoRequest(tx, sha256(state), now));
  if (!pending) {
    return refuse(ctx, "state-unknown", "Single sign-on failed: the sign-in expired or was used already. Try again.");
  }
  const providerError = input.callbackUrl.searchParams.get("error");
  if (providerError) {
    return refuse(
      ctx,
      `provider:${providerError.slice(0, 64)}`,
      "Single sign-on failed: the identity provider refused the sign-in.",
    );
  }
  const config = await discover(ctx);
  let claims: Record<string, unknown>;
  try {
    const tokens = await oidc.authorizationCodeGrant(config, input.callbackUrl, {
      pkceCodeVerifier: pending.codeVerifier,
      expectedState: state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims();
    if (!idClaims) {
      throw new Error("no ID token claims");
    }
    // providers put scope claims (email, name, groups) in the ID token or only at the userinfo endpoint: ask it too
    const userinfo = tokens.access_token
      ? await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub)
      : undefined;
    claims = { ...userinfo, ...idClaims };
  } catch (error) {
    const detail = error instanceof Error ? error.message : "unknown";
    ctx.logger.warn("single sign-on: the provider's answer was refused", { error: detail });
    return refuse(ctx, "token-refused", "Single sign-on failed: the identity provider's answer did not check out.");
  }
  const verdict = checkEmail(typeof claims.email === "string" ? claims.email : "");
  if (!verdict.ok || claims.email_verified === false) {
    return refuse(ctx, "no-verified-email", "Single sign-on failed: the identity provider gave no verified email.");
  }
  const email = normaliseEmail(verdict.email);
  const name = typeof claims.name === "string" && claims.name.trim() ? claims.name.trim().slice(0, 200) : email;
  const grants = mappedGrants(sso.roles, claims, email);
  try {
    for (const grant of grants) {
      checkGrant(ctx, grant);
    }
  } catch (error) {
    ctx.logger.warn("single sign-on: LAUREL_OIDC_ROLES gives a grant the catalog does not allow", {
      error: error instanceof Error ? error.message : String(error),
    });
    return refuse(
      ctx,
      "mapping-invalid",
      "Single sign-on failed: the role mapping is misconfigured; tell an administrator.",
    );
  }
  const existing = await findUserByEmail(ctx.store.conn(), email);
  if (existing?.disabledAt) {
    return refuse(ctx, "disabled", "The email or the password is wrong", email);
  }
  if (!existing && grants.length === 0) {
    return refuse(ctx, "no-role", "Single sign-on worked, but your account there gives you no role here.", email);
  }
  return ctx.store.tx(async (tx) => {
    let user: UserRow | undefined = await findUserByEmail(tx, email);
    if (!user) {
      user = {
        id: ctx.newId(),
        email,
        name,
        passwordHash: null,
        mustChangePassword: false,
        createdAt: now,
        createdBy: "system:sso",
        disabledAt: null,
      };
      await insertUser(tx, user);
      await appendAudit(tx, {
        at: now,
        actor: "system:sso",
        action: "user.created",
        targetType: "user",
        targetId: user.id,
        details: { grants, password: "none", via: "sso" },
      });
    } else if (user.name !== name) {
      await setUserName(tx, user.id, name);
    }
    if (grants.length > 0) {
      await deleteGrantsOf(tx, user.id);
      for (const grant of grants) {
        await insertGrant(tx, { id: ctx.newId(), userId: user.id, ...grant, createdAt: now });
      }
    }
    const secret = await openSession(ctx, tx, user.id, "sso", now);
    await appendAudit(tx, {
      at: now,
      actor: `user:${user.id}`,
      action: "user.signed-in",
      targetType: "user",
      targetId: user.id,
      details: { address: input.address, via: "sso", grants },
    });
    return { secret, userId: user.id };
  });
}
