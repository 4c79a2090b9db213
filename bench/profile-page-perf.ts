import "../src/harden-process.js";
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp } from "../src/app.js";
import { openKeptServices, randomPicker } from "./pages-database.js";

/**
 * Where a credential page view's CPU goes, sampled by Linux `perf` rather than the inspector: the inspector's profiler
 * interrupts the thread it samples, and its figures for small, hot functions (a zod parse, a router search) are several
 * times what they cost without it, while perf samples from outside the process at a fixed rate and sees native code
 * (SQLite, malloc, the kernel's reads) as well as JIT-compiled JavaScript (`--perf-basic-prof`). Views of random ids,
 * on a private copy kept by bench/profile-page.ts (KEEP=<dir>, projections filled), through `app.fetch`, as
 * bench/page-scale.ts makes them; TRIVIAL=1 samples the trivial route instead:
 *   KEEP=<dir> node --disable-proto=delete --import tsx bench/profile-page-perf.ts [seconds] [lines]
 * It prints the frames with the most samples beneath them (inclusive) and the most samples of their own (self), as
 * shares of every sample of the process. Needs `perf` (linux-tools) and the permission to attach to a child process.
 * A few frames can carry the name of code that was freed before the window (V8 reuses the address; perf names a
 * sample by the first code written down there): a module loader or a parser of the start-up among the views' frames is
 * one of those; the page's own functions, SQLite's, undici's and hono's are named right.
 */
const VIEWS_FLAG = "--views";
const BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

if (process.argv[2] === VIEWS_FLAG) {
  await makeViews(Number(process.argv[3]));
} else {
  await sampleViews(Number(process.argv[2] ?? 8), Number(process.argv[3] ?? 40));
}

/** The child: warms up, says READY with its pid, and makes views until `seconds` have passed. */
async function makeViews(seconds: number): Promise<void> {
  const { ctx, ids, close } = await openKeptServices();
  const app = createApp(ctx, { publicDir: "./" });
  const randomId = randomPicker(ids, 0x9e3779b9);
  const view =
    process.env.TRIVIAL === "1"
      ? async () => {
          const res = await app.fetch(new Request(`${ctx.config.publicUrl}/.well-known/did.json`));
          await res.arrayBuffer();
        }
      : async () => {
          const res = await app.fetch(
            new Request(`${ctx.config.publicUrl}/credentials/${randomId()}`, { headers: { accept: BROWSER } }),
          );
          const body = Buffer.from(await res.arrayBuffer());
          if (res.status !== 200 || !body.includes('data-verdict="valid"')) {
            throw new Error(`${res.status}: not a valid credential's page`);
          }
        };
  for (let i = 0; i < 3000; i++) {
    await view();
  }
  console.log(`READY ${process.pid}`);
  const start = performance.now();
  let views = 0;
  while (performance.now() - start < seconds * 1000) {
    await view();
    views += 1;
  }
  console.log(`VIEWS ${views} in ${seconds} s`);
  await close();
}

/** The parent: starts the child, records it with perf once it is warm, and prints the frames' shares. */
async function sampleViews(seconds: number, lines: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "page-perf-"));
  const child = spawn(
    process.execPath,
    [
      "--perf-basic-prof",
      // (code kept where it was compiled: perf names a sample by the address its code had when it was written down)
      "--no-compact-code-space",
      "--disable-proto=delete",
      "--import",
      "tsx",
      import.meta.filename,
      VIEWS_FLAG,
      String(seconds + 2),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  let output = "";
  const ready = new Promise<number>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const pid = /READY (\d+)/.exec(output)?.[1];
      if (pid) {
        resolve(Number(pid));
      }
    });
    child.on("exit", (code) => reject(new Error(`the views' process ended (${code}) before it was ready`)));
  });
  const pid = await ready;
  const data = join(dir, "perf.data");
  try {
    execFileSync(
      "perf",
      ["record", "-F", "1999", "-g", "-p", String(pid), "-o", data, "--", "sleep", String(seconds)],
      {
        stdio: ["ignore", "ignore", "inherit"],
      },
    );
    await new Promise((resolve) => child.on("exit", resolve));
    console.log(output.trim().split("\n").at(-1));
    const script = execFileSync("perf", ["script", "-i", data], { maxBuffer: 1 << 30, encoding: "utf8" });
    report(script, lines);
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
    rmSync(`/tmp/perf-${pid}.map`, { force: true });
  }
}

/** A perf frame's name without its address, offset and module (JS frames keep their file and position). */
function frameName(line: string): string {
  return line
    .trim()
    .replace(/^[0-9a-f]+ /, "")
    .replace(/\+0x[0-9a-f]+/, "")
    .replace(/ \([^)]*\)$/, "")
    .replace(/file:\/\/.*?\/(src|bench|node_modules)\//, "$1/");
}

function report(script: string, lines: number): void {
  const inclusive = new Map<string, number>();
  const self = new Map<string, number>();
  let samples = 0;
  for (const block of script.split("\n\n")) {
    const frames = block.split("\n").slice(1).filter(Boolean).map(frameName);
    if (frames.length === 0) {
      continue;
    }
    samples += 1;
    self.set(frames[0] as string, (self.get(frames[0] as string) ?? 0) + 1);
    for (const frame of new Set(frames)) {
      inclusive.set(frame, (inclusive.get(frame) ?? 0) + 1);
    }
  }
  // (frames under nearly every sample, the event loop's and the microtask queue's, say nothing: left out)
  const top = (counts: Map<string, number>) =>
    [...counts]
      .filter(([, n]) => n < samples * 0.85)
      .sort((a, b) => b[1] - a[1])
      .slice(0, lines)
      .map(([frame, n]) => `  ${((100 * n) / samples).toFixed(2).padStart(6)} %  ${frame}`)
      .join("\n");
  console.log(`${samples} samples\n\nInclusive (samples beneath the frame):\n${top(inclusive)}`);
  console.log(`\nSelf:\n${top(self)}`);
}
