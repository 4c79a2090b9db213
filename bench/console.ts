import { eq } from "drizzle-orm";
import { createApp } from "../src/app.js";
import type { ServiceContext } from "../src/services/deps.js";
import { submitEvidence } from "../src/services/submit-evidence.js";
import { createUser } from "../src/services/users.js";
import { markRevoked } from "../src/storage/credentials-repo.js";
import { fmt, median, rate } from "./harness.js";
import { openPrivatePagesCopy } from "./pages-database.js";

const PASSWORD = "a long enough bench password";
const ASSOCIATE = "gitlab-certified-associate";

/**
 * The console bench works on a private copy of the shared database (`openPrivatePagesCopy`): it adds an account, a
 * session, revocations and a person's evidence, and applies this build's migrations, none of which may touch the
 * database other benches share.
 */
export const privateCopy = (credentials: number) => openPrivatePagesCopy(credentials, "console");

/** `count` evidence records for one person, through the evidence service (awards included), a tenth of them corrections. */
export async function recordEvidence(ctx: ServiceContext, email: string, name: string, count: number): Promise<void> {
  const assessments = [...ctx.catalog.items.assessments.entries()];
  const now = ctx.clock().getTime();
  let recorded = 0;
  let previous: string | undefined;
  let previousAssessment: string | undefined;
  for (let i = 0; recorded < count && i < count * 5; i++) {
    const [assessment, item] = assessments[i % assessments.length] as (typeof assessments)[number];
    const graderRole = item.graderRoles?.[0] ?? null;
    const correction = recorded % 10 === 9 && previous !== undefined;
    try {
      const result = await submitEvidence(
        ctx,
        {
          kind: "assessment",
          externalId: `bench-console-${i}`,
          person: { email, name },
          occurredAt: new Date(now - (count * 5 - i) * 3_600_000).toISOString(),
          assessment: correction ? (previousAssessment as string) : assessment,
          ...(item.passMark === undefined ? { passed: i % 3 !== 0 } : { score: 40 + ((i * 7) % 60) }),
          ...(correction ? { supersedes: previous } : {}),
        } as never,
        { actor: "bench", graderRole, isAdmin: true },
      );
      recorded++;
      previous = result.evidence.id;
      previousAssessment = correction ? previousAssessment : assessment;
    } catch {
      // an item this submitter cannot record as is (a grader role it does not hold): the next one
    }
  }
  if (recorded < count) {
    throw new Error(`recorded ${recorded} of ${count} evidence records`);
  }
}
/**
 * The console bench's setup (also bench/profile-console.ts): the private copy, a signed-in admin, 1 % of the
 * Associate's credentials revoked, a person with 200 evidence records; the measured requests by name.
 */
