import { once } from "node:events";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";

/** Debian's chromium package (installed by .ci/run when missing). */
export const CHROMIUM = "/usr/bin/chromium";

/**
 * Browser tests run whenever Chromium is there, and always in CI: with `CI` set a missing browser fails the
 * run instead of skipping it. Locally, without Chromium, they are skipped with a loud message.
 */
export function browserTestsEnabled(): boolean {
  if (existsSync(CHROMIUM)) {
    return true;
  }
  if (process.env.CI) {
    throw new Error(`CI is set but ${CHROMIUM} is missing: .ci/run installs the Debian chromium package`);
  }
  console.warn(
    `\n*** SKIPPING BROWSER TESTS: ${CHROMIUM} not found. Install Debian's chromium package to run them. ***\n`,
  );
  return false;
}

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Headless Chromium with a fresh profile directory, removed on close. */
export async function launchChromium(
  options: { javaScriptEnabled?: boolean } = {},
): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), "laurel-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 },
    // Pages must not need anything else: blocking service workers keeps runs hermetic.
    serviceWorkers: "block",
    javaScriptEnabled: options.javaScriptEnabled ?? true,
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * The real app on 127.0.0.1 (port 0), with its public URL set to the address it listens on, so that
 * absolute URLs in pages (canonical, QR code, LinkedIn certUrl) point back at this server.
 */
export async function serveTestApp(env: Record<string, string> = {}) {
  let app: TestApp["app"] | undefined;
  const server = serve({
    fetch: (request) => (app ? app.fetch(request) : new Response("starting", { status: 503 })),
    port: 0,
    hostname: "127.0.0.1",
  });
  await once(server, "listening");
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const t = await makeTestApp({ env: { LAUREL_PUBLIC_URL: origin, ...env } });
  app = t.app;
  return {
    t,
    origin,
    close: async () => {
      server.close();
      await t.close();
    },
  };
}

export const OUTPUT_DIR = "test/output";

export function outputPath(name: string): string {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  return join(OUTPUT_DIR, name);
}

/** Collects every Content Security Policy complaint the page logs into `into` (a test expects it empty). */
export function collectCspErrors(page: Page, into: string[]): void {
  page.on("console", (message) => {
    if (/Content Security Policy/i.test(message.text())) {
      into.push(message.text());
    }
  });
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");
// The callback given to evaluate() runs inside Chromium (this project compiles without the DOM library), where
// axe-core, injected as a script, is a global.
declare const document: unknown;
type AxeViolation = { id: string; impact: string; nodes: { target: string[] }[] };
declare const axe: { run: (context: unknown, options: object) => Promise<{ violations: AxeViolation[] }> };

/** axe-core's serious and critical violations on the page as it is, one line each (`id (impact): targets`). */
export async function graveAxeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations: AxeViolation[] = await page.evaluate(
    async () => (await axe.run(document, { resultTypes: ["violations"] })).violations,
  );
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}
