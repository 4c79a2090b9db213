import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { readIssuerKeys } from "../../src/crypto/key-files.js";
import { type ClusterJob, LEASE_MS, serverJobs, startClusterJobs } from "../../src/services/cluster-jobs.js";
import { rotateIssuerKeyGeneration } from "../../src/services/key-rotation.js";
import { storeSignedList } from "../../src/storage/status-lists-repo.js";
import { runCommand } from "../helpers/cli.js";
import { adminPost, issue } from "../helpers/http.js";
import type { TestApp } from "../helpers/make-app.js";
import { type Cluster, HAS_POSTGRES, newCluster, startClusterServer, stopClusterServer } from "../helpers/pg-nodes.js";
import { countRows } from "../helpers/store.js";

/**
 * Several nodes on one PostgreSQL database (issue 13): two service contexts, each with its own process state, on one
 * throwaway server. Skipped where PostgreSQL is not installed.
 */
const suite = HAS_POSTGRES ? describe : describe.skip;

let cluster: Cluster;
beforeAll(async () => {
  if (HAS_POSTGRES) {
    await startClusterServer();
  }
}, 60_000);
afterAll(async () => {
  await stopClusterServer();
});
afterEach(async () => {
  await cluster?.close();
});

suite("periodic work across nodes (leases)", () => {
  function countingJob(runs: string[], node: string): ClusterJob {
    return {
      name: "test-job",
      everyMs: 60_000,
      run: async () => {
        runs.push(node);
      },
    };
  }

  it("runs on one node at a time; released at shutdown, another node takes it over at once", async () => {
    cluster = await newCluster();
    const [a, b] = [await cluster.node(), await cluster.node()];
    const runs: string[] = [];
    const jobsA = startClusterJobs(a.ctx, [countingJob(runs, "a")], { timer: false });
    const jobsB = startClusterJobs(b.ctx, [countingJob(runs, "b")], { timer: false });
    await jobsA.tick();
    await jobsB.tick();
    await Promise.all([jobsA.tick(), jobsB.tick()]);
    expect(runs).toEqual(["a"]);
    expect([jobsA.holds("test-job"), jobsB.holds("test-job")]).toEqual([true, false]);

    // A period later (the holder renewing as it ticks), still the holder's alone.
    for (let step = 0; step < 3; step++) {
      a.clock.advance(20_000);
      b.clock.advance(20_000);
      await Promise.all([jobsA.tick(), jobsB.tick()]);
    }
    expect(runs).toEqual(["a", "a"]);

    await jobsA.stop();
    expect(await countRows(a.store, "leases")).toBe(0);
    await jobsB.tick();
    expect(runs).toEqual(["a", "a", "b"]);
    expect(jobsB.holds("test-job")).toBe(true);
    await jobsB.stop();
  });

  it("a node that died (no release) is replaced once its lease has expired", async () => {
    cluster = await newCluster();
    const [a, b] = [await cluster.node(), await cluster.node()];
    const runs: string[] = [];
    const jobsA = startClusterJobs(a.ctx, [countingJob(runs, "a")], { timer: false });
    const jobsB = startClusterJobs(b.ctx, [countingJob(runs, "b")], { timer: false });
    await jobsA.tick();
    // a is gone: never ticks again, never releases
    b.clock.advance(LEASE_MS - 1);
    await jobsB.tick();
    expect(runs).toEqual(["a"]);
    b.clock.advance(1);
    await jobsB.tick();
    expect(runs).toEqual(["a", "b"]);
    await jobsB.stop();
  });

  it("the server's sweeps (expiry reminders, awards, delivery, bulk jobs) are cluster jobs: one node runs them", async () => {
    cluster = await newCluster();
    const [a, b] = [await cluster.node(), await cluster.node()];
    expect(serverJobs(a.ctx).map((j) => j.name)).toEqual([
      "expiry-reminders",
      "award-sweep",
      "delivery",
      "bulk-jobs",
      "rate-limit-cleanup",
    ]);
    const jobsA = startClusterJobs(a.ctx, serverJobs(a.ctx), { timer: false });
    const jobsB = startClusterJobs(b.ctx, serverJobs(b.ctx), { timer: false });
    await jobsA.tick();
    await jobsB.tick();
    const { leases } = a.store.conn().t;
    const held = await a.store.conn().select({ name: leases.name, holder: leases.holder }).from(leases);
    expect(held.map((l) => l.holder)).toEqual([a.ctx.nodeId, a.ctx.nodeId, a.ctx.nodeId, a.ctx.nodeId, a.ctx.nodeId]);
    await Promise.all([jobsA.stop(), jobsB.stop()]);
    expect(await countRows(a.store, "leases")).toBe(0);
  });
});