export async function prepareConsoleBench(count: number): Promise<{
  variants: Record<string, () => Promise<unknown>>;
  close: () => Promise<void>;
  ctx: ServiceContext;
  cookie: string;
}> {
  const options = { credentials: count };
  const { ctx, ids, close } = await privateCopy(options.credentials);
  const app = createApp(ctx, { publicDir: "./" });
  const origin = ctx.config.publicUrl;
  await createUser(ctx, {
    email: "bench-admin@badges.bench",
    name: "Bench admin",
    grants: [{ role: "admin", program: null, graderRole: null }],
    password: { given: PASSWORD },
    actor: "bench",
  });
  const signIn = await app.fetch(
    new Request(`${origin}/console/sign-in`, {
      method: "POST",
      body: new URLSearchParams({ email: "bench-admin@badges.bench", password: PASSWORD }),
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin,
        "sec-fetch-site": "same-origin",
      },
    }),
  );
  const cookie = /laurel_session=[^;]+/.exec(signIn.headers.get("set-cookie") ?? "")?.[0];
  if (!cookie) {
    throw new Error(`sign-in failed: ${signIn.status}`);
  }
  // 1 % of the Associate's credentials revoked (the database is built without revocations)
  const { credentials } = ctx.store.conn().t;
  const associate = await ctx.store
    .conn()
    .select({ id: credentials.id })
    .from(credentials)
    .where(eq(credentials.achievementId, ASSOCIATE));
  await ctx.store.tx(async (tx) => {
    for (const [i, row] of associate.entries()) {
      if (i % 100 === 0) {
        await markRevoked(tx, row.id, { at: ctx.clock(), reason: "bench", reasonPublic: false });
      }
    }
  });
  // a person of the database with 200 evidence records
  const [person] = await ctx.store
    .conn()
    .select({ id: credentials.recipientId })
    .from(credentials)
    .where(eq(credentials.id, ids[7] as string));
  const { recipients } = ctx.store.conn().t;
  const [recipient] = await ctx.store
    .conn()
    .select()
    .from(recipients)
    .where(eq(recipients.id, person?.id as string));
  if (!recipient) {
    throw new Error("no recipient for the person page");
  }
  await recordEvidence(ctx, recipient.email, recipient.name, 200);

  // The page's bytes are read whole and searched as bytes: the server's work is measured, not the bench's decoding of
  // 90 KB of UTF-8 into a string (a client's cost, seven times slower for a page with a few non-ASCII characters).
  const get = async (path: string, expect: string) => {
    const res = await app.fetch(new Request(`${origin}${path}`, { headers: { cookie } }));
    const body = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200 || !body.includes(expect)) {
      throw new Error(`${path}: ${res.status} ${body.subarray(0, 300).toString()}`);
    }
  };
  const variants: Record<string, () => Promise<unknown>> = {
    "credentials: Associate, active": () =>
      get(`/console/credentials?achievementId=${ASSOCIATE}&state=active`, "Older credentials"),
    "credentials: Associate, revoked (1 %)": () =>
      get(`/console/credentials?achievementId=${ASSOCIATE}&state=revoked`, "Older credentials"),
    "people: name begins with 'reader 4'": () => get("/console/people?q=reader%204", "More matches"),
    "person page, 200 evidence records": () => get(`/console/people/${recipient.id}`, "Older evidence"),
    // the same page with nothing kept from an earlier view (a person not seen since their last change): worked out
    // and rendered from their rows; the line above is a repeat view (the kept page, after its mark was read)
    "… first view (nothing kept)": () => {
      ctx.state.personPages.clear();
      return get(`/console/people/${recipient.id}`, "Older evidence");
    },
    // the console's own fixed cost (session, layout), for reading the figures above: not the baseline
    "console overview (signed in, no data)": () => get("/console", "Welcome"),
    "trivial route (/.well-known/did.json)": () => get("/.well-known/did.json", "verificationMethod"),
  };
  return { variants, close, ctx, cookie };
}

/**
 * The console at scale (issue 14): on a private copy of the 100,000-credential database, in process (`app.fetch`),
 * signed in as an admin: the credentials list filtered by certification and state (active: dense; revoked: 1 % of
 * one certification's credentials, so the index is walked further), the people search by a name's beginning, and the
 * page of a person with 200 evidence records (progress on every certification, evidence, credentials, history); each
 * beside a trivial route of the same app (the DID document) in alternating blocks, medians.
 */
export async function benchConsole(options: { credentials: number; blocks: number; perBlock: number }) {
  const started = performance.now();
  const { variants, close } = await prepareConsoleBench(options.credentials);
  const preparedIn = (performance.now() - started) / 1000;
  const names = Object.keys(variants);
  const trivialName = names.at(-1) as string;
  const rates: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
  for (const op of Object.values(variants)) {
    await rate(50, op); // warm-up: JIT, prepared statements, page cache
  }
  for (let b = 0; b < options.blocks; b++) {
    for (const [name, op] of Object.entries(variants)) {
      rates[name]?.push(await rate(options.perBlock, op));
    }
  }
  const med = (name: string) => median(rates[name] ?? []);
  console.log(
    `\n== Console at scale: ${fmt(options.credentials, 0)} credentials and people, signed in as an admin, in process, median of ${options.blocks} alternating blocks of ${options.perBlock} ==`,
  );
  console.log(
    `  private copy of the shared database, account, revocations and 200 evidence records: ${fmt(preparedIn)} s`,
  );
  for (const name of names) {
    const perBlock = (rates[name] ?? []).map((r, i) => r / (rates[trivialName]?.[i] ?? 1));
    console.log(
      `    ${name.padEnd(40)} ${fmt(med(name), 0).padStart(7)} req/s  (${fmt(median(perBlock), 2)}× trivial, median of per-block ratios)   blocks: ${(rates[name] ?? []).map((x) => fmt(x, 0)).join(" ")}`,
    );
  }
  console.log("    target: each console page ≥ 0.25× the trivial route");
  await close();
}
