import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve, sep } from "node:path";
import { composeServices } from "../src/compose.js";
import { loadConfig } from "../src/config.js";
import type { JsonObject } from "../src/crypto/data-integrity.js";
import { readIssuerKeys } from "../src/crypto/key-files.js";
import { createSigningPool } from "../src/crypto/signing-pool.js";
import { toOb3Achievement, validUntilFor } from "../src/domain/achievement.js";
import { buildOpenBadgeCredential } from "../src/domain/credential/build.js";
import { recipientIdentifiers } from "../src/domain/credential/identity.js";
import { STATUS_LIST_LENGTH } from "../src/domain/status/bitstring.js";
import {
  credentialStatusValue,
  type StatusSlot,
  statusListEntry,
} from "../src/domain/status/status-list-credential.js";
import { createLogger } from "../src/logger.js";
import { credentialUrl } from "../src/services/credential-view.js";
import type { ServiceContext } from "../src/services/deps.js";
import { statusPurposesFor } from "../src/services/issue-plan.js";
import { refreshStatusList } from "../src/services/status-lists.js";
import { appendAudit } from "../src/storage/audit-repo.js";
import { insertCredential } from "../src/storage/credentials-repo.js";
import { upsertRecipient } from "../src/storage/recipients-repo.js";
import { assignStatusSlots, reserveStatusSlot } from "../src/storage/status-entries-repo.js";

/** Where benchmark databases are kept between runs (gitignored). */
export const BENCH_DATA_DIR = join(import.meta.dirname, ".data");

/**
 * A folder a profile script may open with migrations applied (KEEP=<dir>): never one inside the shared database's
 * folder (or the folder a link there resolves to), which every bench copies from and none may change.
 */
export function privateKeepDir(dir: string): string {
  const real = (path: string) => (existsSync(path) ? realpathSync(path) : resolve(path));
  const kept = real(dir);
  const shared = real(BENCH_DATA_DIR);
  if (kept === shared || kept.startsWith(`${shared}${sep}`)) {
    throw new Error(`KEEP=${dir} is inside the shared bench data (${shared}): give a folder of your own`);
  }
  return dir;
}

/**
 * The services on the private copy a profile script keeps between runs (KEEP=<dir>, made by bench/profile-page.ts with
 * its projections filled), and the copy's credential ids.
 */
export async function openKeptServices(): Promise<{
  dir: string;
  ctx: ServiceContext;
  ids: string[];
  close: () => Promise<void>;
}> {
  if (!process.env.KEEP) {
    throw new Error("KEEP=<dir of a copy made by bench/profile-page.ts> is needed");
  }
  const dir = privateKeepDir(process.env.KEEP);
  return { dir, ...(await servicesOnCopy(dir)) };
}

/** The services on a copy of the pages database in `dir` (its database, keys and complete.json), and its ids. */
export async function servicesOnCopy(
  dir: string,
): Promise<{ ctx: ServiceContext; ids: string[]; close: () => Promise<void> }> {
  const { ctx, close } = await composeServices(
    loadConfig({
      LAUREL_PUBLIC_URL: "https://badges.bench",
      LAUREL_DB_PATH: join(dir, "laurel.db"),
      LAUREL_KEYS_DIR: join(dir, "keys"),
    }),
    {
      logger: createLogger({ level: "silent", write: () => {} }),
      database: "create",
      keys: "create",
      fetchRemote: null,
    },
  );
  const ids = JSON.parse(readFileSync(join(dir, "complete.json"), "utf8")).ids as string[];
  return { ctx, ids, close };
}

/** Ids of `ids` picked at random (xorshift32 from `seed`): the same sequence on every run, over the whole database. */
export function randomPicker(ids: readonly string[], seed = 0x9e3779b9): () => string {
  let state = seed;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ids[(state >>> 0) % ids.length] as string;
  };
}

/** Certifications the benchmark credentials are drawn from (with and without expiry). */
const ACHIEVEMENTS = [
  "gitlab-certified-associate",
  "gitlab-certified-cicd-specialist",
  "gitlab-certified-devops-professional",
  "gitlab-certified-security-specialist",
  "field-product-certification-sales",
  "certified-trainer-gitlab-basics",
  "field-accreditation-solution-architect",
];
const CHUNK = 2000;

