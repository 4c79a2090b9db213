import { createHash, timingSafeEqual } from "node:crypto";
import { hasUndrawableCharacter } from "../domain/display-text.js";
import { SCOPES, type Scope } from "../domain/scopes.js";
import { AppError, type FieldError, validationError } from "../errors.js";
import {
  type ApiKeyRow,
  countApiKeys,
  findApiKey,
  insertApiKey,
  listApiKeys as listApiKeyRows,
  revokeApiKey as revokeApiKeyRow,
  setApiKeyRateLimit,
} from "../storage/api-keys-repo.js";
import { appendAudit } from "../storage/audit-repo.js";
import type { ServiceContext } from "./deps.js";

const TOKEN = /^lrl_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const DUMMY_HASH = Buffer.alloc(32);

function hashSecret(secret: string): Buffer {
  return createHash("sha256").update(secret, "utf8").digest();
}

/** What API key management needs: the database, time and randomness (the CLI builds just this). */
export type ApiKeyContext = Pick<ServiceContext, "store" | "clock" | "newId" | "newSecret">;

/** An API key, or an OAuth 2.0 client: its secret is accepted only at the token endpoint. */
export type ApiKeyKind = "api-key" | "oauth-client";

export type ApiPrincipal = {
  keyId: string;
  name: string;
  scopes: string[];
  graderRole: string | null;
  /** How it authenticated: its own bearer key, or an OAuth access token of that client. */
  kind: ApiKeyKind;
  /** Its own limit on the VC API endpoints (requests per minute); null: the default. */
  rateLimitPerMinute: number | null;
};
export type ApiKeySummary = {
  id: string;
  name: string;
  scopes: string[];
  graderRole: string | null;
  kind: ApiKeyKind;
  rateLimitPerMinute: number | null;
  createdAt: string;
  revokedAt: string | null;
};

const GRADER_ROLE = /^[a-z][a-z0-9-]{0,63}$/;

/** What is wrong with a new key's name, scopes and grader role (the console's form and the CLI say the same). */
function apiKeyProblems(input: { name: string; scopes: readonly string[]; graderRole?: string }): FieldError[] {
  const problems: FieldError[] = [];
  const name = input.name.trim();
  if (name === "") {
    problems.push({ path: "name", message: "must not be empty" });
  } else if (name.length > 100) {
    problems.push({ path: "name", message: "must be at most 100 characters" });
  } else if (!name.isWellFormed() || hasUndrawableCharacter(name)) {
    problems.push({ path: "name", message: "must not contain control, noncharacter or bidi-override characters" });
  }
  const unknown = input.scopes.filter((scope) => !(SCOPES as readonly string[]).includes(scope));
  if (input.scopes.length === 0) {
    problems.push({ path: "scopes", message: "choose at least one scope" });
  } else if (unknown.length > 0) {
    problems.push({ path: "scopes", message: `unknown scope(s): ${unknown.join(", ")}` });
  }
  if (input.graderRole !== undefined && !GRADER_ROLE.test(input.graderRole)) {
    problems.push({ path: "graderRole", message: "must be a role code such as ps-engineer (a-z, 0-9, -)" });
  }
  return problems;
}

/** Creates a key and returns its token, the only time the token exists in clear; a wrong field → 400 naming it. */
export async function createApiKey(
  ctx: ApiKeyContext,
  input: {
    name: string;
    scopes: Scope[];
    actor: string;
    graderRole?: string;
    kind?: ApiKeyKind;
    rateLimitPerMinute?: number | null;
  },
): Promise<{ id: string; token: string; secret: string }> {
  const problems = apiKeyProblems(input);
  if (problems.length > 0) {
    throw validationError(problems);
  }
  const id = ctx.newId().replaceAll("-", "").slice(0, 12);
  const secret = ctx.newSecret();
  const now = ctx.clock();
  await ctx.store.tx(async (tx) => {
    await insertApiKey(tx, {
      id,
      name: input.name.trim(),
      secretHash: hashSecret(secret).toString("hex"),
      scopes: input.scopes,
      createdAt: now,
      createdBy: input.actor,
      graderRole: input.graderRole ?? null,
      kind: input.kind ?? "api-key",
      rateLimitPerMinute: input.rateLimitPerMinute ?? null,
    });
    await appendAudit(tx, {
      at: now,
      actor: input.actor,
      action: "api-key.created",
      targetType: "api-key",
      targetId: id,
      details: {
        name: input.name.trim(),
        scopes: input.scopes,
        graderRole: input.graderRole ?? null,
        kind: input.kind ?? "api-key",
        rateLimitPerMinute: input.rateLimitPerMinute ?? null,
      },
    });
  });
  return { id, token: `lrl_${id}_${secret}`, secret };
}

