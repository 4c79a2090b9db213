import "../src/harden-process.js";
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { eq } from "drizzle-orm";
import { createApp } from "../src/app.js";
import { createUser } from "../src/services/users.js";
import { privateCopy, recordEvidence } from "./console.js";

/**
 * Profiles the console's person page of the console bench (a person of the 100,000-credential database with 200
 * evidence records, signed in as an admin): a warm-up of 300 views, then `count` views under the inspector, beside as
 * many views of the trivial route (the DID document), alternating, and prints both rates and both CPU times per request
 * (the process's, every thread: on a machine other work shares, steadier than the rates):
 *   node --disable-proto=delete --import tsx bench/profile-person.ts <count> <out.cpuprofile>
 * PROFILE=0 measures without profiling; FIRST=1 profiles first views (nothing kept from an earlier view). `node bench/profile-issue.ts --report <dir>` prints the top functions.
 */
const count = Number(process.argv[2] ?? 2000);
const out = process.argv[3] ?? "/tmp/person-prof/person.cpuprofile";
const { ctx, ids, close } = await privateCopy(100_000);
const app = createApp(ctx, { publicDir: "./" });
const origin = ctx.config.publicUrl;
const password = "a long enough bench password";
await createUser(ctx, {
  email: "bench-admin@badges.bench",
  name: "Bench admin",
  grants: [{ role: "admin", program: null, graderRole: null }],
  password: { given: password },
  actor: "bench",
});
const signIn = await app.fetch(
  new Request(`${origin}/console/sign-in`, {
    method: "POST",
    body: new URLSearchParams({ email: "bench-admin@badges.bench", password }),
    headers: { "content-type": "application/x-www-form-urlencoded", origin, "sec-fetch-site": "same-origin" },
  }),
);
const cookie = /laurel_session=[^;]+/.exec(signIn.headers.get("set-cookie") ?? "")?.[0] as string;
const { credentials, recipients } = ctx.store.conn().t;
const [held] = await ctx.store
  .conn()
  .select({ id: credentials.recipientId })
  .from(credentials)
  .where(eq(credentials.id, ids[7] as string));
const [recipient] = await ctx.store
  .conn()
  .select()
  .from(recipients)
  .where(eq(recipients.id, held?.id as string));
if (!recipient) {
  throw new Error("no recipient");
}
await recordEvidence(ctx, recipient.email, recipient.name, 200);
const firstViews = process.env.FIRST === "1";
const get = async (path: string) => {
  if (firstViews) {
    ctx.state.personPages.clear();
  }
  const res = await app.fetch(new Request(`${origin}${path}`, { headers: { cookie } }));
  // read as bytes, as the console bench reads it: the server's work, not a client's decoding of 90 KB of UTF-8
  await res.arrayBuffer();
  if (res.status !== 200) {
    throw new Error(`${path}: ${res.status}`);
  }
};
const person = `/console/people/${recipient.id}`;
const trivial = "/.well-known/did.json";
/** CPU time (every thread of the process) per request of each block, in µs: steadier than rates on a shared machine. */
const cpu = { person: [] as number[], trivial: [] as number[] };
const run = async (path: string, n: number, into?: number[]) => {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    await get(path);
  }
  const used = process.cpuUsage(c0);
  into?.push((used.user + used.system) / n);
  return (n * 1000) / (performance.now() - t0);
};
await run(person, 300);
await run(trivial, 300);
const session = process.env.PROFILE === "0" ? null : new Session();
if (session) {
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
}
const rates = { person: [] as number[], trivial: [] as number[] };
for (let b = 0; b < 5; b++) {
  rates.person.push(await run(person, Math.ceil(count / 5), cpu.person));
  rates.trivial.push(await run(trivial, Math.ceil(count / 5), cpu.trivial));
}
if (session) {
  const { profile } = await session.post("Profiler.stop");
  writeFileSync(out, JSON.stringify(profile));
}
const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
console.log(
  `person page ${med(rates.person).toFixed(0)} req/s, trivial ${med(rates.trivial).toFixed(0)} req/s, ratio ${(
    med(rates.person) / med(rates.trivial)
  ).toFixed(
    3,
  )} (ratios per block: ${rates.person.map((p, i) => (p / (rates.trivial[i] as number)).toFixed(3)).join(" ")})`,
);
console.log(
  `CPU per request: person page ${med(cpu.person).toFixed(0)} µs, trivial ${med(cpu.trivial).toFixed(0)} µs, ratio ${(
    med(cpu.trivial) / med(cpu.person)
  ).toFixed(3)}`,
);
await close();
