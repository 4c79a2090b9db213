import "../src/harden-process.js";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { httpClient, measureBlock, startHttpService } from "./http-load.js";
import { type CpuProfile, topSelfTime } from "./profiler.js";

/**
 * Profiles the service as it serves over HTTP (bench/http-load.ts: src/main.ts in its own process, here on a fresh
 * database and keys, with `--cpu-prof`) for one GET path, and prints the rate, the server's CPU per request, the top
 * functions by self time of its main thread, and the share of its busy samples under the frames named below (each
 * frame's whole subtree: what it and everything it called cost):
 *   node --disable-proto=delete --import tsx bench/profile-http.ts [path] [requests] [frames]
 * e.g. `/.well-known/did.json` (the benches' trivial route). `frames`: a regular expression over "function@file" (the
 * file's path from node_modules/ or src/) naming other frames to watch, e.g. the middleware chain's own pieces:
 * `^(secureHeaders|setHeaders|requestId|requestBodyLimits|publicDocumentCors|dispatch|buildOutgoingHttpHeaders|responseViaCache|writeHead|end|fetch)@|src/logger\.ts|src/http/request-log\.ts`.
 * The profile includes the server's start (module loading): read shares of the request path's frames against each
 * other.
 */
const path = process.argv[2] ?? "/.well-known/did.json";
const requests = Number(process.argv[3] ?? 10_000);
/**
 * Frames whose subtree's share is printed (unless `frames` names others): node-server's two ways of writing an answer
 * (from its lightweight Response, or from a real one, its body streamed), the making of a real Request or Response,
 * hono's body limit and `c.res =` (which wraps an answer in a new Response when one was made before), the logger.
 */
const WATCHED = process.argv[4]
  ? new RegExp(process.argv[4])
  : /^(responseViaResponseObject|responseViaCache|bodyLimit|set res|newRequestFromIncoming|_Response)@|src\/logger\.ts/;

type Node = CpuProfile["nodes"][number] & { children?: number[] };

const dir = mkdtempSync(join(tmpdir(), "laurel-profile-http-"));
try {
  const profiles = join(dir, "profiles");
  const env = {
    LAUREL_PUBLIC_URL: "https://badges.bench",
    LAUREL_DB_PATH: join(dir, "laurel.db"),
    LAUREL_KEYS_DIR: join(dir, "keys"),
  };
  const service = await startHttpService(env, join(dir, "server.log"), [
    "--cpu-prof",
    `--cpu-prof-dir=${profiles}`,
    "--cpu-prof-interval=100",
  ]);
  const client = httpClient(service.port, 8);
  try {
    await measureBlock(service, client, { path }, 2000, 8); // warm-up
    const figures = await measureBlock(service, client, { path }, requests, 8);
    console.log(
      `${path}: ${figures.rate.toFixed(0)} req/s, server CPU ${figures.cpuUs.toFixed(0)} µs/req (main thread ${figures.mainUs.toFixed(0)})`,
    );
  } finally {
    client.close();
    await service.stop(); // the profiles are written as it exits
  }
  // the main thread's profile: the one busiest (the others are tsx's loader thread and the signing pool's workers)
  const busyOf = (profile: CpuProfile) => {
    const idle = new Set(
      profile.nodes.filter((n) => /^\((idle|program)\)$/.test(n.callFrame.functionName)).map((n) => n.id),
    );
    return profile.samples.filter((id) => !idle.has(id)).length;
  };
  const [main] = readdirSync(profiles)
    .map((file) => JSON.parse(readFileSync(join(profiles, file), "utf8")) as CpuProfile)
    .sort((a, b) => busyOf(b) - busyOf(a));
  if (!main) {
    throw new Error("no profile written");
  }
  console.log(topSelfTime(main, 25).lines.join("\n"));
  const nodes = main.nodes as Node[];
  const hits = new Map<number, number>();
  for (const id of main.samples) {
    hits.set(id, (hits.get(id) ?? 0) + 1);
  }
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of nodes) {
    for (const child of node.children ?? []) {
      parent.set(child, node.id);
    }
  }
  const frame = (node: Node) =>
    `${node.callFrame.functionName}@${node.callFrame.url.replace(/.*node_modules\//, "").replace(/.*\/src\//, "src/")}`;
  const subtree = (id: number): number =>
    (hits.get(id) ?? 0) + ((byId.get(id) as Node).children ?? []).reduce((sum, child) => sum + subtree(child), 0);
  const busy = nodes
    .filter((n) => !/^\((idle|program)\)$/.test(n.callFrame.functionName))
    .reduce((sum, n) => sum + (hits.get(n.id) ?? 0), 0);
  const shares = new Map<string, number>();
  for (const node of nodes) {
    const name = frame(node);
    if (!WATCHED.test(name)) {
      continue;
    }
    // a frame inside itself (recursion, a nested call) is counted once, at its outermost call
    let nested = false;
    for (let at = parent.get(node.id); at !== undefined && !nested; at = parent.get(at)) {
      nested = frame(byId.get(at) as Node) === name;
    }
    if (!nested) {
      shares.set(name, (shares.get(name) ?? 0) + subtree(node.id));
    }
  }
  console.log(
    "\nsubtrees (the frame and all it called), share of the main thread's busy samples (one may hold another, e.g. a\n" +
      "Request made for the body limit; each way of writing an answer holds its socket writes):",
  );
  for (const [name, count] of [...shares].sort((a, b) => b[1] - a[1])) {
    console.log(`  ${((100 * count) / busy).toFixed(1).padStart(5)} %  ${name}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
