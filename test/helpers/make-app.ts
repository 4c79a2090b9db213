import { randomBytes, randomInt, randomUUID } from "node:crypto";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { generateIssuerKey, type StoredIssuerKey } from "../../src/crypto/issuer-keys.js";
import { createKeyring } from "../../src/crypto/keyring.js";
import type { Catalog } from "../../src/domain/catalog/parse-catalog.js";
import { didWebFor } from "../../src/domain/issuer.js";
import { loadArtwork, loadCatalog } from "../../src/load-templates.js";
import { createLogger } from "../../src/logger.js";
import { createApiKey } from "../../src/services/api-keys.js";
import { createServiceContext } from "../../src/services/deps.js";
import { syncAchievements } from "../../src/storage/achievements-repo.js";
import { openDb } from "../../src/storage/db.js";
import type { FetchRemote } from "../../src/verify/environment.js";

export const TEST_PUBLIC_URL = "https://badges.test";
export const TEST_START = new Date("2026-03-02T09:30:00.250Z");

let catalog: Catalog | undefined;
const artwork = loadArtwork("templates");

/** A fresh app: :memory: database, new issuer keys, a settable clock, an admin key, captured logs. */
export async function makeTestApp(
  options: { env?: Record<string, string>; keys?: StoredIssuerKey[]; now?: Date; fetchRemote?: FetchRemote } = {},
) {
  catalog ??= loadCatalog("templates");
  const config = loadConfig({ LAUREL_PUBLIC_URL: TEST_PUBLIC_URL, LAUREL_ISSUER_NAME: "Test Academy", ...options.env });
  let now = new Date(options.now ?? TEST_START);
  const clock = {
    now: () => new Date(now),
    set: (date: Date) => {
      now = new Date(date);
    },
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
  };
  const logLines: string[] = [];
  const logger = createLogger({ level: "debug", write: (line) => logLines.push(line) });
  const { db, close } = openDb(":memory:");
  syncAchievements(db, catalog.entries, clock.now());
  const keys = options.keys ?? [await generateIssuerKey(1, clock.now())];
  const keyring = await createKeyring({ keys, did: didWebFor(config.publicUrl), publicUrl: config.publicUrl });
  const ctx = createServiceContext({
    config,
    db,
    keyring,
    catalog: { ...catalog },
    artwork,
    logger,
    clock: clock.now,
    newId: () => randomUUID(),
    newSalt: () => randomBytes(16).toString("hex"),
    newSecret: () => randomBytes(32).toString("base64url"),
    randomInt: (maxExclusive: number) => randomInt(maxExclusive),
    // the verifier's network: none unless a test answers it (e.g. from a map of documents)
    ...(options.fetchRemote ? { fetchRemote: options.fetchRemote } : {}),
  });
  const admin = createApiKey(ctx, { name: "test admin", scopes: ["admin"], actor: "test" });
  const app = createApp(ctx, { publicDir: "./" });
  return { app, ctx, db, keys, clock, logLines, adminToken: admin.token, close };
}

export type TestApp = Awaited<ReturnType<typeof makeTestApp>>;