export type PagesDatabase = {
  ctx: ServiceContext;
  ids: string[];
  /** Seconds the build took (0 when an earlier run's database was reused). */
  builtIn: number;
  close: () => Promise<void>;
};

/**
 * A database of `count` real credentials (each built and signed like an issued one: distinct recipients, salts, ids
 * and status entries, signed through the signing pool's fast path; rows, recipients, status entries and the audit
 * entry written as issuance writes them) in `bench/.data/pages-<count>/`, built on the first run and reused after.
 * Not the issuance service (one transaction per credential): chunks of 2,000 in one transaction each.
 */
export async function openPagesDatabase(count: number): Promise<PagesDatabase> {
  const dir = join(BENCH_DATA_DIR, `pages-${count}`);
  const done = join(dir, "complete.json");
  const reuse = existsSync(done);
  if (!reuse) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }
  const config = loadConfig({
    LAUREL_PUBLIC_URL: "https://badges.bench",
    LAUREL_DB_PATH: join(dir, "laurel.db"),
    LAUREL_KEYS_DIR: join(dir, "keys"),
  });
  const { ctx, close } = await composeServices(config, {
    logger: createLogger({ level: "silent", write: () => {} }),
    database: "create",
    keys: "create",
    fetchRemote: null,
  });
  if (reuse) {
    const ids = JSON.parse(readFileSync(done, "utf8")).ids as string[];
    return { ctx, ids, builtIn: 0, close };
  }
  const start = performance.now();
  const ids = await build(ctx, config.keysDir, count);
  const builtIn = (performance.now() - start) / 1000;
  writeFileSync(done, JSON.stringify({ count, builtIn, ids }));
  return { ctx, ids, builtIn, close };
}

/** A private copy (openPrivatePagesCopy): its folder, the environment that names it, and its services' own close. */
export type PrivatePagesCopy = PagesDatabase & {
  dir: string;
  env: Record<string, string>;
  /** Closes this process's services on the copy and keeps its files (for a server process to open next). */
  closeServices: () => Promise<void>;
};

/**
 * A private copy of the shared database of `count` credentials (built first when missing), opened by this build (its
 * migrations applied to the copy only), for a bench that writes to it; deleted by `close`. `beforeOpen` runs on the
 * copy first, given the environment that names it (e.g. an operator command in another process).
 */
