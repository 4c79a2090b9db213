import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bitAt } from "../../src/domain/status/bitstring.js";
import { statusEntriesOf } from "../helpers/lifecycle.js";
import { findPostgresBinaries, type PostgresServer, startPostgres } from "../helpers/postgres-server.js";
import { cpuSeconds, treeCpuSeconds } from "../helpers/process-cpu.js";
import { seededRandom } from "../helpers/seeded.js";
import { freePort, type ServerProcess, startServer } from "../helpers/server-process.js";

/**
 * Issue 13's acceptance: three Laurel processes (src/main.ts, as deployed) on one PostgreSQL, 3,000 mixed requests
 * spread over them with bounded concurrency, one node SIGKILLed in the middle and restarted; afterwards the invariants
 * a cluster must keep are checked in the database and over HTTP on every node.
 */

const TOTAL_REQUESTS = 3000;
/** Requests in flight at once across the three nodes (2 cores: more only queues). */
const CONCURRENCY = 10;
/** The victim is killed once this many requests have been answered (or failed). */
const KILL_AFTER = 1100;
const CHANNELS = ["webhook", "mail"] as const;
/**
 * The claims' lease: the longest the API allows (an hour), longer than this file may run (300 s of start-up and 480 s of
 * test). A claim whose answer the kill cut holds its events until the lease ends; with a lease shorter than the rest of
 * the test (it was 120 s: a slow CI machine takes that), the drain below got them again, a second attempt, and the
 * once-each checks failed though nothing was wrong.
 */
const LEASE_SECONDS = 3600;
const PUBLIC_URL = "https://badges.test";
const SUSPENDABLE = "gitlab-certified-security-specialist";
const BY_HAND = ["gitlab-certified-associate", SUSPENDABLE, "gitlab-certified-cicd-specialist"] as const;

const bin = findPostgresBinaries();
if (!bin && process.env.CI) {
  throw new Error(
    "the multi-node test needs PostgreSQL's binaries in CI (Debian package postgresql, or LAUREL_PG_BIN)",
  );
}
if (!bin) {
  console.warn("multi-node test skipped: PostgreSQL binaries not found (install postgresql or set LAUREL_PG_BIN)");
}

type Node = {
  name: string;
  port: number;
  env: NodeJS.ProcessEnv;
  server?: ServerProcess;
  up: boolean;
  /** What a killed process printed before it died, and the CPU seconds it had used. */
  earlier: string[];
  cpuBefore: number;
};

let dir: string;
let postgres: PostgresServer | undefined;
let db: pg.Client | undefined;
const nodes: Node[] = [];

async function startNode(node: Node): Promise<void> {
  // a loaded machine (several nodes and the load on 2 cores) starts a node slowly: a generous wait
  node.server = await startServer(node.env, (out) => out.includes("Laurel is running"), [], 120_000);
  // Ready: /readyz when the build has it, else the DID document (keys loaded, routes mounted).
  for (const path of ["/readyz", "/.well-known/did.json"]) {
    const res = await fetch(`http://127.0.0.1:${node.port}${path}`);
    await res.arrayBuffer();
    if (res.status === 200) {
      node.up = true;
      return;
    }
    if (res.status !== 404) {
      throw new Error(`${node.name} not ready: ${path} answered ${res.status}`);
    }
  }
  throw new Error(`${node.name} answers neither /readyz nor the DID document`);
}

beforeAll(async () => {
  if (!bin) {
    return;
  }
  dir = mkdtempSync(join(tmpdir(), "laurel-cluster-"));
  // One definition opts in to suspension (the seeds do not), so suspension and reinstatement are exercised too.
  const templates = join(dir, "templates");
  cpSync("templates", templates, { recursive: true });
  appendFileSync(join(templates, "achievements", `${SUSPENDABLE}.yaml`), "\nsuspendable: true\n");
  postgres = await startPostgres({ bin });
  const admin = new pg.Client({ connectionString: postgres.url("postgres") });
  await admin.connect();
  await admin.query("create database laurel");
  await admin.end();
  const databaseUrl = postgres.url("laurel");
  for (const name of ["a", "b", "c"]) {
    const port = await freePort();
    nodes.push({
      name,
      port,
      up: false,
      earlier: [],
      cpuBefore: 0,
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        HOST: "127.0.0.1",
        LAUREL_PUBLIC_URL: PUBLIC_URL,
        LAUREL_DATABASE_URL: databaseUrl,
        LAUREL_DATABASE_POOL_SIZE: "8",
        LAUREL_KEYS_DIR: join(dir, "keys"),
        LAUREL_TEMPLATES_DIR: templates,
        LAUREL_LOG_LEVEL: "warn",
        LAUREL_VERIFY_RATE_LIMIT: "100000",
      },
    });
  }
  // The first node creates the keys (the shared folder) and the bootstrap admin key; then the other two join.
  const [first, ...others] = nodes as [Node, Node, Node];
  await startNode(first);
  await Promise.all(others.map(startNode));
  db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
}, 300_000);

