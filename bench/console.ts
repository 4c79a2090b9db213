import { join } from "node:path";
import { eq } from "drizzle-orm";
import { createApp } from "../src/app.js";
import type { ServiceContext } from "../src/services/deps.js";
import { submitEvidence } from "../src/services/submit-evidence.js";
import { createUser } from "../src/services/users.js";
import { markRevoked } from "../src/storage/credentials-repo.js";
import { fmt, median, rate } from "./harness.js";
import {
  cpuNote,
  type HttpClient,
  type HttpRoute,
  httpClient,
  httpLines,
  idleShare,
  measureRoutes,
  startHttpService,
  TRIVIAL_OVER_HTTP,
} from "./http-load.js";
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
  /** The measured GET requests by name (the first view excepted), as `variants` sends them: path and expected bytes. */
  pages: Record<string, { path: string; expect: string }>;
  close: () => Promise<void>;
  /** This process's services closed, the copy kept (for a server process to open); `close` still deletes it. */
  closeServices: () => Promise<void>;
  /** The copy's folder and the environment that names its database and keys. */
  dir: string;
  env: Record<string, string>;
  ctx: ServiceContext;
  cookie: string;
}> {
  const options = { credentials: count };
  const { ctx, ids, close, closeServices, dir, env } = await privateCopy(options.credentials);
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
  const pages = {
    "credentials: Associate, active": {
      path: `/console/credentials?achievementId=${ASSOCIATE}&state=active`,
      expect: "Older credentials",
    },
    "credentials: Associate, revoked (1 %)": {
      path: `/console/credentials?achievementId=${ASSOCIATE}&state=revoked`,
      expect: "Older credentials",
    },
    "people: name begins with 'reader 4'": { path: "/console/people?q=reader%204", expect: "More matches" },
    "person page, 200 evidence records": { path: `/console/people/${recipient.id}`, expect: "Older evidence" },
    // the console's own fixed cost (session, layout), for reading the figures above: not the baseline
    "console overview (signed in, no data)": { path: "/console", expect: "Welcome" },
    "trivial route (/.well-known/did.json)": { path: "/.well-known/did.json", expect: "verificationMethod" },
  };
  const send = (page: { path: string; expect: string }) => () => get(page.path, page.expect);
  const variants: Record<string, () => Promise<unknown>> = {
    "credentials: Associate, active": send(pages["credentials: Associate, active"]),
    "credentials: Associate, revoked (1 %)": send(pages["credentials: Associate, revoked (1 %)"]),
    "people: name begins with 'reader 4'": send(pages["people: name begins with 'reader 4'"]),
    "person page, 200 evidence records": send(pages["person page, 200 evidence records"]),
    // the same page with nothing kept from an earlier view (a person not seen since their last change): worked out
    // and rendered from their rows; the line above is a repeat view (the kept page, after its mark was read)
    "… first view (nothing kept)": () => {
      ctx.state.personPages.clear();
      return send(pages["person page, 200 evidence records"])();
    },
    "console overview (signed in, no data)": send(pages["console overview (signed in, no data)"]),
    "trivial route (/.well-known/did.json)": send(pages["trivial route (/.well-known/did.json)"]),
  };
  return { variants, pages, close, closeServices, dir, env, ctx, cookie };
}

/**
 * The bench's admin signed in over HTTP, as a browser from the console's origin signs in (POST /console/sign-in): the
 * session's cookie (name=value), for the requests that follow.
 */
export async function signInOverHttp(client: HttpClient, env: Record<string, string>): Promise<string> {
  const origin = new URL(env.LAUREL_PUBLIC_URL ?? "").origin;
  const signIn = await client.post(
    "/console/sign-in",
    { "content-type": "application/x-www-form-urlencoded", origin, "sec-fetch-site": "same-origin" },
    new URLSearchParams({ email: "bench-admin@badges.bench", password: PASSWORD }).toString(),
  );
  const cookie = /laurel_session=[^;]+/.exec([signIn.headers["set-cookie"] ?? []].flat().join("\n"))?.[0];
  if (!cookie) {
    throw new Error(`sign-in over HTTP failed: ${signIn.status}`);
  }
  return cookie;
}

