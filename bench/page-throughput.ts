import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createApp } from "../src/app.js";
import { issueCredential } from "../src/services/issue-credential.js";
import { benchContext, fmt, median, rate } from "./harness.js";

const BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

type Variant = { name: string; path: string; accept?: string };

/**
 * Credential page throughput: GET /credentials/{id} as a browser asks for it (HTML page: the stored credential's
 * proof check is cached, its validity window and revocation status are checked live on every request, plus the
 * lifecycle history, the QR code and the render) beside a trivial route of the same app (the DID document, a
 * constant JSON) and the credential's JSON, in alternating blocks. Measured in process (`app.fetch`, the handler
 * cost alone) and over loopback HTTP (@hono/node-server, what a client sees), sequentially and with 8 in flight.
 */
export async function benchPageThroughput(options: { credentials: number; blocks: number; perBlock: number }) {
  const { ctx, cleanup } = await benchContext();
  const app = createApp(ctx, { publicDir: "./" });
  const ids: string[] = [];
  for (let i = 0; i < options.credentials; i++) {
    const view = await issueCredential(ctx, {
      achievementId: "gitlab-certified-cicd-specialist",
      recipient: { email: `reader${i}@example.org`, name: `Reader ${i}` },
      actor: "bench",
    });
    ids.push(view.id);
  }
  const variants: Variant[] = [
    { name: "credential page (HTML, live status)", path: "/credentials/{id}", accept: BROWSER },
    { name: "credential JSON (same URL)", path: "/credentials/{id}" },
    { name: "trivial route (/.well-known/did.json)", path: "/.well-known/did.json" },
  ];
  const pathFor = (v: Variant, i: number) => v.path.replace("{id}", ids[i % ids.length] as string);
  const check = async (res: Response, v: Variant) => {
    const body = await res.text();
    if (res.status !== 200 || (v.accept && !body.includes('data-verdict="valid"'))) {
      throw new Error(`${v.name}: ${res.status} ${body.slice(0, 200)}`);
    }
  };

  const inProcess = (v: Variant) => async (i: number) =>
    check(await app.fetch(new Request(`${ctx.config.publicUrl}${pathFor(v, i)}`, { headers: headersOf(v) })), v);

  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
  await once(server, "listening");
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const overHttp = (v: Variant) => async (i: number) =>
    check(await fetch(`${origin}${pathFor(v, i)}`, { headers: headersOf(v) }), v);

  const modes = [
    { mode: "in process (app.fetch)", op: inProcess, concurrency: 1 },
    { mode: "loopback HTTP, sequential", op: overHttp, concurrency: 1 },
    { mode: "loopback HTTP, 8 in flight", op: overHttp, concurrency: 8 },
  ];
  console.log(
    `\n== Credential page throughput (${options.credentials} stored credentials, ${options.blocks} alternating blocks) ==`,
  );
  for (const { mode, op, concurrency } of modes) {
    const rates = new Map<string, number[]>(variants.map((v) => [v.name, []]));
    for (const v of variants) {
      await rate(50, op(v), concurrency); // warm-up: caches, JIT
    }
    for (let b = 0; b < options.blocks; b++) {
      for (const v of variants) {
        rates.get(v.name)?.push(await rate(options.perBlock, op(v), concurrency));
      }
    }
    const medianOf = (name: string) => median(rates.get(name) ?? []);
    const trivial = medianOf(variants[2]?.name ?? "");
    console.log(`  ${mode}:`);
    for (const v of variants) {
      const m = medianOf(v.name);
      console.log(
        `    ${v.name.padEnd(40)} ${fmt(m, 0).padStart(7)} req/s  (${fmt(m / trivial, 2)}× trivial)   blocks: ${(rates.get(v.name) ?? []).map((x) => fmt(x, 0)).join(" ")}`,
      );
    }
  }
  server.close();
  await cleanup();
}

function headersOf(v: Variant): Record<string, string> {
  return v.accept ? { accept: v.accept } : {};
}
