import { rmSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startServices } from "../../src/bootstrap.js";
import { loadConfig } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { createApiKey } from "../../src/services/api-keys.js";
import { issueCredential } from "../../src/services/issue-credential.js";
import { runCli, runCommand, throwawayInstallation } from "../helpers/cli.js";
import { adminGet, adminPost, issue, readProblem } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";

type AuditPage = {
  items: Array<{ seq: number; actor: string; action: string; target: { type: string; id: string }; details: object }>;
  nextBefore: number | null;
};

describe("GET /admin/audit", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await makeTestApp();
  });
  afterEach(() => t.close());

  it("lists every write newest first, with its actor, filtered by target, action or actor, page by page", async () => {
    const first = await issue(t);
    const second = await issue(t, { recipient: { email: "grace@example.org", name: "Grace Hopper" } });
    await adminPost(t, `/admin/credentials/${first.id}/revoke`, { reason: "Issued in error" });

    const all = (await (await adminGet(t, "/admin/audit")).json()) as AuditPage;
    expect(all.items.map((e) => e.action)).toEqual([
      "credential.revoked",
      "credential.issued",
      "credential.issued",
      "api-key.created",
    ]);
    expect(all.items[0]).toMatchObject({
      actor: expect.stringMatching(/^api-key:/),
      target: { type: "credential", id: first.id },
      details: { reason: "Issued in error" },
    });
    expect(all.nextBefore).toBeNull();

    const ofFirst = (await (
      await adminGet(t, `/admin/audit?targetType=credential&targetId=${first.id}`)
    ).json()) as AuditPage;
    expect(ofFirst.items.map((e) => e.action)).toEqual(["credential.revoked", "credential.issued"]);
    const issued = (await (await adminGet(t, "/admin/audit?action=credential.issued")).json()) as AuditPage;
    expect(issued.items.map((e) => e.target.id)).toEqual([second.id, first.id]);
    const byTest = (await (await adminGet(t, "/admin/audit?actor=test")).json()) as AuditPage;
    expect(byTest.items.map((e) => e.action)).toEqual(["api-key.created"]);

    const page1 = (await (await adminGet(t, "/admin/audit?limit=3")).json()) as AuditPage;
    expect(page1.items).toHaveLength(3);
    const page2 = (await (await adminGet(t, `/admin/audit?limit=3&before=${page1.nextBefore}`)).json()) as AuditPage;
    expect(page2.items.map((e) => e.action)).toEqual(["api-key.created"]);
  });

  it("needs the audit:read scope and names a bad parameter", async () => {
    const reader = await createApiKey(t.ctx, { name: "auditor", scopes: ["audit:read"], actor: "test" });
    const other = await createApiKey(t.ctx, { name: "reader", scopes: ["credentials:read"], actor: "test" });
    expect((await adminGet(t, "/admin/audit", reader.token)).status).toBe(200);
    expect((await adminGet(t, "/admin/audit", other.token)).status).toBe(403);
    expect((await t.app.request("/admin/audit")).status).toBe(401);
    const bad = await adminGet(t, "/admin/audit?limit=0");
    expect(bad.status).toBe(400);
    expect((await readProblem(bad)).errors?.[0]?.path).toBe("limit");
  });
});

describe("npm run audit", () => {
  it("lists the installation's audit log, filtered and as JSON lines", async () => {
    const { dir, env } = throwawayInstallation("laurel-audit-cli-");
    try {
      const started = await startServices(loadConfig(env), createLogger({ level: "silent", write: () => {} }));
      const view = await issueCredential(started.ctx, {
        achievementId: "gitlab-certified-associate",
        recipient: { email: "ada@example.org", name: "Ada Lovelace" },
        actor: "test",
      });
      await started.close();

      // this run spawns the command as an operator would; the others run it in process
      const listed = await runCli(env, "audit", ["list"]);
      expect(listed.code).toBe(0);
      expect(listed.stdout).toMatch(
        new RegExp(`^\\d+  \\S+  test  credential\\.issued  credential:${view.id}  \\{`, "m"),
      );
      const json = await runCommand(env, "audit", ["list", "--target", `credential:${view.id}`, "--json"]);
      expect(
        json.stdout
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l).action),
      ).toEqual(["credential.issued"]);
      const bad = await runCommand(env, "audit", ["list", "--target", "credential"]);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain("--target must be TYPE:ID");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
