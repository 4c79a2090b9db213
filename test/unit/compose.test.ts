import { describe, expect, it } from "vitest";
import { composeServices } from "../../src/compose.js";
import { loadConfig } from "../../src/config.js";
import { generateIssuerKey } from "../../src/crypto/issuer-keys.js";
import { createLogger } from "../../src/logger.js";

const compose = async (env: Record<string, string> = {}) =>
  composeServices(loadConfig({ LAUREL_PUBLIC_URL: "https://badges.test", ...env }), {
    logger: createLogger({ level: "silent", write: () => {} }),
    database: "memory",
    keys: [await generateIssuerKey(1, new Date("2026-03-02T09:30:00Z"))],
    fetchRemote: null,
    signingThreads: 0,
  });

describe("the composition root", () => {
  it("sizes the service state's caches from the configuration", async () => {
    const { ctx, close } = await compose({ LAUREL_CACHE_CREDENTIALS: "7", LAUREL_CACHE_FILES: "3" });
    try {
      const { storedChecks, credentialPageTemplates, renderedFiles } = ctx.state;
      expect([storedChecks.analyses.max, credentialPageTemplates.max]).toEqual([7, 7]);
      expect(renderedFiles.max).toBe(3);
    } finally {
      await close();
    }
  });

  it("gives every context its own state, nothing shared through modules", async () => {
    const [a, b] = await Promise.all([compose(), compose()]);
    try {
      for (const key of Object.keys(a.ctx.state) as Array<keyof typeof a.ctx.state>) {
        expect(a.ctx.state[key], key).not.toBe(b.ctx.state[key]);
      }
      expect(a.ctx.store).not.toBe(b.ctx.store);
      expect(a.ctx.store.conn().statements).not.toBe(b.ctx.store.conn().statements);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