/** Creates the bootstrap admin key when no key exists yet; returns its token once, else null. */
export async function ensureBootstrapKey(ctx: ApiKeyContext): Promise<{ id: string; token: string } | null> {
  if ((await countApiKeys(ctx.store.conn())) > 0) {
    return null;
  }
  return createApiKey(ctx, { name: "bootstrap admin", scopes: ["admin"], actor: "system:bootstrap" });
}

/** The active key (or client) `id` whose secret is `secret`, comparing the secret's hash in constant time. */
export async function findKeyBySecret(
  ctx: Pick<ServiceContext, "store">,
  id: string | undefined,
  secret: string,
): Promise<ApiKeyRow | undefined> {
  const row = id ? await findApiKey(ctx.store.conn(), id) : undefined;
  const stored = row ? Buffer.from(row.secretHash, "hex") : DUMMY_HASH;
  const equal = timingSafeEqual(hashSecret(secret), stored);
  return row && equal && !row.revokedAt ? row : undefined;
}

/** The principal a key (or an OAuth client, through one of its tokens) acts as, with the scopes it holds now. */
export function principalOf(row: ApiKeyRow, scopes: string[] = row.scopes): ApiPrincipal {
  return {
    keyId: row.id,
    name: row.name,
    scopes,
    graderRole: row.graderRole,
    kind: row.kind,
    rateLimitPerMinute: row.rateLimitPerMinute,
  };
}

/**
 * Resolves a bearer API key to its key, comparing the secret's hash in constant time. An OAuth client's secret is
 * not a bearer token: it only buys access tokens at the token endpoint.
 */
export async function authenticate(ctx: Pick<ServiceContext, "store">, token: string): Promise<ApiPrincipal | null> {
  const match = TOKEN.exec(token);
  const row = await findKeyBySecret(ctx, match?.[1], match?.[2] ?? token);
  return row && row.kind === "api-key" ? principalOf(row) : null;
}

export async function listApiKeys(ctx: Pick<ServiceContext, "store">): Promise<ApiKeySummary[]> {
  return (await listApiKeyRows(ctx.store.conn())).map((row) => ({
    id: row.id,
    name: row.name,
    scopes: row.scopes,
    graderRole: row.graderRole,
    kind: row.kind,
    rateLimitPerMinute: row.rateLimitPerMinute,
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt ? row.revokedAt.toISOString() : null,
  }));
}

export async function revokeApiKey(ctx: ApiKeyContext, input: { id: string; actor: string }): Promise<void> {
  const now = ctx.clock();
  const revoked = await ctx.store.tx(async (tx) => {
    const changed = await revokeApiKeyRow(tx, input.id, now);
    if (changed) {
      await appendAudit(tx, {
        at: now,
        actor: input.actor,
        action: "api-key.revoked",
        targetType: "api-key",
        targetId: input.id,
      });
    }
    return changed;
  });
  if (!revoked) {
    throw new AppError("NOT_FOUND", `No active API key "${input.id}"`);
  }
}

/** Sets a key's (or client's) own rate limit on the VC API endpoints; null puts it back to the default. */
export async function setRateLimit(
  ctx: ApiKeyContext,
  input: { id: string; perMinute: number | null; actor: string },
): Promise<void> {
  const now = ctx.clock();
  const changed = await ctx.store.tx(async (tx) => {
    const found = await setApiKeyRateLimit(tx, input.id, input.perMinute);
    if (found) {
      await appendAudit(tx, {
        at: now,
        actor: input.actor,
        action: "api-key.rate-limit-set",
        targetType: "api-key",
        targetId: input.id,
        details: { rateLimitPerMinute: input.perMinute },
      });
    }
    return found;
  });
  if (!changed) {
    throw new AppError("NOT_FOUND", `No API key "${input.id}"`);
  }
}
