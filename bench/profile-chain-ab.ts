import "../src/harden-process.js";
import { cpSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { prepareConsoleBench, signInOverHttp } from "./console.js";
import { fmt, median } from "./harness.js";
import { type HttpRoute, httpClient, measureBlock, startHttpService } from "./http-load.js";
import { BENCH_DATA_DIR, randomPicker } from "./pages-database.js";

/**
 * The middleware chain's cost over HTTP on pages with data: two builds as servers (bench/profile-http-ab.ts's A/B:
 * this checkout A, another folder B with its own node_modules link), each on its own copy of the console bench's
 * private copy (bench/console.ts prepareConsoleBench: `count` credentials, a signed-in admin), signed in over HTTP,
 * in alternating blocks of each route with 8 in flight: the DID document, the console's credentials list (active),
 * a credential page as a browser asks for it and the same credential as JSON (random ids, the same sequence on both
 * servers). Prints the medians of the server's CPU per request (process and main thread) and of the per-block ratio
 * B/A:
 *   node --disable-proto=delete --import tsx bench/profile-chain-ab.ts <B's folder> [count] [blocks] [per block]
 * Every answer is checked for 200 and its marker.
 */
const other = process.argv[2];
if (!other) {
  throw new Error("usage: bench/profile-chain-ab.ts <other checkout's folder> [count] [blocks] [per block]");
}
const count = Number(process.argv[3] ?? 10_000);
const blocks = Number(process.argv[4] ?? 5);
const perBlock = Number(process.argv[5] ?? 1500);
const BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

const { pages, close, closeServices, dir, env } = await prepareConsoleBench(count);
await closeServices();
const ids = JSON.parse(readFileSync(join(BENCH_DATA_DIR, `pages-${count}`, "complete.json"), "utf8")).ids as string[];
const dirB = `${dir}-b`;
cpSync(dir, dirB, { recursive: true });
const envB = { ...env, LAUREL_DB_PATH: join(dirB, "laurel.db"), LAUREL_KEYS_DIR: join(dirB, "keys") };
const servers = [
  await startHttpService(env, join(dir, "a.log")),
  await startHttpService(envB, join(dirB, "b.log"), [], other),
];
const clients = servers.map((server) => httpClient(server.port, 8));
try {
  const routesOf: Array<Record<string, HttpRoute>> = [];
  for (const client of clients) {
    const cookie = await signInOverHttp(client, env);
    const list = pages["credentials: Associate, active"];
    const pageId = randomPicker(ids, 0x2545f491);
    const jsonId = randomPicker(ids, 0x2545f491);
    routesOf.push({
      "/.well-known/did.json": { path: "/.well-known/did.json", expect: "verificationMethod" },
      "console list (active)": { path: list?.path ?? "", headers: { cookie }, expect: list?.expect ?? "" },
      "credential page (HTML)": {
        path: () => `/credentials/${pageId()}`,
        headers: { accept: BROWSER },
        expect: "data-verdict=",
      },
      "credential (JSON)": {
        path: () => `/credentials/${jsonId()}`,
        headers: { accept: "application/json" },
        expect: '"credentialSubject"',
      },
    });
  }
  for (const name of Object.keys(routesOf[0] ?? {})) {
    const cpu: number[][] = [[], []];
    const main: number[][] = [[], []];
    const ratios: number[] = [];
    for (const [i, server] of servers.entries()) {
      await measureBlock(server, clients[i] as (typeof clients)[number], routesOf[i]?.[name] as HttpRoute, 300, 8);
    }
    for (let b = 0; b < blocks; b++) {
      for (const [i, server] of servers.entries()) {
        const route = routesOf[i]?.[name] as HttpRoute;
        const f = await measureBlock(server, clients[i] as (typeof clients)[number], route, perBlock, 8);
        cpu[i]?.push(f.cpuUs);
        main[i]?.push(f.mainUs);
      }
      ratios.push((cpu[1]?.at(-1) ?? Number.NaN) / (cpu[0]?.at(-1) ?? Number.NaN));
    }
    console.log(
      `${name}: server CPU per request A ${fmt(median(cpu[0] ?? []), 0)} µs, B ${fmt(median(cpu[1] ?? []), 0)} µs; main thread A ${fmt(median(main[0] ?? []), 0)}, B ${fmt(median(main[1] ?? []), 0)}; B/A ${fmt(median(ratios), 2)}× (median of ${blocks} per-block ratios)`,
    );
  }
} finally {
  for (const client of clients) {
    client.close();
  }
  for (const server of servers) {
    await server.stop();
  }
  await close();
  rmSync(dirB, { recursive: true, force: true });
}
