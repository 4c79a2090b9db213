import "../src/harden-process.js";
import { createHash } from "node:crypto";
import { createApp } from "../src/app.js";
import { CredentialsPage, credentialsPageBytes } from "../src/http/pages/console/credentials-page.js";
import type { ConsoleChrome } from "../src/http/pages/console/layout.js";
import { PeoplePage, peoplePageBytes } from "../src/http/pages/console/people-page.js";
import { siteOf } from "../src/http/pages/site.js";
import { renderPage } from "../src/http/send-page.js";
import { searchPeople } from "../src/services/people.js";
import { listCredentialSummaryPage } from "../src/services/read-credentials.js";
import { resumeSession } from "../src/services/sessions.js";
import { listCredentialSummaries } from "../src/storage/credentials-repo.js";
import { recipientsByName } from "../src/storage/people-repo.js";
import { findLiveSessionWithUser } from "../src/storage/sessions-repo.js";
import { prepareConsoleBench } from "./console.js";

/**
 * CPU per console list view by stage (bench/console.ts's list and people search), each stage in the same process, in
 * alternating blocks (a busy machine weighs on every stage alike):
 *   node --disable-proto=delete --import tsx bench/profile-console-stages.ts [views] [stage-substring…]
 * Whole requests through app.fetch (trivial, overview, list, people), and the list's and the search's service, query
 * and page rendering called alone. A stage called alone costs less than its share of a request (the rest of the
 * request runs between two of its calls): compare request − overview with the sum.
 */
const views = Number(process.argv[2] ?? 4000);
const only = process.argv.slice(3);
const { ctx, cookie, close } = await prepareConsoleBench(100_000);
const app = createApp(ctx, { publicDir: "./" });
const origin = ctx.config.publicUrl;
const ASSOCIATE = "gitlab-certified-associate";
const get = async (path: string) =>
  (await app.fetch(new Request(`${origin}${path}`, { headers: { cookie } }))).arrayBuffer();
const chrome: ConsoleChrome = {
  site: siteOf(ctx),
  user: { name: "Bench admin", email: "bench-admin@badges.bench" },
  sections: ["home", "password", "catalog", "credentials", "people", "evidence", "approvals", "events", "users"],
  csrf: "x".repeat(43),
};
const listQuery = {
  programs: "all" as const,
  achievementId: ASSOCIATE,
  state: "active" as const,
  limit: 50,
};
const listed = await listCredentialSummaryPage(ctx, listQuery);
const found = await searchPeople(ctx, { query: "reader 4", scope: { credentials: "all", evidence: "all" }, limit: 50 });
const certifications = ctx.catalog.entries.map((e) => ({ id: e.id, name: e.name }));
const held = ctx.store.conn().statements.get("credentials_summaries:a::active::51") as unknown as {
  stmt: { raw(): { all(...p: unknown[]): unknown[] } };
  query: { sql: string; params: unknown[] };
};
const rawStatement = held.stmt;
const secret = cookie.slice(cookie.indexOf("=") + 1);
const secretHash = createHash("sha256").update(secret).digest("hex");
const listView = {
  chrome,
  filters: { achievementId: ASSOCIATE, state: "active" },
  certifications,
  rows: listed.items,
  olderHref: "/console/credentials?cursor=x",
  paged: false,
  canIssue: true,
  errors: {},
};
/** The list's page for the rows read beforehand, as one string. */
function listPage() {
  return renderPage(CredentialsPage(listView));
}
const peopleView = {
  chrome,
  query: "reader 4",
  rows: found.items,
  nextHref: "/console/people?q=x",
  paged: false,
  errors: {},
};
const stages: Record<string, () => Promise<unknown>> = {
  trivial: () => get("/.well-known/did.json"),
  overview: () => get("/console"),
  list: () => get(`/console/credentials?achievementId=${ASSOCIATE}&state=active`),

  people: () => get("/console/people?q=reader%204"),
  "list, no match": () => get(`/console/credentials?achievementId=${ASSOCIATE}&state=suspended`),
  "people, no match": () => get("/console/people?q=zzzz"),
  "session: resume": () => resumeSession(ctx, secret),
  "session: statement": () => findLiveSessionWithUser(ctx.store.conn(), secretHash, ctx.clock()),
  "list: service": () => listCredentialSummaryPage(ctx, listQuery),
  "list: statement": () =>
    listCredentialSummaries(ctx.store.conn(), {
      achievementId: ASSOCIATE,
      state: "active",
      now: ctx.clock(),
      limit: 51,
    }),
  "list: raw statement": async () => rawStatement.raw().all(ASSOCIATE, Date.now()),
  "list: page": async () => listPage(),
  "list: page bytes": async () => Buffer.from(listPage()),
  "list: page bytes by parts (its route's)": async () => credentialsPageBytes(listView),
  "people: service": () =>
    searchPeople(ctx, { query: "reader 4", scope: { credentials: "all", evidence: "all" }, limit: 50 }),
  "people: service, no match": () =>
    searchPeople(ctx, { query: "zzzz", scope: { credentials: "all", evidence: "all" }, limit: 50 }),
  "people: by name": () => recipientsByName(ctx.store.conn(), { prefix: "reader 4", limit: 51 }),
  "people: page": async () => renderPage(PeoplePage(peopleView)),
  "people: page bytes": async () => Buffer.from(renderPage(PeoplePage(peopleView))),
  "people: page bytes by parts (its route's)": async () => peoplePageBytes(peopleView),
};
for (const path of [
  "/console",
  `/console/credentials?achievementId=${ASSOCIATE}&state=active`,
  "/console/people?q=reader%204",
  "/.well-known/did.json",
]) {
  console.log(path, (await get(path)).byteLength, "bytes");
}
const chosen = Object.entries(stages).filter(([name]) => only.length === 0 || only.some((o) => name.includes(o)));
for (const [, stage] of chosen) {
  for (let i = 0; i < 300; i++) {
    await stage();
  }
}
const blocks = 8;
const cpu: Record<string, number> = {};
const wall: Record<string, number> = {};
for (let block = 0; block < blocks; block++) {
  for (const [name, stage] of chosen) {
    const start = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < views / blocks; i++) {
      await stage();
    }
    wall[name] = (wall[name] ?? 0) + (performance.now() - t0) * 1000;
    const used = process.cpuUsage(start);
    cpu[name] = (cpu[name] ?? 0) + used.user + used.system;
  }
}
for (const [name] of chosen) {
  console.log(
    `${name.padEnd(42)} ${((cpu[name] ?? 0) / views).toFixed(1).padStart(7)} µs CPU per call, ${((wall[name] ?? 0) / views).toFixed(1).padStart(7)} µs wall`,
  );
}
await close();
