import { SaxesParser } from "saxes";
import { BakingError } from "../src/baking/baking-error.js";
import { extractFromSvg } from "../src/baking/svg.js";
import { fmt, median } from "./harness.js";

/**
 * Reading a hostile SVG at the size cap: nested groups around a flat run of empty elements. The service's reader is
 * timed on the document 250 deep and on the same one 62 deep, in alternating blocks: work that is constant per element
 * costs the same on both, work that walks the ancestors of each element (saxes's own namespace mode, the reader the
 * service replaced, the baseline here) about 4× more on the deep one.
 */
export async function benchSvgScaling(options: { blocks: number; elements: number }) {
  const document = (depth: number) =>
    `<svg xmlns="http://www.w3.org/2000/svg">${"<g>".repeat(depth)}${"<g/>".repeat(options.elements)}${"</g>".repeat(depth)}</svg>`;
  const depth = 250;
  const big = document(depth);
  const small = document(depth / 4 - 0.5);
  const service = (svg: string) => {
    try {
      extractFromSvg(svg);
    } catch (error) {
      if (!(error instanceof BakingError && error.code === "NO_CREDENTIAL")) {
        throw error;
      }
    }
  };
  const stock = (svg: string) => new SaxesParser({ xmlns: true }).write(svg).close();
  const msOf = (read: (svg: string) => void, svg: string) => {
    const started = performance.now();
    read(svg);
    return performance.now() - started;
  };
  service(small);
  stock(small);
  const ratios = { service: [] as number[], stock: [] as number[] };
  const bigMs = { service: [] as number[], stock: [] as number[] };
  for (let b = 0; b < options.blocks; b++) {
    for (const [name, read] of [
      ["service", service],
      ["stock", stock],
    ] as const) {
      const smallMs = msOf(read, small);
      const largeMs = msOf(read, big);
      ratios[name].push(largeMs / smallMs);
      bigMs[name].push(largeMs);
    }
  }
  console.log(
    `\n== Reading a deep, wide SVG at the size cap (${(big.length / 1024 / 1024).toFixed(1)} MiB, depth ${depth}) ==`,
  );
  for (const name of ["service", "stock"] as const) {
    const label = name === "service" ? "service reader (extractFromSvg)     " : "saxes xmlns mode (baseline)         ";
    console.log(
      `  ${label} ${fmt(median(bigMs[name]), 0)} ms; 4× the depth costs ${fmt(median(ratios[name]))}× ` +
        `(blocks: ${ratios[name].map((r) => fmt(r)).join(" ")})`,
    );
  }
  console.log(
    `  growth for 4× the depth: service ${fmt(median(ratios.service))}× (constant per element ≈ 1), baseline ${fmt(median(ratios.stock))}×; ` +
      `baseline / service time at the cap = ${fmt(median(bigMs.stock) / median(bigMs.service))}×`,
  );
}
