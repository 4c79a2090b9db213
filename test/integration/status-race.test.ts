import { isNotNull } from "drizzle-orm";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { issueCredential } from "../../src/services/issue-credential.js";
import { closeLeftoverStores } from "../helpers/database.js";
import { entryFor, statusEntriesOf } from "../helpers/lifecycle.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";

// Test files share their worker's modules (vitest.config.ts: isolate false): the services an earlier file imported
// hold the real signer, and would keep it. So this file starts on a fresh module registry (hoisted above its imports,
// like the mock) and, when done, drops the mock and its registry again, so that no later file of the worker gets the
// mocked signer. (The test below checks that the lighter signer did sign.)
vi.hoisted(() => vi.resetModules());
afterAll(async () => {
  await closeLeftoverStores(); // this registry's stores and connection (the setup file's hook holds the old one)
  vi.doUnmock("../../src/crypto/data-integrity.js");
  vi.resetModules();
});

// The lighter signer path: RDF canonicalisation costs ~20 ms a credential, so 1,000 real Data Integrity proofs would
// take most of a minute on this machine. Everything else (reservation, build, VC-JWT, storage) is the real code.
vi.mock("../../src/crypto/data-integrity.js", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../src/crypto/data-integrity.js")>()),
  signDataIntegrity: async (options: { credential: Record<string, unknown>; now: Date }) => {
    await new Promise((resolve) => setImmediate(resolve));
    return {
      ...options.credential,
      proof: [{ type: "DataIntegrityProof", created: options.now.toISOString(), proofValue: "zNotARealSignature" }],
    };
  },
}));

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

describe("1,000 issuances racing in one process", () => {
  it("gives 1,000 issuances racing in one process 1,000 distinct indexes", async () => {
    const issued = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        issueCredential(t.ctx, {
          achievementId: "gitlab-certified-associate",
          recipient: { email: `person${i}@example.org`, name: `Person ${i}` },
          actor: "test",
        }),
      ),
    );
    const indexes = issued.map((v) => entryFor(v.credential, "revocation").statusListIndex);
    expect(new Set(indexes).size).toBe(1000);
    const db = t.store.conn();
    const { credentials, statusEntries } = db.t;
    const stored = await db.select({ id: credentials.id, document: credentials.document }).from(credentials);
    expect(stored).toHaveLength(1000);
    expect(stored.filter((c) => !c.document.includes('"proofValue":"zNotARealSignature"'))).toEqual([]);
    const assigned = await db
      .select({ id: statusEntries.credentialId, idx: statusEntries.idx })
      .from(statusEntries)
      .where(isNotNull(statusEntries.credentialId));
    const byCredential = new Map(assigned.map((a) => [a.id, String(a.idx)]));
    for (const c of stored) {
      const entry = statusEntriesOf(JSON.parse(c.document))[0];
      expect(entry?.statusListIndex).toBe(byCredential.get(c.id));
    }
    expect(assigned).toHaveLength(1000);
  });
});
