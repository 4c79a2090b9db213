import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServices } from "../../src/bootstrap.js";
import { loadConfig } from "../../src/config.js";
import type { StatusSlot } from "../../src/domain/status/status-list-credential.js";
import { createLogger } from "../../src/logger.js";
import { issueCredential } from "../../src/services/issue-credential.js";
import type { Store } from "../../src/storage/store.js";
import { openSqliteStore } from "../../src/storage/store-sqlite.js";
import { entryFor, statusEntriesOf } from "../helpers/lifecycle.js";
import { CHILD_START_MS } from "../helpers/server-process.js";
import { countRows } from "../helpers/store.js";

const silent = createLogger({ level: "silent", write: () => {} });

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "laurel-status-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A test/fixtures/reserve-many.ts child reserving `count` pairs of indexes on `dbPath`: `ready` once it has opened the
 * file, `go()` starts it, `done` is what it printed after READY (its slots). Bounded by CHILD_START_MS each way: a child
 * that hangs fails the test with what it wrote to stderr.
 */
function reserver(dbPath: string, count: number) {
  const child = spawn("node", ["--import", "tsx", "test/fixtures/reserve-many.ts", dbPath, String(count)], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const within = <T>(what: string, promise: Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`reserve-many: ${what} not within ${CHILD_START_MS} ms: ${stderr}`));
      }, CHILD_START_MS);
      promise.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error);
        },
      );
    });
  const ready = within(
    "ready",
    new Promise<void>((resolve, reject) => {
      child.stdout?.on("data", (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.startsWith("READY\n")) {
          resolve();
        }
      });
      void exited.then((code) => reject(new Error(`reserve-many exited (${code}) before it was ready: ${stderr}`)));
    }),
  );
  const done = within(
    "done",
    exited.then((code) => {
      if (code !== 0) {
        throw new Error(`reserve-many exited with ${code}: ${stderr}`);
      }
      return stdout.slice("READY\n".length);
    }),
  );
  // awaited after `ready`: a child that fails before then rejects both, and the test reports `ready`'s reason
  done.catch(() => undefined);
  return { ready, go: () => child.stdin?.end("go\n"), done };
}

/** Every stored credential with its entries: each must have its own, assigned, matching its document. */
async function checkEveryCredentialHasStatus(store: Store) {
  const db = store.conn();
  const { credentials: credentialRows, statusEntries } = db.t;
  const credentials = await db
    .select({ id: credentialRows.id, document: credentialRows.document })
    .from(credentialRows);
  for (const c of credentials) {
    const document = JSON.parse(c.document) as Record<string, unknown>;
    const entries = statusEntriesOf(document);
    expect(entries.length, c.id).toBeGreaterThan(0);
    const stored = await db
      .select({ listId: statusEntries.listId, idx: statusEntries.idx })
      .from(statusEntries)
      .where(eq(statusEntries.credentialId, c.id))
      .orderBy(statusEntries.listId);
    expect(
      stored.map((s) => `${s.listId}/${s.idx}`),
      c.id,
    ).toEqual(entries.map((e) => `${e.statusListCredential.split("/").at(-1)}/${e.statusListIndex}`).sort());
  }
  return credentials.length;
}

describe("concurrent issuance", () => {
  it("gives processes racing on one database file distinct indexes (4 processes × 250 reservations)", async () => {
    const dbPath = join(dir, "race.db");
    const started = await startServices(
      loadConfig({ LAUREL_DB_PATH: dbPath, LAUREL_KEYS_DIR: join(dir, "race-keys") }),
      silent,
    );
    await started.close();
    // The four start at once: each says READY when its store is open, and is told to go once all four have.
    const children = Array.from({ length: 4 }, () => reserver(dbPath, 250));
    await Promise.all(children.map((c) => c.ready));
    for (const child of children) {
      child.go();
    }
    const outputs = await Promise.all(children.map((c) => c.done));
    const slots = outputs.flatMap((stdout) => JSON.parse(stdout) as StatusSlot[]);
    expect(slots).toHaveLength(2000);
    const keys = slots.map((s) => `${s.listId}/${s.index}`);
    expect(new Set(keys).size).toBe(2000);
    expect(new Set(slots.filter((s) => s.purpose === "revocation").map((s) => s.listId)).size).toBe(1);
    const store = openSqliteStore(dbPath);
    try {
      expect(await countRows(store, "status_entries")).toBe(2000);
      const { statusLists } = store.conn().t;
      const lists = await store
        .conn()
        .select({ id: statusLists.id, allocated: statusLists.allocated })
        .from(statusLists)
        .orderBy(statusLists.id);
      expect(lists).toEqual([
        { id: "1", allocated: 1000 },
        { id: "2", allocated: 1000 },
      ]);
    } finally {
      await store.close();
    }
    // its children may each take up to CHILD_START_MS to start on a loaded machine (a guard, not an expectation)
  }, 180_000);
});

describe("a crash between reservation and signing", () => {
  it("leaves a reserved index that is never handed out again, and no credential without status", async () => {
    const crashDir = join(dir, "crash");
    const child: ChildProcess = spawn("node", ["--import", "tsx", "test/fixtures/crash-after-reserve.ts", crashDir], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    let errors = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      errors += chunk.toString();
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`child never reached signing: ${errors}`)), CHILD_START_MS);
      child.stdout?.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes("SIGNING")) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on("exit", (_code, signal) => resolve(signal)),
    );
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    expect(output).not.toContain("UNREACHABLE");

    // Restart on the same files, with a generator that keeps proposing the orphaned index first.
    const started = await startServices(
      loadConfig({
        LAUREL_PUBLIC_URL: "https://badges.test",
        LAUREL_DB_PATH: join(crashDir, "laurel.db"),
        LAUREL_KEYS_DIR: join(crashDir, "keys"),
      }),
      silent,
    );
    try {
      const { store } = started.ctx;
      const { statusEntries } = store.conn().t;
      const orphans = await store
        .conn()
        .select({ listId: statusEntries.listId, idx: statusEntries.idx })
        .from(statusEntries)
        .where(isNull(statusEntries.credentialId));
      expect(orphans).toHaveLength(1);
      expect(await countRows(store, "credentials")).toBe(0);
      const orphan = orphans[0]!;
      let proposals = 0;
      started.ctx.randomInt = (max) => (proposals++ % 2 === 0 ? orphan.idx : Math.floor(Math.random() * max));

      const issued = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          issueCredential(started.ctx, {
            achievementId: "gitlab-certified-associate",
            recipient: { email: `after${i}@example.org`, name: `After ${i}` },
            actor: "test",
          }),
        ),
      );
      expect(proposals).toBeGreaterThanOrEqual(10);
      for (const view of issued) {
        expect(entryFor(view.credential, "revocation").statusListIndex).not.toBe(String(orphan.idx));
      }
      // The orphan is still reserved and still nobody's; every stored credential has its status.
      expect(
        await store
          .conn()
          .select({ credential_id: statusEntries.credentialId })
          .from(statusEntries)
          .where(and(eq(statusEntries.listId, orphan.listId), eq(statusEntries.idx, orphan.idx))),
      ).toEqual([{ credential_id: null }]);
      expect(await checkEveryCredentialHasStatus(store)).toBe(5);
    } finally {
      await started.close();
    }
    // its children may each take up to CHILD_START_MS to start on a loaded machine (a guard, not an expectation)
  }, 180_000);
});
