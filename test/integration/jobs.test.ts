// First, on purpose: the job file parser's domain schemas load before anything of the HTTP layer (they once lacked
// `.openapi` then, and the app failed to start).
import "../../src/services/jobs.js";
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import { cryptosuite as stockEddsaRdfc2022 } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import * as vc from "@digitalbazaar/vc";
import { and, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { userPrincipal } from "../../src/domain/access.js";
import { createApiKey } from "../../src/services/api-keys.js";
import { submitJob } from "../../src/services/jobs.js";
import { runJobs } from "../../src/services/jobs-runner.js";
import { acquireLease } from "../../src/storage/leases-repo.js";
import { adminGet, adminPost, bearer, issueRequest, readProblem } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { countRows } from "../helpers/store.js";

/** Bulk jobs (issue 17) end to end through the app: submit, run, progress, results, at a small size. */

const apps: TestApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((t) => t.close()));
});
async function app(): Promise<TestApp> {
  const t = await makeTestApp();
  apps.push(t);
  return t;
}

type JobView = {
  id: string;
  status: string;
  total: number;
  done: number;
  failed: number;
  skipped: number;
  pending: number;
  rowsPerSecond: number | null;
  etaSeconds: number | null;
};
/** A results file row, flattened as its CSV says it (the JSON gives the credentials as a list, the error as an object). */
type JobResult = {
  line: number;
  externalId: string | null;
  outcome: string;
  credentialId: string | null;
  credentialUrl: string | null;
  credentials: Array<{ id: string; url: string }>;
  error: string | null;
};
type JobResultJson = Omit<JobResult, "credentialId" | "credentialUrl" | "error"> & {
  error: { column: string | null; reason: string } | null;
};

const jsonl = (records: unknown[]) => records.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n");

function postJob(t: TestApp, body: string, query: string, headers: Record<string, string> = {}, token = t.adminToken) {
  return t.app.request(`/admin/jobs?${query}`, {
    method: "POST",
    headers: { ...bearer(token), "content-type": "application/x-ndjson", ...headers },
    body,
  });
}

/** When the lease `name` ends, as stored (0 when nobody holds it). */
async function leaseUntil(t: TestApp, name: string): Promise<number> {
  const { leases } = t.store.conn().t;
  const [row] = await t.store.conn().select({ until: leases.expiresAt }).from(leases).where(eq(leases.name, name));
  return row?.until.getTime() ?? 0;
}

async function results(t: TestApp, id: string): Promise<JobResult[]> {
  const res = await adminGet(t, `/admin/jobs/${id}/results.json`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { results: JobResultJson[] }).results.map((r) => ({
    ...r,
    credentialId: r.credentials[0]?.id ?? null,
    credentialUrl: r.credentials[0]?.url ?? null,
    error: r.error ? `${r.error.column ? `${r.error.column}: ` : ""}${r.error.reason}` : null,
  }));
}

/** The unmodified @digitalbazaar/vc library's verdict on a credential we issued (our did:web key from our loader). */
async function stockVerifies(t: TestApp, credential: Record<string, unknown>): Promise<boolean> {
  const result = await vc.verifyCredential({
    credential,
    suite: new DataIntegrityProof({ cryptosuite: stockEddsaRdfc2022 }),
    documentLoader: t.ctx.keys.current().documentLoader,
    now: t.clock.now(),
    checkStatus: async () => ({ verified: true }),
  });
  return result.verified;
}

const award = (i: number, extra: Record<string, unknown> = {}) => ({
  certification: "gitlab-certified-associate",
  email: `person${i}@example.org`,
  name: `Person ${i}`,
  ...extra,
});

