import "../src/harden-process.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fmt, median } from "./harness.js";
import { type HttpRoute, httpClient, measureBlock, startHttpService } from "./http-load.js";

/**
 * An A/B of two builds as servers (bench/http-load.ts): this checkout (A) and another (B: a folder with the project's
 * files and a node_modules, e.g. `git archive HEAD | tar -x -C /tmp/b`, a link to node_modules, B's change applied),
 * both started as production starts them on fresh databases of their own, in alternating blocks of one GET path with
 * 8 in flight; prints each block and the medians of the server's CPU per request (process and main thread) and of
 * the per-block ratio B/A:
 *   node --disable-proto=delete --import tsx bench/profile-http-ab.ts <B's folder> [path] [blocks] [per block]
 * Each answer is checked for 200 (and, on the DID document, its verificationMethod).
 */
const other = process.argv[2];
if (!other) {
  throw new Error("usage: bench/profile-http-ab.ts <other checkout's folder> [path] [blocks] [per block]");
}
const path = process.argv[3] ?? "/.well-known/did.json";
const blocks = Number(process.argv[4] ?? 7);
const perBlock = Number(process.argv[5] ?? 3000);
const route: HttpRoute = { path, ...(path === "/.well-known/did.json" ? { expect: "verificationMethod" } : {}) };

const dir = mkdtempSync(join(tmpdir(), "laurel-profile-http-ab-"));
const envOf = (name: string) => ({
  LAUREL_PUBLIC_URL: "https://badges.bench",
  LAUREL_DB_PATH: join(dir, `${name}.db`),
  LAUREL_KEYS_DIR: join(dir, `${name}-keys`),
});
const servers = [
  await startHttpService(envOf("a"), join(dir, "a.log")),
  await startHttpService(envOf("b"), join(dir, "b.log"), [], other),
];
const clients = servers.map((server) => httpClient(server.port, 8));
try {
  for (const [i, server] of servers.entries()) {
    await measureBlock(server, clients[i] as (typeof clients)[number], route, 2000, 8); // warm-up
  }
  const cpu: number[][] = [[], []];
  const main: number[][] = [[], []];
  const ratios: number[] = [];
  for (let b = 0; b < blocks; b++) {
    const line: string[] = [];
    for (const [i, server] of servers.entries()) {
      const f = await measureBlock(server, clients[i] as (typeof clients)[number], route, perBlock, 8);
      cpu[i]?.push(f.cpuUs);
      main[i]?.push(f.mainUs);
      line.push(`${"AB"[i]} ${fmt(f.rate, 0)}/s ${fmt(f.cpuUs, 0)} µs (main ${fmt(f.mainUs, 0)})`);
    }
    ratios.push((cpu[1]?.at(-1) ?? Number.NaN) / (cpu[0]?.at(-1) ?? Number.NaN));
    console.log(`  ${line.join("   ")}`);
  }
  console.log(
    `${path}: server CPU per request A ${fmt(median(cpu[0] ?? []), 0)} µs, B ${fmt(median(cpu[1] ?? []), 0)} µs; main thread A ${fmt(median(main[0] ?? []), 0)}, B ${fmt(median(main[1] ?? []), 0)}; B/A ${fmt(median(ratios), 2)}× (median of per-block ratios)`,
  );
} finally {
  for (const client of clients) {
    client.close();
  }
  for (const server of servers) {
    await server.stop();
  }
  rmSync(dir, { recursive: true, force: true });
}
