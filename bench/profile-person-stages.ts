import "../src/harden-process.js";
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { eq } from "drizzle-orm";
import { personContentBytes, personContentMarkup } from "../src/http/pages/console/person-markup.js";
import { PersonContent } from "../src/http/pages/console/person-page.js";
import { personOverview } from "../src/services/people.js";
import { toEvaluatorEvidence, toHeldCredential } from "../src/services/person-state.js";
import { progressOn, progressStableUntil } from "../src/services/progress.js";
import { listEvidenceFor } from "../src/storage/evidence-repo.js";
import { auditAboutPerson, personRecords } from "../src/storage/people-repo.js";
import { approvalsOfPerson, credentialsHeldBy } from "../src/storage/person-credentials-repo.js";
import { personMarkOf } from "../src/storage/person-page-repo.js";
import { prepareConsoleBench } from "./console.js";

/**
 * CPU per stage of a person's page's first view (the console bench's person with 200 evidence records), in one
 * process, each stage run alone `count` times in alternating blocks beside the trivial route:
 *   node --disable-proto=delete --import tsx bench/profile-person-stages.ts <count>
 * ONLY=<stage>,<stage> runs only those (and the trivial route); PROF=<out.cpuprofile> profiles the measured blocks.
 */
const count = Number(process.argv[2] ?? 2000);
const { variants, close, ctx } = await prepareConsoleBench(100_000);

const db = ctx.store.conn();
const { recipients, evidence } = db.t;
const person = (await db.select().from(evidence).limit(1))[0];
const email = person?.personEmail as string;
const [recipient] = await db.select().from(recipients).where(eq(recipients.email, email));
const ref = recipient?.id as string;

const held = await credentialsHeldBy(db, email);
const records = await listEvidenceFor(db, email);
const approvals = await approvalsOfPerson(db, email);
const scope = { credentials: "all" as const, evidence: "all" as const };
const words = () => "words";
const input = { ref, scope, evidencePage: 50, historySize: 50, words };
const overview = await personOverview(ctx, input);
await auditAboutPerson(db, email, 50, Number.MAX_SAFE_INTEGER);
const state = { email, name: email, evidence: records.map(toEvaluatorEvidence), held: held.map(toHeldCredential) };
if (process.env.DUMP) {
  writeFileSync(
    process.env.DUMP,
    Buffer.from(String(PersonContent({ person: overview, canRecord: true, paged: false, auditLink: true }))),
  );
  writeFileSync(`${process.env.DUMP}.json`, JSON.stringify(overview, null, 1));
}
const stages: Record<string, () => unknown> = {
  trivial: variants["trivial route (/.well-known/did.json)"] as () => unknown,
  "first view (app)": variants["… first view (nothing kept)"] as () => unknown,
  "repeat view (app)": variants["person page, 200 evidence records"] as () => unknown,
  personMarkOf: () => personMarkOf(db, ref),
  credentialsHeldBy: () => credentialsHeldBy(db, email),
  approvalsOfPerson: () => approvalsOfPerson(db, email),
  listEvidenceFor: () => listEvidenceFor(db, email),
  personRecords: () => personRecords(db, email),
  auditAboutPerson: () => auditAboutPerson(db, email, 50, Number.MAX_SAFE_INTEGER),
  toEvaluator: () => records.map(toEvaluatorEvidence),
  progressOn: () =>
    progressOn(ctx, { ...state, evidence: records.map(toEvaluatorEvidence) }, ctx.catalog.entries, approvals),
  progressStableUntil: () =>
    progressStableUntil(
      ctx,
      { ...state, evidence: records.map(toEvaluatorEvidence) },
      ctx.catalog.entries,
      ctx.clock(),
    ),
  personOverview: () => personOverview(ctx, input),
  markup: () => Buffer.from(personContentMarkup({ person: overview, canRecord: true, paged: false, auditLink: true })),
  markupBytes: () => personContentBytes({ person: overview, canRecord: true, paged: false, auditLink: true }),
  render: () =>
    Buffer.from(String(PersonContent({ person: overview, canRecord: true, paged: false, auditLink: true }))),
};
const only = process.env.ONLY?.split(",");
// PROF=<out.cpuprofile>: the measured blocks under the inspector
const session = process.env.PROF ? new Session() : null;
if (session) {
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
}
const cpu: Record<string, number[]> = {};
const walls: Record<string, number[]> = {};
for (let block = 0; block < 6; block++) {
  for (const [name, fn] of Object.entries(stages)) {
    if (only && !only.includes(name) && name !== "trivial") {
      continue;
    }
    const n = name.includes("view") ? Math.ceil(count / 10) : count;
    const w0 = performance.now();
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      await fn();
    }
    const used = process.cpuUsage(c0);
    const wall = ((performance.now() - w0) * 1000) / n;
    if (block > 0) {
      cpu[name] ??= [];
      cpu[name].push((used.user + used.system) / n);
      walls[name] ??= [];
      walls[name].push(wall);
    }
  }
}
if (session && process.env.PROF) {
  const { profile } = await session.post("Profiler.stop");
  writeFileSync(process.env.PROF, JSON.stringify(profile));
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
for (const [name, xs] of Object.entries(cpu)) {
  const wall = med(walls[name] ?? []);
  console.log(
    `${name.padEnd(22)} CPU ${med(xs).toFixed(1).padStart(8)} µs, wall ${wall.toFixed(1).padStart(8)} µs  (CPU ${xs.map((x) => x.toFixed(0)).join(" ")})`,
  );
}
await close();