export async function openPrivatePagesCopy(
  count: number,
  name: string,
  beforeOpen?: (env: Record<string, string>) => void,
): Promise<PrivatePagesCopy> {
  const shared = join(BENCH_DATA_DIR, `pages-${count}`);
  if (!existsSync(join(shared, "complete.json"))) {
    await (await openPagesDatabase(count)).close();
  }
  const dir = join(tmpdir(), `laurel-bench-${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const file of ["laurel.db", "laurel.db-wal"]) {
    if (existsSync(join(shared, file))) {
      copyFileSync(join(shared, file), join(dir, file));
    }
  }
  cpSync(join(shared, "keys"), join(dir, "keys"), { recursive: true });
  const env = {
    LAUREL_PUBLIC_URL: "https://badges.bench",
    LAUREL_DB_PATH: join(dir, "laurel.db"),
    LAUREL_KEYS_DIR: join(dir, "keys"),
  };
  beforeOpen?.(env);
  const { ctx, close } = await composeServices(loadConfig(env), {
    logger: createLogger({ level: "silent", write: () => {} }),
    database: "create",
    keys: "create",
    fetchRemote: null,
  });
  const ids = JSON.parse(readFileSync(join(shared, "complete.json"), "utf8")).ids as string[];
  let closed: Promise<void> | undefined;
  const closeServices = () => {
    closed ??= close();
    return closed;
  };
  return {
    ctx,
    ids,
    builtIn: 0,
    dir,
    env,
    closeServices,
    close: async () => {
      await closeServices();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function build(ctx: ServiceContext, keysDir: string, count: number): Promise<string[]> {
  const { publicUrl } = ctx.config;
  const pool = await createSigningPool({
    keys: { keys: readIssuerKeys(keysDir), did: ctx.keys.current().keyring.did, publicUrl },
    size: availableParallelism(),
  });
  const generation = ctx.keys.current().keyring.active.generation;
  const ids: string[] = [];
  const lists = new Set<string>();
  try {
    for (let from = 0; from < count; from += CHUNK) {
      const now = ctx.clock();
      const validFrom = new Date(Math.floor(now.getTime() / 1000) * 1000);
      const planned = Array.from({ length: Math.min(CHUNK, count - from) }, (_, k) => {
        const i = from + k;
        const entry = ctx.catalog.get(ACHIEVEMENTS[i % ACHIEVEMENTS.length] as string);
        if (!entry) {
          throw new Error(`no catalog entry ${ACHIEVEMENTS[i % ACHIEVEMENTS.length]}`);
        }
        return {
          entry,
          id: ctx.newId(),
          email: `reader${i}@example.org`,
          name: `Reader ${i} Ümlaut-${i.toString(36)}`,
          validUntil: validUntilFor(entry, validFrom, { fiscalYearStartMonth: ctx.config.fiscalYearStartMonth }),
          slots: [] as StatusSlot[],
        };
      });
      // Status indexes reserved first, as issuance does (drawn at random among the free ones).
      await ctx.store.tx(async (tx) => {
        for (const p of planned) {
          for (const purpose of statusPurposesFor(p.entry)) {
            const slot = await reserveStatusSlot(tx, {
              purpose,
              length: STATUS_LIST_LENGTH,
              now,
              randomInt: ctx.randomInt,
            });
            p.slots.push(slot);
            lists.add(slot.listId);
          }
        }
      });
      const unsigned: JsonObject[] = planned.map((p) =>
        buildOpenBadgeCredential({
          id: credentialUrl(publicUrl, p.id),
          issuer: ctx.issuer,
          achievement: toOb3Achievement(p.entry, publicUrl),
          identifiers: recipientIdentifiers({ email: p.email, name: p.name }, ctx.newSalt()),
          validFrom,
          validUntil: p.validUntil,
          credentialStatus: credentialStatusValue(p.slots.map((slot) => statusListEntry(publicUrl, slot))),
        }),
      );
      const signed = await pool.signCredentials({ credentials: unsigned, created: validFrom, generation });
      await ctx.store.tx(async (tx) => {
        for (const [k, p] of planned.entries()) {
          const s = signed[k];
          if (!s) {
            throw new Error("the pool returned fewer credentials than it was given");
          }
          const recipientId = await upsertRecipient(tx, { newId: ctx.newId(), email: p.email, name: p.name, now });
          await insertCredential(tx, {
            id: p.id,
            achievementId: p.entry.id,
            achievementVersion: p.entry.version,
            recipientId,
            recipientName: p.name,
            validFrom,
            validUntil: p.validUntil ?? null,
            document: JSON.stringify(s.document),
            jwt: s.jwt,
            verificationMethod: s.verificationMethod,
            issuedBy: "bench",
            createdAt: now,
            decision: null,
            revokedAt: null,
            revocationReason: null,
            revocationReasonPublic: null,
            suspendedAt: null,
            suspensionReason: null,
            suspensionReasonPublic: null,
            supersededBy: null,
            supersedes: null,
          });
          await assignStatusSlots(tx, p.id, p.slots);
          await appendAudit(tx, {
            at: now,
            actor: "bench",
            action: "credential.issued",
            targetType: "credential",
            targetId: p.id,
            details: {
              achievementId: p.entry.id,
              achievementVersion: p.entry.version,
              statusEntries: p.slots.map((s) => `${s.purpose}:${s.listId}/${s.index}`),
            },
          });
          ids.push(p.id);
        }
      });
    }
  } finally {
    await pool.close();
  }
  for (const listId of lists) {
    await refreshStatusList(ctx, listId);
  }
  return ids;
}