afterAll(async () => {
  await db?.end();
  await Promise.all(nodes.map((n) => n.server?.stop()));
  await postgres?.stop();
  if (dir) {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120_000);

/** The VC API's 400 for a credential that did not verify (not a malformed request): it carries the checks. */
function isNotVerified(body: any): boolean {
  return body?.code === "CREDENTIAL_NOT_VERIFIED" && Array.isArray(body.checks);
}

type Issued = { id: string; achievementId: string; document: Record<string, unknown>; busy: boolean };

describe.skipIf(!bin)("three nodes on one PostgreSQL", () => {
  it("keep every invariant through 3,000 mixed requests and a node killed and restarted", async () => {
    const token = readFileSync(join(dir, "keys", "bootstrap-admin-key.txt"), "utf8").trim();
    const random = seededRandom(13); // the same mix on every run
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const victim = nodes[2] as Node;

    const stats = {
      sent: 0,
      answered: 0,
      transportFailures: 0,
      retried: 0,
      byKind: new Map<string, number>(),
      statuses: new Map<string, number>(),
    };
    /** Writes the nodes answered with success, by what the audit log must show for them. */
    const succeeded = {
      issued: new Set<string>(),
      evidence: new Set<string>(),
      statusChanges: [] as { id: string; action: string }[],
    };
    const issued: Issued[] = [];
    const claimsSeen = new Map<string, Map<number, string>>(CHANNELS.map((c) => [c, new Map()]));
    const tokensSeen = new Set<string>();
    const duplicateHandOuts: string[] = [];
    const unexpected: string[] = [];

    /**
     * One HTTP request, first to `preferred`, then (when a node does not answer: killed, restarting) to the next ones;
     * every attempt counts as a request sent. Answers with the response status and parsed body.
     */
    async function call(
      preferred: number,
      kind: string,
      method: string,
      path: string,
      body?: unknown,
      accept?: string,
    ): Promise<{ status: number; json: any; text: string; node: number; resent: boolean }> {
      for (let attempt = 0; ; attempt++) {
        const index = (preferred + attempt) % nodes.length;
        const node = nodes[index] as Node;
        stats.sent++;
        stats.byKind.set(kind, (stats.byKind.get(kind) ?? 0) + 1);
        try {
          const res = await fetch(`http://127.0.0.1:${node.port}${path}`, {
            method,
            headers: {
              authorization: `Bearer ${token}`,
              ...(body === undefined ? {} : { "content-type": "application/json" }),
              ...(accept ? { accept } : {}),
            },
            body: body === undefined ? undefined : JSON.stringify(body),
          });
          const text = await res.text();
          stats.answered++;
          const key = `${kind} ${res.status}`;
          stats.statuses.set(key, (stats.statuses.get(key) ?? 0) + 1);
          let json: any;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          // resent: an earlier attempt's connection failed (its node was killed), maybe after the change committed
          return { status: res.status, json, text, node: index, resent: attempt > 0 };
        } catch {
          stats.transportFailures++;
          if (attempt >= nodes.length * 20) {
            throw new Error(`${method} ${path}: no node answered`);
          }
          stats.retried++;
          if (attempt % nodes.length === nodes.length - 1) {
            await new Promise((r) => setTimeout(r, 200));
          }
        }
      }
    }

    function expectStatus(kind: string, got: { status: number; text: string }, ...allowed: number[]) {
      if (!allowed.includes(got.status)) {
        unexpected.push(`${kind}: ${got.status} ${got.text.slice(0, 300)}`);
        return false;
      }
      return true;
    }

    const available = (filter: (c: Issued) => boolean) => issued.filter((c) => !c.busy && filter(c));
    const state = new Map<string, "active" | "suspended" | "revoked">();
    let handIssued = 0;
    let person = 0;

    async function issue(nodeIndex: number) {
      const achievementId = pick(BY_HAND);
      const n = handIssued++;
      const res = await call(nodeIndex, "issue", "POST", "/admin/credentials", {
        achievementId,
        recipient: { email: `hand${n}@example.org`, name: `Hand ${n}` },
      });
      if (expectStatus("issue", res, 201)) {
        succeeded.issued.add(res.json.id);
        issued.push({ id: res.json.id, achievementId, document: res.json.credential, busy: false });
        state.set(res.json.id, "active");
      }
    }

    /** Both records that complete a person's Associate, on two nodes at once, and one of them resent to the third. */
    async function evidenceForOnePerson(nodeIndex: number) {
      const p = person++;
      const who = { email: `learner${p}@example.org`, name: `Learner ${p}` };
      const day = 86_400_000;
      const written = {
        kind: "assessment",
        externalId: `w-${p}`,
        person: who,
        occurredAt: new Date(Date.now() - 2 * day).toISOString(),
        assessment: "gitlab-associate-written",
        score: 91,
      };
      const lab = {
        kind: "assessment",
        externalId: `l-${p}`,
        person: who,
        occurredAt: new Date(Date.now() - day).toISOString(),
        assessment: "gitlab-associate-lab",
        passed: true,
        graderRole: "ps-engineer",
      };
      const results = await Promise.all([
        call(nodeIndex, "evidence", "POST", "/admin/evidence", written),
        call(nodeIndex + 1, "evidence", "POST", "/admin/evidence", lab),
        call(nodeIndex + 2, "evidence", "POST", "/admin/evidence", random() < 0.5 ? written : lab),
      ]);
      for (const res of results) {
        if (expectStatus("evidence", res, 200, 201) && res.status === 201) {
          succeeded.evidence.add(res.json.evidence.id);
        }
      }
    }

    async function changeStatus(nodeIndex: number) {
      const roll = random();
      const suspended = available((c) => state.get(c.id) === "suspended");
      const suspendable = available((c) => c.achievementId === SUSPENDABLE && state.get(c.id) === "active");
      const active = available((c) => state.get(c.id) !== "revoked");
      const [operation, candidates] =
        roll < 0.25 && suspended.length > 0
          ? (["reinstate", suspended] as const)
          : roll < 0.55 && suspendable.length > 0
            ? (["suspend", suspendable] as const)
            : (["revoke", active] as const);
      const target = candidates.length > 0 ? pick(candidates) : undefined;
      if (!target) {
        return issue(nodeIndex);
      }
      target.busy = true;
      try {
        const res = await call(nodeIndex, operation, "POST", `/admin/credentials/${target.id}/${operation}`, {
          reason: `load test ${operation}`,
        });
        // A change resent after its node was killed may have committed there before the kill: the node that gets it
        // again answers 409 (already suspended, revoked, or not suspended). Only this client changes this credential
        // (it is busy meanwhile), so that 409 means the first attempt took effect; the audit checks below hold it.
        const tookEffect = res.resent && res.status === 409 && res.json?.code === "CONFLICT";
        if (tookEffect || expectStatus(operation, res, 200)) {
          state.set(target.id, operation === "revoke" ? "revoked" : operation === "suspend" ? "suspended" : "active");
          succeeded.statusChanges.push({
            id: target.id,
            action: `credential.${operation === "revoke" ? "revoked" : operation === "suspend" ? "suspended" : "reinstated"}`,
          });
        }
      } finally {
        target.busy = false;
      }
    }

    async function verify(nodeIndex: number) {
      const target = issued.length > 0 ? pick(issued) : undefined;
      if (!target) {
        return issue(nodeIndex);
      }
      const res = await call(nodeIndex, "verify", "POST", "/credentials/verify", {
        verifiableCredential: target.document,
      });
      // 400 CREDENTIAL_NOT_VERIFIED for a revoked or suspended one (the VC API's answer), carrying the same fields
      const answered = expectStatus("verify", res, 200, 400) && (res.status === 200 || isNotVerified(res.json));
      if (!answered || !res.json.checks.includes("proof")) {
        unexpected.push(`verify ${target.id}: proof did not pass ${res.text.slice(0, 300)}`);
      }
    }

    async function page(nodeIndex: number) {
      const target = issued.length > 0 ? pick(issued) : undefined;
      if (!target) {
        return issue(nodeIndex);
      }
      const html = random() < 0.3;
      const res = await call(
        nodeIndex,
        html ? "page-html" : "page-json",
        "GET",
        `/credentials/${target.id}`,
        undefined,
        html ? "text/html" : "application/vc+ld+json",
      );
      if (expectStatus("page", res, 200) && !html && res.text !== JSON.stringify(target.document)) {
        // the served document is the stored one, byte for byte, whichever node stored it
        if (JSON.stringify(res.json) !== JSON.stringify(target.document)) {
          unexpected.push(`page ${target.id}: served document differs from the issued one`);
        }
      }
    }

    async function statusList(nodeIndex: number) {
      const target = issued.length > 0 ? pick(issued) : undefined;
      const entry = target ? pick(statusEntriesOf(target.document)) : undefined;
      if (!entry) {
        return issue(nodeIndex);
      }
      const res = await call(nodeIndex, "status-list", "GET", new URL(entry.statusListCredential).pathname);
      expectStatus("status-list", res, 200);
    }

    async function claimAndAck(nodeIndex: number) {
      const channel = pick(CHANNELS);
      const claim = await call(nodeIndex, "claim", "POST", "/admin/events/claim", {
        channel,
        limit: 40,
        leaseSeconds: LEASE_SECONDS,
      });
      if (!expectStatus("claim", claim, 200)) {
        return;
      }
      tokensSeen.add(claim.json.claimToken);
      const seen = claimsSeen.get(channel) as Map<number, string>;
      for (const item of claim.json.items as { seq: number }[]) {
        if (seen.has(item.seq)) {
          duplicateHandOuts.push(`${channel} #${item.seq}`);
        }
        seen.set(item.seq, claim.json.claimToken);
      }
      if (claim.json.items.length === 0) {
        return;
      }
      const ack = await call(nodeIndex + 1, "ack", "POST", "/admin/events/ack", {
        channel,
        claimToken: claim.json.claimToken,
        seqs: claim.json.items.map((i: { seq: number }) => i.seq),
      });
      if (expectStatus("ack", ack, 200) && ack.json.notHeld.length > 0) {
        unexpected.push(`ack ${channel}: not held ${ack.json.notHeld.join(",")}`);
      }
    }

    // The mix, by share of the requests (evidence sends 3 per person, a claim is followed by its ack).
    const operations: [number, (node: number) => Promise<void>][] = [
      [0.3, issue],
      [0.2 / 3, evidenceForOnePerson],
      [0.1, changeStatus],
      [0.1, verify],
      [0.17, page],
      [0.08, statusList],
      [0.05 / 2, claimAndAck],
    ];
    const weight = operations.reduce((s, [w]) => s + w, 0);

    let killed: Promise<void> | undefined;
    let next = 0;
    const worker = async () => {
      while (stats.sent < TOTAL_REQUESTS) {
        const nodeIndex = next++ % nodes.length;
        const roll = random() * weight;
        let sum = 0;
        const op =
          operations.find(([w]) => {
            sum += w;
            return roll < sum;
          })?.[1] ?? issue;
        await op(nodeIndex);
        if (!killed && stats.answered + stats.transportFailures >= KILL_AFTER) {
          killed = (async () => {
            // SIGKILL in the middle of the load: no shutdown, requests in flight to it are cut.
            const exited = new Promise((resolve) => victim.server?.child.once("exit", resolve));
            victim.cpuBefore += cpuSeconds(victim.server?.child.pid);
            victim.server?.child.kill("SIGKILL");
            victim.earlier.push(...(victim.server?.output() ?? "").split("\n"));
            victim.up = false;
            await exited;
            await startNode(victim);
          })();
          // awaited after the load; meanwhile its failure must not go unhandled
          killed.catch(() => undefined);
        }
      }
    };
    const started = Date.now();
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    await killed;
    const loadSeconds = (Date.now() - started) / 1000;

    const checksStarted = Date.now();
    const q = async <T = any>(text: string, values: unknown[] = []): Promise<T[]> =>
      (await (db as pg.Client).query(text, values)).rows as T[];

    // Evaluations interrupted by the kill are completed by the restarted node's start-up sweep. Waited for until none
    // is due (it was 20 s, then on regardless: the award checks below then failed on a slow machine, far from the
    // cause); the bound only turns a sweep that never ends into this failure rather than the test's timeout.
    let due = -1;
    for (let waited = 0; due !== 0 && waited < 180_000; waited += 200) {
      due = (await q<{ n: number }>("select count(*)::int as n from evaluations_due"))[0]?.n ?? -1;
      if (due !== 0) {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    expect(due, "evaluations still due after the restarted node's sweep").toBe(0);

    // Drain the outbox on every channel (over all three nodes), so that every event is delivered once per channel.
    for (const channel of CHANNELS) {
      for (let round = 0; round < 200; round++) {
        const before = (claimsSeen.get(channel) as Map<number, string>).size;
        await claimAndAckOn(channel, round % nodes.length);
        if ((claimsSeen.get(channel) as Map<number, string>).size === before) {
          break;
        }
      }
    }
    async function claimAndAckOn(channel: string, nodeIndex: number) {
      const claim = await call(nodeIndex, "claim", "POST", "/admin/events/claim", {
        channel,
        limit: 500,
        leaseSeconds: LEASE_SECONDS,
      });
      expectStatus("claim", claim, 200);
      tokensSeen.add(claim.json.claimToken);
      const seen = claimsSeen.get(channel) as Map<number, string>;
      for (const item of claim.json.items as { seq: number }[]) {
        if (seen.has(item.seq)) {
          duplicateHandOuts.push(`${channel} #${item.seq}`);
        }
        seen.set(item.seq, claim.json.claimToken);
      }
      if (claim.json.items.length > 0) {
        await call(nodeIndex + 1, "ack", "POST", "/admin/events/ack", {
          channel,
          claimToken: claim.json.claimToken,
          seqs: claim.json.items.map((i: { seq: number }) => i.seq),
        });
      }
    }

    console.log(
      JSON.stringify({
        loadSeconds,
        sent: stats.sent,
        answered: stats.answered,
        transportFailures: stats.transportFailures,
        retried: stats.retried,
        byKind: Object.fromEntries(stats.byKind),
        statuses: Object.fromEntries(stats.statuses),
        credentials: issued.length,
        people: person,
      }),
    );
    // what the nodes logged as errors (a 500 has its cause there), with the unexpected answers
    const nodeErrors = nodes.flatMap((n) =>
      [...(n.server?.output() ?? "").split("\n"), ...n.earlier].filter((l) => l.includes('"level":"error"')),
    );
    expect({ unexpected, nodeErrors }).toEqual({ unexpected: [], nodeErrors: [] });
    expect(stats.sent).toBeGreaterThanOrEqual(TOTAL_REQUESTS);
    expect(stats.transportFailures).toBeGreaterThan(0); // the kill did cut requests

    // 1. No status index on two credentials; every credential's entries are the rows reserved for it.
    const credentials = await q<{ id: string; document: string; achievement_id: string; email: string }>(
      `select c.id, c.document, c.achievement_id, r.email, c.revoked_at, c.suspended_at
         from credentials c join recipients r on r.id = c.recipient_id`,
    );
    const slotOwner = new Map<string, string>();
    for (const c of credentials) {
      for (const entry of statusEntriesOf(JSON.parse(c.document))) {
        const slot = `${entry.statusListCredential.split("/").at(-1)}/${entry.statusListIndex}`;
        expect(slotOwner.get(slot), `${slot} on ${c.id} and ${slotOwner.get(slot)}`).toBeUndefined();
        slotOwner.set(slot, c.id);
      }
    }
    const rows = await q<{ slot: string; credential_id: string }>(
      "select list_id || '/' || idx as slot, credential_id from status_entries where credential_id is not null",
    );
    expect(new Map(rows.map((r) => [r.slot, r.credential_id]))).toEqual(slotOwner);
    const overAllocated = await q(
      `select l.id from status_lists l
        where l.allocated <> (select count(*) from status_entries e where e.list_id = l.id)`,
    );
    expect(overAllocated).toEqual([]);

    // 2. Every node serves byte-identical status lists, whose bits say what the database says.
    const lists = await q<{ id: string; purpose: string }>("select id, purpose from status_lists order by id");
    const bitsOf = new Map<string, Uint8Array>();
    for (const list of lists) {
      const bodies = await Promise.all(
        nodes.map(async (n) => (await fetch(`http://127.0.0.1:${n.port}/status-lists/${list.id}`)).text()),
      );
      expect(new Set(bodies).size, `status list ${list.id}`).toBe(1);
      const encoded = String(JSON.parse(bodies[0] as string).credentialSubject.encodedList);
      bitsOf.set(list.id, new Uint8Array(gunzipSync(Buffer.from(encoded.slice(1), "base64url"))));
    }
    const stored = await q<{ id: string; revoked_at: Date | null; suspended_at: Date | null }>(
      "select id, revoked_at, suspended_at from credentials",
    );
    // revocation wins over suspension in the verdict; a suspended credential that is revoked keeps its suspension bit
    const expected = new Map(
      stored.map((c) => [c.id, c.revoked_at ? "revoked" : c.suspended_at ? "suspended" : "valid"]),
    );
    const flags = new Map(
      stored.map((c) => [c.id, { revocation: c.revoked_at !== null, suspension: c.suspended_at !== null }]),
    );
    for (const c of credentials) {
      for (const entry of statusEntriesOf(JSON.parse(c.document))) {
        const bit = bitAt(
          bitsOf.get(entry.statusListCredential.split("/").at(-1) as string) as Uint8Array,
          Number(entry.statusListIndex),
        );
        const want = flags.get(c.id)?.[entry.statusPurpose];
        expect(bit, `${entry.statusPurpose} bit of ${c.id}`).toBe(want);
      }
    }
    // What the client last saw succeed agrees with the database.
    for (const [id, seen] of state) {
      expect(expected.get(id), id).toBe(seen === "active" ? "valid" : seen);
    }

    // 3. Every credential verifies (proof and issuer), with the verdict its database state gives, on any node.
    let verifyNext = 0;
    const verdicts: string[] = [];
    await Promise.all(
      Array.from({ length: 6 }, async (_, w) => {
        while (verifyNext < credentials.length) {
          const c = credentials[verifyNext++] as (typeof credentials)[number];
          const res = await call(w, "final-verify", "POST", "/credentials/verify", {
            verifiableCredential: JSON.parse(c.document),
          });
          const want = expected.get(c.id);
          const answered = res.status === 200 || (res.status === 400 && isNotVerified(res.json));
          if (!answered || !res.json.checks.includes("proof") || res.json.verdict !== want) {
            verdicts.push(`${c.id}: ${res.status} ${res.json?.verdict} (want ${want}) ${res.text.slice(0, 200)}`);
          }
        }
      }),
    );
    expect(verdicts).toEqual([]);

    // 4. Every event was handed to each channel exactly once, and acknowledged.
    expect(duplicateHandOuts).toEqual([]);
    const [{ n: eventCount }] = (await q<{ n: number }>("select count(*)::int as n from events")) as [{ n: number }];
    for (const channel of CHANNELS) {
      const deliveries = await q<{ event_seq: number; attempts: number; delivered: boolean; claim_token: string }>(
        `select event_seq, attempts, delivered_at is not null as delivered, claim_token
           from event_deliveries where channel = $1`,
        [channel],
      );
      // Claims whose answer was lost when the node died hold their events until the lease ends (they are handed out
      // again then: at-least-once); none is handed to a second claim before that.
      const lost = deliveries.filter((d) => !tokensSeen.has(d.claim_token));
      expect(
        deliveries.filter((d) => !d.delivered && tokensSeen.has(d.claim_token)),
        channel,
      ).toEqual([]);
      expect(deliveries.filter((d) => d.attempts !== 1)).toEqual([]);
      expect(deliveries.length, channel).toBe(eventCount);
      expect((claimsSeen.get(channel) as Map<number, string>).size + lost.length, channel).toBe(eventCount);
    }
    const perCredential = await q<{ type: string; credential_id: string; n: number }>(
      "select type, credential_id, count(*)::int as n from events group by type, credential_id having count(*) > 1 and type = 'credential.issued'",
    );
    expect(perCredential).toEqual([]);
    const [{ issuedEvents }] = (await q(
      "select count(*)::int as \"issuedEvents\" from events where type = 'credential.issued'",
    )) as [{ issuedEvents: number }];
    expect(issuedEvents).toBe(credentials.length);

    // 5. The audit log has one entry per write: per credential stored, per evidence record stored, per status change.
    const auditOf = async (action: string) =>
      new Map(
        (
          await q<{ target_id: string; n: number }>(
            "select target_id, count(*)::int as n from audit_log where action = $1 group by target_id",
            [action],
          )
        ).map((r) => [r.target_id, r.n]),
      );
    const issuedAudit = await auditOf("credential.issued");
    expect([...issuedAudit.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(issuedAudit.keys())).toEqual(new Set(credentials.map((c) => c.id)));
    const evidenceRows = await q<{ id: string }>("select id from evidence");
    const evidenceAudit = await auditOf("evidence.recorded");
    expect([...evidenceAudit.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(evidenceAudit.keys())).toEqual(new Set(evidenceRows.map((e) => e.id)));
    for (const id of succeeded.issued) {
      expect(issuedAudit.get(id), id).toBe(1);
    }
    for (const id of succeeded.evidence) {
      expect(evidenceAudit.get(id), id).toBe(1);
    }
    const revokedAudit = await auditOf("credential.revoked");
    const revokedRows = stored.filter((c) => c.revoked_at).map((c) => c.id);
    expect([...revokedAudit.values()].every((n) => n === 1)).toBe(true);
    expect(new Set(revokedAudit.keys())).toEqual(new Set(revokedRows));
    const changes = await q<{ target_id: string; action: string }>(
      "select target_id, action from audit_log where action in ('credential.suspended', 'credential.reinstated') order by seq",
    );
    for (const change of succeeded.statusChanges.filter((c) => c.action !== "credential.revoked")) {
      expect(
        changes.some((a) => a.target_id === change.id && a.action === change.action),
        `${change.action} ${change.id}`,
      ).toBe(true);
    }
    // each suspension and reinstatement audited alternates, ending in the credential's state
    const lastChange = new Map<string, string>();
    for (const a of changes) {
      expect(lastChange.get(a.target_id), `${a.action} twice in a row on ${a.target_id}`).not.toBe(a.action);
      lastChange.set(a.target_id, a.action);
    }
    for (const [id, action] of lastChange) {
      if (expected.get(id) !== "revoked") {
        expect(expected.get(id), id).toBe(action === "credential.suspended" ? "suspended" : "valid");
      }
    }

    // 6. One award per person per certification: every learner holds exactly one Associate.
    const awards = await q<{ email: string; achievement_id: string; n: number }>(
      `select r.email, c.achievement_id, count(*)::int as n from credentials c join recipients r on r.id = c.recipient_id
        where r.email like 'learner%' group by r.email, c.achievement_id`,
    );
    expect(awards.filter((a) => a.n !== 1)).toEqual([]);
    expect(awards.filter((a) => a.achievement_id === "gitlab-certified-associate").length).toBe(person);
    // The work this test costs (what must fit in ~90 s on 2 cores): the three nodes' and PostgreSQL's CPU seconds.
    console.log(
      JSON.stringify({
        checkSeconds: (Date.now() - checksStarted) / 1000,
        verified: credentials.length,
        cpuSeconds: {
          nodes: nodes.reduce((s, n) => s + n.cpuBefore + cpuSeconds(n.server?.child.pid), 0),
          postgres: treeCpuSeconds(postgres?.pid ?? 0),
          testProcess: process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6,
        },
      }),
    );
    // Generous: on 2 idle cores the whole test is well under 90 s, but a CI machine shared with other jobs is not idle.
  }, 480_000);
});