describe("bulk awards job", () => {
  it("answers 202 with the stored job, issues every row once; every credential verifies with the stock library", async () => {
    const t = await app();
    const lines = [
      ...Array.from({ length: 12 }, (_, i) => award(i, { externalId: `row-${i}` })),
      "{not json",
      award(3, { externalId: "row-3" }), // the same external id again: skipped
      award(20, { certification: "no-such-certification" }),
      award(21, { results: "written=86;lab=Completed", narrative: "Passed both in March" }),
      award(22, { results: "speed=fast" }),
    ];
    const res = await postJob(t, jsonl(lines), "kind=awards");
    expect(res.status, await res.clone().text()).toBe(202);
    const submitted = (await res.json()) as JobView;
    expect(res.headers.get("location")).toBe(`/admin/jobs/${submitted.id}`);
    expect(submitted).toMatchObject({ status: "queued", total: 17, failed: 1, skipped: 1, pending: 15 });
    // stored before the answer: every row is there, nothing issued yet
    expect(await countRows(t.store, "job_rows")).toBe(17);
    expect(await countRows(t.store, "credentials")).toBe(0);

    expect(await runJobs(t.ctx)).toEqual([submitted.id]);
    const job = (await (await adminGet(t, `/admin/jobs/${submitted.id}`)).json()) as JobView;
    expect(job).toMatchObject({
      status: "done",
      total: 17,
      done: 13,
      failed: 3,
      skipped: 1,
      pending: 0,
      etaSeconds: 0,
    });

    const rows = await results(t, submitted.id);
    expect(rows.map((r) => r.line)).toEqual(Array.from({ length: 17 }, (_, i) => i + 1));
    expect(rows[12]).toMatchObject({ outcome: "failed", error: expect.stringMatching(/not valid JSON/) });
    expect(rows[13]).toMatchObject({ outcome: "skipped", externalId: "row-3", error: "duplicate of line 4" });
    expect(rows[14]).toMatchObject({
      outcome: "failed",
      error: 'certification: unknown certification "no-such-certification"',
    });
    expect(rows[16]).toMatchObject({
      outcome: "failed",
      error: expect.stringMatching(/^results: "speed" is not a result/),
    });
    const issued = rows.filter((r) => r.outcome === "issued");
    expect(issued).toHaveLength(13);
    expect(await countRows(t.store, "credentials")).toBe(13);
    // the row's evidence narrative and results are in its credential
    const withResults = (await (await t.app.request(`/credentials/${rows[15]?.credentialId}?format=json`)).json()) as {
      evidence: Array<{ narrative: string }>;
      credentialSubject: { result: Array<{ resultDescription: string; value: string }> };
    };
    expect(withResults.evidence.map((e) => e.narrative)).toEqual(["Passed both in March"]);
    expect(withResults.credentialSubject.result.map((r) => [r.resultDescription.split("#")[1], r.value])).toEqual([
      ["result-written", "86"],
      ["result-lab", "Completed"],
    ]);
    for (const row of issued) {
      expect(row.credentialUrl).toBe(`https://badges.test/credentials/${row.credentialId}`);
      const credential = (await (await t.app.request(`/credentials/${row.credentialId}?format=json`)).json()) as Record<
        string,
        unknown
      >;
      expect(await stockVerifies(t, credential)).toBe(true);
    }
    // one audit entry per credential, as the single issue call writes
    const audit = (await (await adminGet(t, "/admin/audit?action=credential.issued&limit=500")).json()) as {
      items: Array<{ target: { id: string } }>;
    };
    expect(audit.items.map((e) => e.target.id).sort()).toEqual(issued.map((r) => r.credentialId).sort());

    // the results file has exactly one line per input line (and a header)
    const csv = await (await adminGet(t, `/admin/jobs/${submitted.id}/results.csv`)).text();
    const csvLines = csv.trimEnd().split("\r\n");
    expect(csvLines[0]).toBe("line,externalId,outcome,credentialId,credentialUrl,error");
    expect(csvLines).toHaveLength(18);

    // running again finds nothing to do: no row is done twice
    expect(await runJobs(t.ctx)).toEqual([]);
    expect(await countRows(t.store, "credentials")).toBe(13);
  });

  it("reads a raw CSV body; a file that cannot be read is a 422 naming the problem, and nothing of it is stored", async () => {
    const t = await app();
    const csv = "certification,email,name\r\ngitlab-certified-associate,ada@example.org,Ada Lovelace\r\n";
    const ok = await postJob(t, csv, "kind=awards", { "content-type": "text/csv" });
    expect(ok.status, await ok.clone().text()).toBe(202);
    expect(((await ok.json()) as JobView).total).toBe(1);
    const rows = "gitlab-certified-associate,ada@example.org,Ada,red\r\n".repeat(600);
    const bad = await postJob(t, `certification,email,name,colour\r\n${rows}`, "kind=awards", {
      "content-type": "text/csv",
    });
    expect(bad.status).toBe(422);
    const problem = await readProblem(bad);
    expect(problem.code).toBe("JOB_FILE_INVALID");
    expect(problem.detail).toMatch(/colour/);
    expect(await countRows(t.store, "jobs")).toBe(1);
    expect(await countRows(t.store, "job_rows")).toBe(1);
  });

  it("skips (or fails, with onDuplicate=error) a person who already holds the certification", async () => {
    const t = await app();
    expect(
      (
        await adminPost(
          t,
          "/admin/credentials",
          issueRequest({ recipient: { email: "person1@example.org", name: "P" } }),
        )
      ).status,
    ).toBe(201);
    const skip = (await (await postJob(t, jsonl([award(1), award(2)]), "kind=awards")).json()) as JobView;
    const error = (await (
      await postJob(t, jsonl([award(1), award(3)]), "kind=awards&onDuplicate=error")
    ).json()) as JobView;
    await runJobs(t.ctx);
    expect((await results(t, skip.id)).map((r) => r.outcome)).toEqual(["skipped", "issued"]);
    const failed = await results(t, error.id);
    expect(failed.map((r) => r.outcome)).toEqual(["failed", "issued"]);
    expect(failed[0]?.error).toMatch(/already holds/);
  });

  it("a dry run reports what would happen and writes no credential, audit entry or event", async () => {
    const t = await app();
    const before = {
      audit: await countRows(t.store, "audit_log"),
      events: await countRows(t.store, "events"),
    };
    const res = await postJob(
      t,
      jsonl([award(1), award(2), award(3, { certification: "nope" })]),
      "kind=awards&dryRun=true",
    );
    const job = (await res.json()) as JobView;
    await runJobs(t.ctx);
    expect((await results(t, job.id)).map((r) => r.outcome)).toEqual(["would-issue", "would-issue", "failed"]);
    expect(await countRows(t.store, "credentials")).toBe(0);
    expect(await countRows(t.store, "audit_log")).toBe(before.audit);
    expect(await countRows(t.store, "events")).toBe(before.events);
  });

  it("multipart upload; the same Idempotency-Key gives the same job, another file under it is a 409", async () => {
    const t = await app();
    const send = (text: string) => {
      const form = new FormData();
      form.set("file", new File([text], "cohort.jsonl"));
      form.set("kind", "awards");
      return t.app.request("/admin/jobs", {
        method: "POST",
        headers: { authorization: `Bearer ${t.adminToken}`, "idempotency-key": "upload-1" },
        body: form,
      });
    };
    const first = await send(jsonl([award(1), award(2)]));
    expect(first.status, await first.clone().text()).toBe(202);
    const job = (await first.json()) as JobView & { fileName: string };
    expect(job.fileName).toBe("cohort.jsonl");
    const again = await send(jsonl([award(1), award(2)]));
    expect(again.status).toBe(200);
    expect(((await again.json()) as JobView).id).toBe(job.id);
    const other = await send(jsonl([award(3)]));
    expect(other.status).toBe(409);
    expect((await readProblem(other)).code).toBe("CONFLICT");
    expect(await countRows(t.store, "jobs")).toBe(1);
    expect(await countRows(t.store, "job_rows")).toBe(2);
  });

  it("checks each row with the submitter's grants: a program manager of one program issues only that program's", async () => {
    const t = await app();
    const manager = userPrincipal({
      id: "u1",
      grants: [{ role: "program-manager", program: "GitLab Technical Certifications", graderRole: null }],
    });
    const other = t.ctx.catalog.entries.find((e) => e.program !== "GitLab Technical Certifications");
    const mine = t.ctx.catalog.get("gitlab-certified-associate");
    expect(mine?.program).toBe("GitLab Technical Certifications");
    const body = (async function* () {
      yield new TextEncoder().encode(jsonl([award(1), award(2, { certification: other?.id })]));
    })();
    const { job } = await submitJob(t.ctx, {
      kind: "awards",
      format: "jsonl",
      body,
      dryRun: false,
      onDuplicate: "skip",
      principal: manager,
    });
    await runJobs(t.ctx);
    const rows = await results(t, job.id);
    expect(rows.map((r) => r.outcome)).toEqual(["issued", "failed"]);
    expect(rows[1]?.error).toMatch(/may not issue credentials of the program/);
  });

  it("cancel: the job stops, its rows not run are reported cancelled; cancelling again is a 409", async () => {
    const t = await app();
    const job = (await (await postJob(t, jsonl([award(1), award(2)]), "kind=awards")).json()) as JobView;
    const cancelled = await adminPost(t, `/admin/jobs/${job.id}/cancel`, {});
    expect(cancelled.status).toBe(200);
    expect(((await cancelled.json()) as JobView).status).toBe("cancelled");
    await runJobs(t.ctx);
    expect((await results(t, job.id)).map((r) => r.outcome)).toEqual(["cancelled", "cancelled"]);
    expect(await countRows(t.store, "credentials")).toBe(0);
    expect((await adminPost(t, `/admin/jobs/${job.id}/cancel`, {})).status).toBe(409);
  });

  it("keeps answering a single POST /admin/credentials while a job runs", async () => {
    const t = await app();
    const job = (await (
      await postJob(t, jsonl(Array.from({ length: 400 }, (_, i) => award(i))), "kind=awards")
    ).json()) as JobView;
    const running = runJobs(t.ctx, { batchRows: 50 });
    const single = await adminPost(
      t,
      "/admin/credentials",
      issueRequest({ recipient: { email: "solo@example.org", name: "Solo" } }),
    );
    expect(single.status).toBe(201);
    await running;
    const done = (await (await adminGet(t, `/admin/jobs/${job.id}`)).json()) as JobView;
    expect(done).toMatchObject({ status: "done", done: 400 });
  }, 120_000);

  it("issues a person once when their rows fall in different batches", async () => {
    const t = await app();
    // six rows in batches of two: a person's second row (other external id) lands in the next batch
    const rows = [1, 2, 1, 3, 2, 4].map((i, line) => award(i, { externalId: `x-${line}` }));
    const job = (await (await postJob(t, jsonl(rows), "kind=awards")).json()) as JobView;
    await runJobs(t.ctx, { batchRows: 2 });
    const outcomes = await results(t, job.id);
    expect(outcomes.map((r) => r.outcome)).toEqual(["issued", "issued", "skipped", "issued", "skipped", "issued"]);
    expect(outcomes[2]?.error).toMatch(/already holds/);
    expect(await countRows(t.store, "credentials")).toBe(4);
    const done = (await (await adminGet(t, `/admin/jobs/${job.id}`)).json()) as JobView;
    expect(done).toMatchObject({ status: "done", done: 4, skipped: 2, pending: 0 });
  });

  it("a batch that fails fails the job: what earlier batches issued stays, the rest stays pending", async () => {
    const t = await app();
    // the status lists made first, so that every signing asked for from here on is a batch's
    const first = adminPost(
      t,
      "/admin/credentials",
      issueRequest({ recipient: { email: "s@example.org", name: "S" } }),
    );
    expect((await first).status).toBe(201);
    const job = (await (
      await postJob(t, jsonl([1, 2, 3, 4, 5, 6].map((i) => award(i))), "kind=awards")
    ).json()) as JobView;
    // the first batch to sign signs; every later signing fails as a bug would (not a storage problem)
    const keys = t.ctx.keys;
    const fresh = keys.fresh.bind(keys);
    let signings = 0;
    keys.fresh = async () => {
      signings += 1;
      if (signings > 1) {
        throw new Error("signing failed");
      }
      return fresh();
    };
    await runJobs(t.ctx, { batchRows: 2 });
    keys.fresh = fresh;
    const view = (await (await adminGet(t, `/admin/jobs/${job.id}`)).json()) as JobView;
    expect(view).toMatchObject({ status: "failed", total: 6, done: 2, failed: 0, skipped: 0 });
    const outcomes = (await results(t, job.id)).map((r) => r.outcome).sort();
    expect(outcomes).toEqual(["issued", "issued", "pending", "pending", "pending", "pending"]);
    expect(await countRows(t.store, "credentials")).toBe(3);
  });

  it("the events stream sends the job's progress and ends once the job has ended", async () => {
    const t = await app();
    const job = (await (await postJob(t, jsonl([award(1)]), "kind=awards")).json()) as JobView;
    await runJobs(t.ctx);
    const res = await adminGet(t, `/admin/jobs/${job.id}/events`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const text = await res.text();
    expect(text).toMatch(/^event: progress$/m);
    const data = JSON.parse(/^data: (.*)$/m.exec(text)?.[1] ?? "{}") as JobView;
    expect(data).toMatchObject({ id: job.id, status: "done", done: 1 });
  });

  it("offers a template per kind, filled in for a certification", async () => {
    const t = await app();
    const res = await adminGet(t, "/admin/jobs/templates/awards.csv?certification=gitlab-certified-associate");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/csv/);
    const [header, example] = (await res.text()).trimEnd().split("\r\n");
    expect(header?.split(",").slice(0, 3)).toEqual(["certification", "email", "name"]);
    expect(example).toMatch(/^gitlab-certified-associate,/);
    expect((await adminGet(t, "/admin/jobs/templates/evidence.csv")).status).toBe(200);
    expect((await adminGet(t, "/admin/jobs/templates/awards.csv?certification=nope")).status).toBe(404);
  });

  it("takes each kind under its own scope", async () => {
    const t = await app();
    const grader = await createApiKey(t.ctx, { name: "grader", scopes: ["evidence:write"], actor: "test" });
    const refused = await postJob(t, jsonl([award(1)]), "kind=awards", {}, grader.token);
    expect(refused.status).toBe(403);
    expect((await readProblem(refused)).code).toBe("FORBIDDEN");
    expect(await countRows(t.store, "job_rows")).toBe(0);
    const job = (await (await postJob(t, jsonl([award(1)]), "kind=awards")).json()) as JobView;
    expect((await adminGet(t, `/admin/jobs/${job.id}`, grader.token)).status).toBe(403);
    const listed = (await (await adminGet(t, "/admin/jobs", grader.token)).json()) as { items: JobView[] };
    expect(listed.items).toEqual([]);
    expect(
      (
        await t.app.request("/admin/jobs?kind=awards", {
          method: "POST",
          headers: { ...bearer(t.adminToken), "content-type": "application/json" },
          body: "{}",
        })
      ).status,
    ).toBe(415);
  });
});