/**
 * The console at scale (issue 14): on a private copy of the 100,000-credential database, signed in as an admin: the
 * credentials list filtered by certification and state (active: dense; revoked: 1 % of one certification's
 * credentials, so the index is walked further), the people search by a name's beginning, and the page of a person with
 * 200 evidence records (progress on every certification, evidence, credentials, history); each beside a trivial route
 * (the DID document) in alternating blocks, medians. Two sections: in process (`app.fetch` with undici's
 * Request/Response, the body read whole), then the same requests over loopback HTTP to the service started as
 * production starts it (bench/http-load.ts), on the same copy, signed in over HTTP.
 */
export async function benchConsole(options: {
  credentials: number;
  blocks: number;
  perBlock: number;
  http: { blocks: number; perBlock: number; inFlight: number };
}) {
  const started = performance.now();
  const { variants, pages, close, closeServices, dir, env } = await prepareConsoleBench(options.credentials);
  try {
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
    console.log(
      "  in process: app.fetch with undici's Request/Response, one request at a time, the body read whole (no HTTP parsing, no socket)",
    );
    for (const name of names) {
      const perBlock = (rates[name] ?? []).map((r, i) => r / (rates[trivialName]?.[i] ?? 1));
      console.log(
        `    ${name.padEnd(40)} ${fmt(med(name), 0).padStart(7)} req/s  (${fmt(median(perBlock), 2)}× trivial, median of per-block ratios)   blocks: ${(rates[name] ?? []).map((x) => fmt(x, 0)).join(" ")}`,
      );
    }
    console.log("    target: each console page ≥ 0.25× the trivial route");

    await closeServices(); // only the server writes to the copy from here on
    await consoleOverHttp(pages, dir, env, options.http);
  } finally {
    await close();
  }
}

/**
 * The console's pages over loopback HTTP: the service in its own process on the bench's copy (src/main.ts), signed in
 * over HTTP (POST /console/sign-in, as a browser from the console's origin), the same requests as the in-process
 * section in alternating blocks with `inFlight` in flight, each answer checked for the same bytes. Not the first view
 * of the person page: nothing outside the server can clear its memory of kept pages, so that line stays in process.
 */
async function consoleOverHttp(
  pages: Record<string, { path: string; expect: string }>,
  dir: string,
  env: Record<string, string>,
  options: { blocks: number; perBlock: number; inFlight: number },
) {
  const service = await startHttpService(env, join(dir, "server.log"));
  const client = httpClient(service.port, options.inFlight);
  try {
    const cookie = await signInOverHttp(client, env);
    const routes: Record<string, HttpRoute> = Object.fromEntries(
      Object.entries(pages).map(([name, page]) => [
        name,
        { path: page.path, headers: { cookie }, expect: page.expect },
      ]),
    );
    const idle = await idleShare(service, 1000);
    const figures = await measureRoutes(service, client, routes, { ...options, warmup: 200 });
    console.log(
      `\n== Console at scale over HTTP: the same requests to the service in its own process (src/main.ts, loopback, keep-alive, ${options.inFlight} in flight), median of ${options.blocks} alternating blocks of ${options.perBlock} ==`,
    );
    console.log(
      `  as the server serves them: @hono/node-server, HTTP parsing, socket writes, a log line per request (to a file); ${cpuNote(Object.values(figures)[0]?.[0]?.clock)}; idle before: ${fmt(100 * idle, 0)} % of a core`,
    );
    console.log(
      "  the first view of the person page is measured in process only (the server's memory cannot be cleared from outside)",
    );
    console.log(TRIVIAL_OVER_HTTP);
    console.log(
      "  the console's pages go through the same chain (no CORS) and the console's session middleware; target: each page ≥ 0.25× the trivial route, met only when both sections meet it",
    );
    for (const line of httpLines(figures)) {
      console.log(line);
    }
  } finally {
    client.close();
    await service.stop();
  }
}
