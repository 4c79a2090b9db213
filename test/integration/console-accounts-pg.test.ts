import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { ServiceContext } from "../../src/services/deps.js";
import { resumeSession, signInWithPassword, signOutEverywhere } from "../../src/services/sessions.js";
import { createUser, disableUser } from "../../src/services/users.js";
import { insertSsoRequest, takeSsoRequest } from "../../src/storage/sessions-repo.js";
import { openPgStore, type PgStore } from "../../src/storage/store-pg.js";
import { findPostgresBinaries, type PostgresServer, startPostgres } from "../helpers/postgres-server.js";

/** The console's accounts, sessions and sign-in counters on PostgreSQL (the twin migration 0002_console_accounts). */
describe.runIf(findPostgresBinaries() !== undefined)("console accounts on PostgreSQL", () => {
  let server: PostgresServer;
  let store: PgStore;
  let now = new Date("2026-03-02T09:30:00.000Z");
  let ctx: ServiceContext;

  beforeAll(async () => {
    server = await startPostgres();
    store = await openPgStore(server.url("postgres"));
    ctx = {
      store,
      clock: () => new Date(now),
      newId: randomUUID,
      newSecret: () => randomBytes(32).toString("base64url"),
      catalog: { entries: [] },
      config: loadConfig({ LAUREL_PUBLIC_URL: "https://badges.test" }),
    } as unknown as ServiceContext;
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await server?.stop();
  });

  it("creates an account, signs in, throttles after 5 failures, and ends every session", async () => {
    const password = "a long enough test password";
    const { user } = await createUser(ctx, {
      email: "Auditor@Example.org",
      name: "Auditor",
      grants: [{ role: "auditor", program: null, graderRole: null }],
      password: { given: password },
      actor: "test",
    });
    const origin = { address: "127.0.0.1" };
    const first = await signInWithPassword(ctx, { email: "auditor@example.org", password }, origin);
    const session = await resumeSession(ctx, first.secret);
    expect(session?.user.email).toBe("auditor@example.org");
    expect(session?.principal.grants).toEqual([{ role: "auditor", program: null, graderRole: null }]);

    for (let i = 0; i < 5; i++) {
      await expect(
        signInWithPassword(ctx, { email: "auditor@example.org", password: "wrong" }, origin),
      ).rejects.toThrow("The email or the password is wrong");
    }
    await expect(signInWithPassword(ctx, { email: "auditor@example.org", password }, origin)).rejects.toThrow(
      "Too many failed sign-ins",
    );
    now = new Date(now.getTime() + 15 * 60_000);
    const second = await signInWithPassword(ctx, { email: "auditor@example.org", password }, origin);

    await signOutEverywhere(ctx, session as NonNullable<typeof session>);
    expect(await resumeSession(ctx, first.secret)).toBeNull();
    expect(await resumeSession(ctx, second.secret)).toBeNull();
    await disableUser(ctx, { id: user.id, actor: "test" });
  });

  it("takes an SSO request once", async () => {
    const row = { stateHash: "h", nonce: "n", codeVerifier: "v", expiresAt: new Date(now.getTime() + 60_000) };
    await store.tx((tx) => insertSsoRequest(tx, row));
    expect(await store.tx((tx) => takeSsoRequest(tx, "h", now))).toEqual(row);
    expect(await store.tx((tx) => takeSsoRequest(tx, "h", now))).toBeUndefined();
  });
});