describe("bulk evidence job", () => {
  // the columns of an evidence file (flattened: the person's `email`, no grader role: the key's)
  const assessment = (externalId: string, email: string, id: string, fields: Record<string, unknown>) => ({
    kind: "assessment",
    externalId,
    email,
    name: "Ada Lovelace",
    // the lab after the written
    occurredAt: id === "gitlab-associate-lab" ? "2026-03-02T09:00:00Z" : "2026-03-01T09:00:00Z",
    assessment: id,
    ...fields,
  });

  /** An API key that records evidence as a Professional Services engineer (the labs' grader role). */
  const labGrader = (t: TestApp) =>
    createApiKey(t.ctx, { name: "lab grader", scopes: ["evidence:write"], graderRole: "ps-engineer", actor: "test" });

  it("records each row with the key's grader role, then awards what the batch's people now meet", async () => {
    const t = await app();
    const grader = await labGrader(t);
    const lines = [
      assessment("w-1", "ada@example.org", "gitlab-associate-written", { score: 86 }),
      assessment("l-1", "ada@example.org", "gitlab-associate-lab", { passed: true }),
      assessment("w-2", "bob@example.org", "gitlab-associate-written", { score: 40 }),
      assessment("x-1", "bob@example.org", "no-such-assessment", { score: 40 }),
    ];
    const res = await postJob(t, jsonl(lines), "kind=evidence", {}, grader.token);
    expect(res.status, await res.clone().text()).toBe(202);
    const job = (await res.json()) as JobView;
    await runJobs(t.ctx);
    const rows = await results(t, job.id);
    expect(rows.map((r) => r.outcome)).toEqual(["recorded", "recorded", "recorded", "failed"]);
    expect(rows[3]?.error).toMatch(/no-such-assessment/);
    // Ada's credential is on the row that completed it
    const awarded = rows.flatMap((r) => r.credentials);
    expect(awarded).toHaveLength(1);
    expect(rows[1]?.credentials).toEqual(awarded);
    const credential = (await (await t.app.request(`/credentials/${awarded[0]?.id}?format=json`)).json()) as Record<
      string,
      unknown
    >;
    expect(await stockVerifies(t, credential)).toBe(true);
    expect(await countRows(t.store, "evidence")).toBe(3);

    // the same file again: every record is a duplicate (skipped), nothing new is stored
    const again = (await (await postJob(t, jsonl(lines), "kind=evidence", {}, grader.token)).json()) as JobView;
    await runJobs(t.ctx);
    expect((await results(t, again.id)).map((r) => r.outcome)).toEqual(["skipped", "skipped", "skipped", "failed"]);
    expect(await countRows(t.store, "evidence")).toBe(3);
  });

  it("a dry run checks every row as a real run would (the grader role too) and stores no evidence or audit entry", async () => {
    const t = await app();
    const audit = await countRows(t.store, "audit_log");
    const lines = [
      assessment("w-1", "ada@example.org", "gitlab-associate-written", { score: 86 }),
      assessment("l-1", "ada@example.org", "gitlab-associate-lab", { passed: true }),
    ];
    const job = (await (await postJob(t, jsonl(lines), "kind=evidence&dryRun=true")).json()) as JobView;
    await runJobs(t.ctx);
    const rows = await results(t, job.id);
    // the admin key grades as no role: the lab would be refused
    expect(rows.map((r) => r.outcome)).toEqual(["would-record", "failed"]);
    expect(await countRows(t.store, "evidence")).toBe(0);
    expect(await countRows(t.store, "audit_log")).toBe(audit);
  });

  it("the lab needs a key grading as its role: an admin key without one gets that row refused", async () => {
    const t = await app();
    const lines = [assessment("l-9", "ada@example.org", "gitlab-associate-lab", { passed: true })];
    const job = (await (await postJob(t, jsonl(lines), "kind=evidence")).json()) as JobView;
    await runJobs(t.ctx);
    const [row] = await results(t, job.id);
    expect(row?.outcome).toBe("failed");
    expect(await countRows(t.store, "evidence")).toBe(0);
  });

  it("rolls a row back when another runner settled it first (a job taken over), and stops this run", async () => {
    const t = await app();
    const grader = await labGrader(t);
    const lines = [
      assessment("w-1", "ada@example.org", "gitlab-associate-written", { score: 86 }),
      assessment("w-2", "bob@example.org", "gitlab-associate-written", { score: 40 }),
    ];
    const job = (await (await postJob(t, jsonl(lines), "kind=evidence", {}, grader.token)).json()) as JobView;
    // Another runner (whose lease this one's overlapped) settles every row just before this runner's first row
    // commits: on PostgreSQL this runner's update waits for that commit, then finds the rows no longer pending.
    const { jobs, jobRows } = t.store.conn().t;
    let armed = true;
    const store = t.ctx.store;
    const tx: typeof store.tx = async (fn) => {
      const [row] = await store.conn().select({ status: jobs.status }).from(jobs).where(eq(jobs.id, job.id));
      if (armed && row?.status === "running") {
        armed = false;
        await store.tx((other) =>
          other
            .update(jobRows)
            .set({ state: "done", outcome: { outcome: "recorded", by: "the other runner" } })
            .where(and(eq(jobRows.jobId, job.id), eq(jobRows.state, "pending"))),
        );
      }
      return store.tx(fn);
    };
    await runJobs({ ...t.ctx, store: { ...store, tx } });
    expect(armed).toBe(false);
    // nothing this runner recorded stayed: the other runner's outcomes stand, once each
    expect(await countRows(t.store, "evidence")).toBe(0);
    expect((await results(t, job.id)).map((r) => r.outcome)).toEqual(["recorded", "recorded"]);
  });

  it("keeps the job's lease renewed while a batch runs longer than the lease", async () => {
    const t = await app();
    const grader = await labGrader(t);
    const lines = [assessment("w-1", "ada@example.org", "gitlab-associate-written", { score: 86 })];
    const job = (await (await postJob(t, jsonl(lines), "kind=evidence", {}, grader.token)).json()) as JobView;
    const { jobs } = t.store.conn().t;
    const store = t.ctx.store;
    const start = t.clock.now();
    let otherTook: boolean | undefined;
    let waited = false;
    // the first row's transaction waits while the clock passes the 2-second lease; then another runner tries it
    const tx: typeof store.tx = async (fn) => {
      const [row] = await store.conn().select({ status: jobs.status }).from(jobs).where(eq(jobs.id, job.id));
      if (!waited && row?.status === "running") {
        waited = true;
        t.clock.set(new Date(start.getTime() + 1500));
        // The lease's heartbeat beats every 667 ms: waited for until it renewed the lease at the moved clock (it was a
        // 1 s sleep, which a busy machine, or a slow PostgreSQL round trip, could end before the renewal committed).
        // Bounded, so that a runner without a heartbeat fails here rather than at the test's timeout.
        const renewedUntil = start.getTime() + 1500 + 2000;
        for (let waited = 0; (await leaseUntil(t, `job:${job.id}`)) < renewedUntil && waited < 30_000; waited += 10) {
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        t.clock.set(new Date(start.getTime() + 2200));
        const now = t.clock.now();
        otherTook = await store.tx((other) =>
          acquireLease(other, {
            name: `job:${job.id}`,
            holder: "another node",
            now,
            until: new Date(now.getTime() + 2000),
          }),
        );
      }
      return store.tx(fn);
    };
    await runJobs({ ...t.ctx, store: { ...store, tx }, config: { ...t.ctx.config, leaseSeconds: 2 } });
    expect(otherTook).toBe(false);
    expect((await results(t, job.id)).map((r) => r.outcome)).toEqual(["recorded"]);
  });
});
