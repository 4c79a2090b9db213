import { once } from "node:events";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { type BrowserContext, chromium } from "playwright-core";
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
