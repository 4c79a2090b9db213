import { rmSync } from "node:fs";
import { userInfo } from "node:os";
import { desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServices } from "../../src/bootstrap.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { issueCredential } from "../../src/services/issue-credential.js";
import { openSqliteStore } from "../../src/storage/store-sqlite.js";
import { runCli, runCommand, throwawayInstallation } from "../helpers/cli.js";

let dir: string;
let env: NodeJS.ProcessEnv;
let credentialId: string;

/** The commands run in process; each is spawned once, as an operator would run it. */
const cli = (script: string, args: string[]) => runCommand(env, script, args);
const spawned = (script: string, args: string[]) => runCli(env, script, args);

beforeAll(async () => {
  ({ dir, env } = throwawayInstallation("laurel-lifecycle-cli-"));
  const started = await startServices(loadConfig(env), createLogger({ level: "silent", write: () => {} }));
  const view = await issueCredential(started.ctx, {
    achievementId: "gitlab-certified-associate",
    recipient: { email: "ada@example.org", name: "Ada Lovelace" },
    actor: "test",
  });
  credentialId = view.id;
  await started.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run credentials / npm run events", () => {
  it("refuses an operation without a reason, an invalid transition and an unknown id, naming why", async () => {
    const noReason = await cli("credentials", ["revoke", credentialId]);
    expect(noReason.code).toBe(1);
    expect(noReason.stderr).toContain("--reason is required");
    const notSuspendable = await cli("credentials", ["suspend", credentialId, "--reason", "hold"]);
    expect(notSuspendable.code).toBe(1);
    expect(notSuspendable.stderr).toMatch(/does not allow suspension .*\(CONFLICT\)/);
    const unknown = await cli("credentials", ["revoke", "00000000-0000-4000-8000-000000000000", "--reason", "x"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("No credential");
    const badName = await cli("credentials", [
      "reissue",
      credentialId,
      "--reason",
      "typo",
      "--name",
      "Ada\u202eecalevoL",
    ]);
    expect(badName.code).toBe(1);
    expect(badName.stderr).toContain("recipient.name");
    const badEmail = await cli("credentials", ["reissue", credentialId, "--reason", "typo", "--email", "not-an-email"]);
    expect(badEmail.code).toBe(1);
    expect(badEmail.stderr).toContain("recipient.email");
  });

  it("revokes with a public reason, audited as the CLI, re-signing the list; events list shows it", async () => {
    const revoked = await spawned("credentials", ["revoke", credentialId, "--reason", "Issued in error", "--public"]);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain("state: revoked");
    expect(revoked.stdout).toContain("Issued in error (public)");

    const store = openSqliteStore(env.LAUREL_DB_PATH as string);
    try {
      const db = store.conn();
      const { auditLog, statusLists } = db.t;
      const [audit] = await db
        .select({ actor: auditLog.actor, action: auditLog.action, details: auditLog.details })
        .from(auditLog)
        .where(eq(auditLog.targetId, credentialId))
        .orderBy(desc(auditLog.seq))
        .limit(1);
      expect(audit).toMatchObject({ actor: `cli:${userInfo().username}`, action: "credential.revoked" });
      expect(audit?.details).toMatchObject({ reason: "Issued in error", reasonPublic: true });
      const list = await db
        .select({ version: statusLists.version, signed_version: statusLists.signedVersion })
        .from(statusLists)
        .where(eq(statusLists.id, "1"));
      expect(list).toEqual([{ version: 1, signed_version: 1 }]);
    } finally {
      await store.close();
    }

    const listed = await spawned("events", ["list"]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/credential\.issued/);
    expect(listed.stdout).toMatch(new RegExp(`credential\\.revoked {2}${credentialId}`));
    const json = await cli("events", ["list", "--type", "credential.revoked", "--json"]);
    expect(JSON.parse(json.stdout.trim())).toMatchObject({ type: "credential.revoked", credentialId });
    const sweep = await cli("events", ["sweep"]);
    expect(sweep.stdout).toContain("Emitted 0 credential.expiring event(s)");
    expect((await cli("events", ["frobnicate"])).stderr).toContain("Usage:");
  });

  it("fills the page projection of every credential without one, once", async () => {
    const first = await cli("credentials", ["fill-pages"]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain("Page projections made: 1;");
    const again = await cli("credentials", ["fill-pages"]);
    expect(again.stdout).toContain("Page projections made: 0;");
  });
});
