import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { importJWK, type JWK } from "jose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { verifyDataIntegrity } from "../../src/crypto/data-integrity.js";
import { ensureIssuerKeys, readIssuerKeys, rotateIssuerKeys } from "../../src/crypto/key-files.js";
import { verifyVcJwt } from "../../src/crypto/vc-jwt.js";
import { rotateIssuerKeyGeneration } from "../../src/services/key-rotation.js";
import { recordKeyGeneration } from "../../src/storage/key-generations-repo.js";
import { adminGet, issue } from "../helpers/http.js";
import { makeTestApp, TEST_START, type TestApp } from "../helpers/make-app.js";

let dir: string;
const apps: TestApp[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "laurel-keys-"));
});
afterEach(async () => {
  for (const app of apps.splice(0)) {
    await app.close();
  }
  rmSync(dir, { recursive: true, force: true });
});

async function appWithKeysFrom(keysDir: string) {
  const app = await makeTestApp({ keys: readIssuerKeys(keysDir) });
  apps.push(app);
  return app;
}

describe("key rotation", () => {
  it("first start writes one generation with both keys, files readable by the owner only", async () => {
    const { keys, created } = await ensureIssuerKeys(dir, TEST_START);
    expect(created).toBe(true);
    expect(keys).toHaveLength(1);
    const file = join(dir, "issuer-key-1.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await ensureIssuerKeys(dir, TEST_START)).created).toBe(false);
  });

  it("old credentials still verify after rotation; new ones use the new key", async () => {
    await ensureIssuerKeys(dir, TEST_START);
    const before = await appWithKeysFrom(dir);
    const old = await issue(before);
    expect(old.credential.proof[0].verificationMethod).toBe("did:web:badges.test#key-1");

    await rotateIssuerKeys(dir, TEST_START);
    const after = await appWithKeysFrom(dir);

    const stored = readIssuerKeys(dir);
    expect(stored.map((k) => [k.generation, k.status])).toEqual([
      [1, "retired"],
      [2, "active"],
    ]);
    const retiredFile = readFileSync(join(dir, "issuer-key-1.json"), "utf8");
    expect(retiredFile).not.toContain("secretKeyMultibase");
    expect(retiredFile).not.toMatch(/"d"/);
    expect(statSync(join(dir, "issuer-key-1.json")).mode & 0o777).toBe(0o600);

    const did = (await (await after.app.request("/.well-known/did.json")).json()) as { assertionMethod: string[] };
    expect(did.assertionMethod).toEqual(["did:web:badges.test#key-1", "did:web:badges.test#key-2"]);

    const result = await verifyDataIntegrity({
      credential: old.credential,
      documentLoader: after.ctx.keys.current().documentLoader,
      now: after.clock.now(),
    });
    expect(result).toEqual({ verified: true });

    const payload = await verifyVcJwt(
      old.jwt,
      async (h) => importJWK((await (await after.app.request(String(h.kid))).json()) as JWK, "ES256"),
      { now: after.clock.now() },
    );
    expect(payload.jti).toBe(old.credential.id);

    const fresh = await issue(after);
    expect(fresh.credential.proof[0].verificationMethod).toBe("did:web:badges.test#key-2");
    expect(
      await verifyDataIntegrity({
        credential: fresh.credential,
        documentLoader: after.ctx.keys.current().documentLoader,
        now: after.clock.now(),
      }),
    ).toEqual({ verified: true });
  });

  it("a rotation of the running service's keys folder is signed with at once, without a restart, and audited", async () => {
    await ensureIssuerKeys(dir, TEST_START);
    const app = await makeTestApp({ keys: readIssuerKeys(dir), env: { LAUREL_KEYS_DIR: dir } });
    apps.push(app);
    expect((await issue(app)).credential.proof[0].verificationMethod).toBe("did:web:badges.test#key-1");
    const { next } = await rotateIssuerKeyGeneration(app.ctx, "cli:test");
    expect(next.generation).toBe(2);
    const fresh = await issue(app, { recipient: { email: "grace@example.org", name: "Grace Hopper" } });
    expect(fresh.credential.proof[0].verificationMethod).toBe("did:web:badges.test#key-2");
    const did = (await (await app.app.request("/.well-known/did.json")).json()) as { assertionMethod: string[] };
    expect(did.assertionMethod).toEqual(["did:web:badges.test#key-1", "did:web:badges.test#key-2"]);
    const audit = (await (await adminGet(app, "/admin/audit?action=keys.rotated")).json()) as {
      items: Array<{ actor: string; target: { type: string; id: string } }>;
    };
    expect(audit.items.map((e) => [e.actor, e.target])).toEqual([["cli:test", { type: "issuer-key", id: "key-2" }]]);
  });

  it("refuses to rotate a keys folder older than the newest recorded generation (not the shared one)", async () => {
    await ensureIssuerKeys(dir, TEST_START);
    const app = await makeTestApp({ keys: readIssuerKeys(dir), env: { LAUREL_KEYS_DIR: dir } });
    apps.push(app);
    await app.store.tx((tx) =>
      recordKeyGeneration(tx, { generation: 5, activatedAt: app.clock.now(), activatedBy: "cli:elsewhere" }),
    );
    await expect(rotateIssuerKeyGeneration(app.ctx, "cli:test")).rejects.toThrow(
      /key generation 5 is recorded, but the keys folder .* holds generations up to 1/,
    );
    expect(readIssuerKeys(dir)).toHaveLength(1);
  });

  it("a corrupt key file stops loading with the file named", async () => {
    await ensureIssuerKeys(dir, TEST_START);
    const file = join(dir, "issuer-key-1.json");
    const json = JSON.parse(readFileSync(file, "utf8"));
    json.ed25519.publicKeyMultibase = "not-a-key";
    const { writeFileSync } = await import("node:fs");
    writeFileSync(file, JSON.stringify(json));
    expect(() => readIssuerKeys(dir)).toThrow(/issuer-key-1\.json: ed25519\.publicKeyMultibase/);
  });
});
