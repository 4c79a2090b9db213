import { bakePng } from "../src/baking/png.js";
import { svgToPng } from "../src/baking/rasterize.js";
import { BADGE_PNG_SIZE, getBadgeSvg, getBakedBadge } from "../src/services/badge-images.js";
import { issueCredential } from "../src/services/issue-credential.js";
import { findCredentialDocument } from "../src/storage/credentials-repo.js";
import { benchContext, fmt, median, rate } from "./harness.js";

/**
 * Baking throughput: a baked PNG served the way the service does it (read the credential, add the
 * iTXt chunk to the cached base image) against re-rendering the badge with sharp for every download,
 * in alternating blocks; then memory while baking 10,000 PNGs.
 */
export async function benchBakeThroughput(options: {
  credentials: number;
  blocks: number;
  perBlock: number;
  memoryRuns: number;
}) {
  const { ctx, cleanup } = await benchContext();
  const achievementId = "gitlab-certified-cicd-specialist";
  const ids: string[] = [];
  for (let i = 0; i < options.credentials; i++) {
    const view = await issueCredential(ctx, {
      achievementId,
      recipient: { email: `baker${i}@example.org`, name: `Baker ${i}` },
      actor: "bench",
    });
    ids.push(view.id);
  }
  const svg = String(getBadgeSvg(ctx, achievementId).body);
  const cached = (i: number) => getBakedBadge(ctx, ids[i % ids.length] as string, { container: "png", form: "json" });
  const documents: string[] = [];
  for (const id of ids) {
    const stored = await findCredentialDocument(ctx.store.conn(), id);
    documents.push(JSON.stringify(stored ? { document: stored.document } : undefined));
  }
  const rerender = async (i: number) => {
    const png = await svgToPng(svg, { width: BADGE_PNG_SIZE, height: BADGE_PNG_SIZE });
    return bakePng(png, documents[i % documents.length] as string);
  };
  await rate(20, cached);
  await rate(5, rerender);
  const cachedRates: number[] = [];
  const rerenderRates: number[] = [];
  for (let b = 0; b < options.blocks; b++) {
    cachedRates.push(await rate(options.perBlock, cached));
    rerenderRates.push(await rate(Math.max(5, Math.floor(options.perBlock / 20)), rerender));
  }

  global.gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  let bytes = 0;
  const started = performance.now();
  for (let i = 0; i < options.memoryRuns; i++) {
    const file = await cached(i);
    bytes += (file.body as Buffer).length;
    if (i % 250 === 0) {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  await cleanup();

  const mb = (n: number) => `${fmt(n / 1024 / 1024)} MiB`;
  const c = median(cachedRates);
  const r = median(rerenderRates);
  console.log("\n== Baked PNG downloads: cached base image vs re-rendering with sharp each time ==");
  console.log(
    `  cached base + iTXt (service getBakedBadge):  ${fmt(c)} PNGs/s   blocks: ${cachedRates.map((x) => fmt(x, 0)).join(" ")}`,
  );
  console.log(
    `  sharp re-render + iTXt (baseline):           ${fmt(r)} PNGs/s   blocks: ${rerenderRates.map((x) => fmt(x, 0)).join(" ")}`,
  );
  console.log(`  cached / re-render = ${fmt(c / r)}×`);
  console.log(
    `  baking ${options.memoryRuns} PNGs (${mb(bytes)} produced, ${fmt(options.memoryRuns / seconds)} PNGs/s): ` +
      `RSS ${mb(before.rss)} → peak ${mb(peakRss)}, heap ${mb(before.heapUsed)} → peak ${mb(peakHeap)}`,
  );
}