suite("rate limits across nodes", () => {
  it("a client spreading its requests over two nodes is counted once", async () => {
    cluster = await newCluster({ LAUREL_VERIFY_RATE_LIMIT: "3" });
    const [a, b] = [await cluster.node(), await cluster.node()];
    const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });
    const post = (node: TestApp, address: string) =>
      node.app.request(
        "/api/verify",
        { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ credential: "x" }) },
        from(address),
      );
    expect((await post(a, "203.0.113.7")).status).toBe(200);
    expect((await post(b, "203.0.113.7")).status).toBe(200);
    expect((await post(a, "203.0.113.7")).status).toBe(200);
    const limited = await post(b, "203.0.113.7");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBe(60);
    expect((await post(b, "198.51.100.20")).status).toBe(200);
    // the window is the client's minute, by the node's clock
    b.clock.advance(60_000);
    expect((await post(b, "203.0.113.7")).status).toBe(200);
  });
});

suite("key generations across nodes", () => {
  type DidDoc = { assertionMethod: string[] };

  it("a rotation on one node is recorded; every node publishes and signs with it without a restart", async () => {
    cluster = await newCluster({ LAUREL_KEYS_CHECK_SECONDS: "5" });
    const [a, b] = [await cluster.node(), await cluster.node()];
    const before = await issue(b);
    expect(before.credential.proof[0].verificationMethod).toBe("did:web:badges.test#key-1");

    const { next } = await rotateIssuerKeyGeneration(a.ctx, "cli:test");
    expect(next.generation).toBe(2);
    const { keyGenerations } = a.store.conn().t;
    const recorded = await a.store.conn().select().from(keyGenerations).orderBy(keyGenerations.generation);
    expect(recorded.map((r) => [r.generation, r.activatedBy])).toEqual([
      [1, expect.stringMatching(/^node:/)],
      [2, "cli:test"],
    ]);
    // the rotating node at once
    expect(
      (await issue(a, { recipient: { email: "a@example.org", name: "A" } })).credential.proof[0].verificationMethod,
    ).toBe("did:web:badges.test#key-2");

    // the other node within LAUREL_KEYS_CHECK_SECONDS
    b.clock.advance(5_000);
    const did = (await (await b.app.request("/.well-known/did.json")).json()) as DidDoc;
    expect(did.assertionMethod).toEqual(["did:web:badges.test#key-1", "did:web:badges.test#key-2"]);
    const jwks = (await (await b.app.request("/.well-known/jwks.json")).json()) as { keys: Array<{ kid: string }> };
    expect(jwks.keys.map((k) => k.kid)).toContain("https://badges.test/keys/key-2");
    const after = await issue(b, { recipient: { email: "b@example.org", name: "B" } });
    expect(after.credential.proof[0].verificationMethod).toBe("did:web:badges.test#key-2");
    // both generations' credentials verify on either node
    a.clock.advance(5_000);
    for (const node of [a, b]) {
      for (const id of [before.id, after.id]) {
        const report = (await (
          await node.app.request("/api/verify", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ url: `https://badges.test/credentials/${id}` }),
          })
        ).json()) as { verdict: string };
        expect(report.verdict).toBe("valid");
      }
    }
    expect((await b.app.request("/readyz")).status).toBe(200);
  });

  it("`keys:rotate` records the generation in the database; a running node switches to it", async () => {
    cluster = await newCluster({ LAUREL_KEYS_CHECK_SECONDS: "0" });
    const a = await cluster.node();
    const result = await runCommand(
      { PATH: process.env.PATH, LAUREL_PUBLIC_URL: "https://badges.test", ...cluster.env },
      "rotate-keys",
      [],
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("no restart needed");
    expect(result.stdout).not.toMatch(/restart the service/i);
    expect(readIssuerKeys(cluster.keysDir).map((k) => [k.generation, k.status])).toEqual([
      [1, "retired"],
      [2, "active"],
    ]);
    const issued = await issue(a);
    expect(issued.credential.proof[0].verificationMethod).toBe("did:web:badges.test#key-2");
    expect(await countRows(a.store, "key_generations")).toBe(2);
  });
});

