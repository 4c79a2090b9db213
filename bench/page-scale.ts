import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { createApp } from "../src/app.js";
import { fmt, median, rate } from "./harness.js";
import {
  cpuNote,
  type HttpRoute,
  httpClient,
  httpLines,
  idleShare,
  measureRoutes,
  sampleRss,
  startHttpService,
  TRIVIAL_OVER_HTTP,
} from "./http-load.js";
import { openPrivatePagesCopy, randomPicker } from "./pages-database.js";

const BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

/**
 * Pages at scale (issue 16, target 4): on a database of `credentials` real credentials (bench/pages-database.ts), the
 * credential page of a random id per request (browser Accept: the HTML page, its status and validity checked live)
 * beside a trivial route of the same app (the DID document), in process (`app.fetch`), in alternating blocks; the
 * process's RSS sampled throughout (its peak) and at the end. It runs on a private copy of the shared database, whose
 * credentials (built before page projections existed) first get theirs from `npm run credentials -- fill-pages`, run
 * on the copy in its own process as an operator would (timed and printed; its memory is not this process's).
 */
export async function benchPageScale(options: {
  credentials: number;
  blocks: number;
  perBlock: number;
  http: { blocks: number; perBlock: number; inFlight: number };
}) {
  let fill = "";
  let fillSeconds = 0;
  const { ctx, ids, close, closeServices, dir, env } = await openPrivatePagesCopy(
    options.credentials,
    "page-scale",
    (env) => {
      const start = performance.now();
      fill = execFileSync(
        process.execPath,
        ["--disable-proto=delete", "--import", "tsx", "src/cli/credentials.ts", "fill-pages"],
        {
          env: { ...process.env, ...env },
          encoding: "utf8",
        },
      ).trim();
      fillSeconds = (performance.now() - start) / 1000;
    },
  );
  try {
    const app = createApp(ctx, { publicDir: "./" });
    const randomId = randomPicker(ids, 0x2545f491);
    const get = async (path: string, accept?: string) => {
      const res = await app.fetch(new Request(`${ctx.config.publicUrl}${path}`, { headers: accept ? { accept } : {} }));
      // read whole and searched as bytes: the server's work is measured, not the bench's decoding of the page
      const body = Buffer.from(await res.arrayBuffer());
      if (res.status !== 200 || (accept && !body.includes('data-verdict="valid"'))) {
        throw new Error(`${path}: ${res.status} ${body.subarray(0, 300).toString()}`);
      }
    };
    const variants: Record<string, () => Promise<unknown>> = {
      "credential page, random id": () => get(`/credentials/${randomId()}`, BROWSER),
      "trivial route (/.well-known/did.json)": () => get("/.well-known/did.json"),
    };
    let peakRss = process.memoryUsage.rss();
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }, 50);
    const rates: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
    for (const op of Object.values(variants)) {
      await rate(200, op); // warm-up: JIT, prepared statements
    }
    for (let b = 0; b < options.blocks; b++) {
      for (const [name, op] of Object.entries(variants)) {
        rates[name]?.push(await rate(options.perBlock, op));
      }
    }
    clearInterval(sampler);
    const endRss = process.memoryUsage.rss();
    const names = Object.keys(variants);
    const med = (name: string) => median(rates[name] ?? []);
    const trivial = med(names[1] as string);
    console.log(
      `\n== Pages at scale: ${fmt(options.credentials, 0)} stored credentials, random id per request, in process, median of ${options.blocks} alternating blocks ==`,
    );
    console.log(
      "  a private copy of the database in bench/.data/ (built there when missing; delete the folder to time its build)",
    );
    console.log(`  npm run credentials -- fill-pages on it, ${fmt(fillSeconds)} s: ${fill}`);
    for (const name of names) {
      console.log(
        `    ${name.padEnd(40)} ${fmt(med(name), 0).padStart(7)} req/s  (${fmt(med(name) / trivial, 2)}× trivial)   blocks: ${(rates[name] ?? []).map((x) => fmt(x, 0)).join(" ")}`,
      );
    }
    const perBlock = (rates[names[0] as string] ?? []).map((r, i) => r / (rates[names[1] as string]?.[i] ?? 1));
    console.log(`    page / trivial, median of per-block ratios: ${fmt(median(perBlock), 2)}×   (target ≥ 0.50×)`);
    console.log(
      `    RSS: peak ${fmt(peakRss / 2 ** 20, 0)} MB, at the end ${fmt(endRss / 2 ** 20, 0)} MB   (target < 512 MB)`,
    );

    await closeServices(); // only the server reads the copy from here on
    await pagesOverHttp(ids, dir, env, options.http);
  } finally {
    await close();
  }
}

/**
 * The same requests over loopback HTTP: the service in its own process on the same copy (src/main.ts), the credential
 * page of a random id (a picker of the same seed: the same sequence of ids) and the trivial route in alternating blocks
 * with `inFlight` in flight, each answer checked as in process; the server's RSS sampled throughout (/proc VmRSS: its
 * peak under this load, and at the end; VmHWM: its peak since it started).
 */
async function pagesOverHttp(
  ids: string[],
  dir: string,
  env: Record<string, string>,
  options: { blocks: number; perBlock: number; inFlight: number },
) {
  const service = await startHttpService(env, join(dir, "server.log"));
  const client = httpClient(service.port, options.inFlight);
  try {
    const randomId = randomPicker(ids, 0x2545f491);
    const routes: Record<string, HttpRoute> = {
      "credential page, random id": {
        path: () => `/credentials/${randomId()}`,
        headers: { accept: BROWSER },
        expect: 'data-verdict="valid"',
      },
      "trivial route (/.well-known/did.json)": { path: "/.well-known/did.json" },
    };
    const idle = await idleShare(service, 1000);
    const rss = sampleRss(service.pid);
    const figures = await measureRoutes(service, client, routes, { ...options, warmup: 200 });
    const memory = rss.stop();
    console.log(
      `\n== Pages at scale over HTTP: the same requests to the service in its own process (src/main.ts, loopback, keep-alive, ${options.inFlight} in flight), median of ${options.blocks} alternating blocks of ${options.perBlock} ==`,
    );
    console.log(
      `  as the server serves them: @hono/node-server, HTTP parsing, socket writes, a log line per request (to a file); ${cpuNote(Object.values(figures)[0]?.[0]?.clock)}; idle before: ${fmt(100 * idle, 0)} % of a core`,
    );
    console.log(TRIVIAL_OVER_HTTP);
    console.log(
      "  the credential page is answered ahead of the chain (its request id, log line and headers made by the chain's own middleware, without the router and the other middleware); target 4: page ≥ 0.50× the trivial route, met only when both sections meet it",
    );
    for (const line of httpLines(figures)) {
      console.log(line);
    }
    const mb = (bytes: number) => fmt(bytes / 2 ** 20, 0);
    console.log(
      `    server RSS under this load: peak ${mb(memory.peak)} MB, at the end ${mb(memory.end)} MB; its peak since it started (VmHWM) ${mb(memory.highWater)} MB   (target < 512 MB)`,
    );
  } finally {
    client.close();
    await service.stop();
  }
}
