import "../src/harden-process.js";
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { eq } from "drizzle-orm";
import { progressLines } from "../src/services/people.js";
import { toEvaluatorEvidence, toHeldCredential } from "../src/services/person-state.js";
import { progressOn, progressStableUntil } from "../src/services/progress.js";
import { personRecords } from "../src/storage/people-repo.js";
import { approvalsOfPerson, credentialsHeldBy } from "../src/storage/person-credentials-repo.js";
import { prepareConsoleBench } from "./console.js";

/**
 * Profiles the person page's progress alone (the console bench's person with 200 evidence records): their records
 * mapped for the evaluator, progress on every certification, its lines and its stable-until time, `count` times under
 * the inspector; prints CPU per run of each part:
 *   node --disable-proto=delete --import tsx bench/profile-person-progress.ts <count> <out.cpuprofile>
 * ONLY=<part>,<part> runs only those parts.
 */
const count = Number(process.argv[2] ?? 2000);
const out = process.argv[3];
const { close, ctx } = await prepareConsoleBench(100_000);
const db = ctx.store.conn();
const { recipients, evidence } = db.t;
const email = ((await db.select().from(evidence).limit(1))[0]?.personEmail ?? "") as string;
await db.select().from(recipients).where(eq(recipients.email, email));
const held = await credentialsHeldBy(db, email);
const approvals = await approvalsOfPerson(db, email);
const records = await personRecords(db, email);
const words = () => undefined;
const parts: Record<string, () => unknown> = {
  toEvaluator: () => records.map(toEvaluatorEvidence),
  progressOn: () =>
    progressOn(
      ctx,
      { email, name: email, evidence: records.map(toEvaluatorEvidence), held: held.map(toHeldCredential) },
      ctx.catalog.entries,
      approvals,
    ),
  "progressOn+lines": () => {
    const all = progressOn(
      ctx,
      { email, name: email, evidence: records.map(toEvaluatorEvidence), held: held.map(toHeldCredential) },
      ctx.catalog.entries,
      approvals,
    );
    return all.map((p) => progressLines(p.report, words));
  },
  stableUntil: () =>
    progressStableUntil(
      ctx,
      { email, name: email, evidence: records.map(toEvaluatorEvidence), held: held.map(toHeldCredential) },
      ctx.catalog.entries,
      ctx.clock(),
    ),
};
const only = process.env.ONLY?.split(",");
for (const name of Object.keys(parts)) {
  if (only && !only.includes(name)) {
    delete parts[name];
  }
}
for (const fn of Object.values(parts)) {
  for (let i = 0; i < 300; i++) {
    fn();
  }
}
const session = out ? new Session() : null;
if (session) {
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
}
const cpu: Record<string, number[]> = {};
for (let b = 0; b < 5; b++) {
  for (const [name, fn] of Object.entries(parts)) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < count / 5; i++) {
      fn();
    }
    const used = process.cpuUsage(c0);
    cpu[name] ??= [];
    cpu[name].push((used.user + used.system) / (count / 5));
  }
}
if (session && out) {
  const { profile } = await session.post("Profiler.stop");
  writeFileSync(out, JSON.stringify(profile));
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
for (const [name, xs] of Object.entries(cpu)) {
  console.log(
    `${name.padEnd(20)} CPU ${med(xs).toFixed(1).padStart(8)} µs  (${xs.map((x) => x.toFixed(0)).join(" ")})`,
  );
}
await close();