suite("status lists across nodes", () => {
  type Entry = { statusPurpose: string; statusListCredential: string };
  const revocationList = (credential: Record<string, any>) =>
    ([] as Entry[]).concat(credential.credentialStatus).find((e) => e.statusPurpose === "revocation")
      ?.statusListCredential ?? "";

  it("a node serving a list serves the newer one another node signed, without a restart", async () => {
    cluster = await newCluster();
    const [a, b] = [await cluster.node(), await cluster.node()];
    const { id, credential } = await issue(a);
    const path = new URL(revocationList(credential)).pathname;
    const first = await b.app.request(path);
    expect(first.status).toBe(200);
    const firstTag = first.headers.get("etag");

    const revoked = await adminPost(a, `/admin/credentials/${id}/revoke`, { reason: "Issued in error" });
    expect(revoked.status).toBe(200);
    const second = await b.app.request(path);
    expect(second.headers.get("etag")).not.toBe(firstTag);
    const report = (await (
      await b.app.request("/api/verify", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ url: `https://badges.test/credentials/${id}` }),
      })
    ).json()) as { verdict: string };
    expect(report.verdict).toBe("revoked");
  });

  it("a late signer never overwrites a newer signed version (compare-and-set on the version)", async () => {
    cluster = await newCluster();
    const a = await cluster.node();
    const { credential } = await issue(a);
    const path = new URL(revocationList(credential)).pathname;
    expect((await a.app.request(path)).status).toBe(200); // signed now
    const listId = path.split("/").at(-1) ?? "";
    const { statusLists } = a.store.conn().t;
    const read = async () =>
      (
        await a.store
          .conn()
          .select({ signedVersion: statusLists.signedVersion, etag: statusLists.etag })
          .from(statusLists)
          .where(eq(statusLists.id, listId))
      )[0];
    const current = await read();
    expect(current?.signedVersion).not.toBeNull();
    const stale = { listId, document: "{}", etag: '"stale"', signedAt: a.clock.now() };
    for (const version of [current?.signedVersion ?? 0, (current?.signedVersion ?? 0) - 1]) {
      expect(await a.store.tx((tx) => storeSignedList(tx, { ...stale, version }))).toBe(false);
    }
    expect(await read()).toEqual(current);
    expect(
      await a.store.tx((tx) => storeSignedList(tx, { ...stale, version: (current?.signedVersion ?? 0) + 1 })),
    ).toBe(true);
  });
});

suite("one person, two nodes", () => {
  const person = (i: number) => ({ email: `lin${i}@example.org`, name: `Lin ${i}` });
  const evidence = (i: number, assessment: string, fields: Record<string, unknown>, externalId: string) => ({
    kind: "assessment",
    externalId,
    person: person(i),
    // the lab counts only after the written pass
    occurredAt: assessment.endsWith("-lab") ? "2026-03-02T09:10:00Z" : "2026-03-02T09:00:00Z",
    assessment,
    ...fields,
  });

  it("evidence completing a certification, received by two nodes at once, awards it once", async () => {
    cluster = await newCluster();
    const [a, b] = [await cluster.node(), await cluster.node()];
    const people = [0, 1, 2, 3];
    for (const i of people) {
      const res = await adminPost(
        a,
        "/admin/evidence",
        evidence(i, "gitlab-associate-written", { score: 90 }, `w-${i}`),
      );
      expect(res.status).toBe(201);
    }
    const lab = { passed: true, graderRole: "ps-engineer" };
    const answers = await Promise.all(
      people.flatMap((i) => [
        adminPost(a, "/admin/evidence", evidence(i, "gitlab-associate-lab", lab, `lab-a-${i}`)),
        adminPost(b, "/admin/evidence", evidence(i, "gitlab-associate-lab", lab, `lab-b-${i}`)),
      ]),
    );
    for (const res of answers) {
      expect(res.status, await res.clone().text()).toBe(201);
    }
    const { credentials, recipients } = a.store.conn().t;
    const rows = await a.store
      .conn()
      .select({ email: recipients.email })
      .from(credentials)
      .innerJoin(recipients, eq(recipients.id, credentials.recipientId))
      .where(eq(credentials.achievementId, "gitlab-certified-associate"));
    expect(rows.map((r) => r.email).sort()).toEqual(people.map((i) => person(i).email));
  });
});

suite("the outbox across nodes", () => {
  it("claims on two nodes at once never hand one event to both", async () => {
    cluster = await newCluster();
    const [a, b] = [await cluster.node(), await cluster.node()];
    for (let i = 0; i < 12; i++) {
      await issue(i % 2 ? a : b, { recipient: { email: `p${i}@example.org`, name: `P ${i}` } });
    }
    const claim = async (node: TestApp) => {
      const res = await adminPost(node, "/admin/events/claim", { channel: "email", limit: 4, leaseSeconds: 60 });
      expect(res.status).toBe(200);
      return ((await res.json()) as { items: Array<{ seq: number }> }).items.map((e) => e.seq);
    };
    const claims = await Promise.all([claim(a), claim(b), claim(a), claim(b)]);
    const seqs = claims.flat();
    expect(seqs).toHaveLength(12);
    expect(new Set(seqs).size).toBe(12);
  });
});
