import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServerOnFreePort } from "../helpers/server-process.js";
import { startSmtpServer } from "../helpers/smtp-server.js";

const COUNT = 200;
/** The server is killed once this many of each have arrived: the rest of the batch is still being sent. */
const KILL_AFTER = 40;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "laurel-delivery-crash-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Resolves once `done()` holds (checked whenever something arrives), or rejects after `ms`. */
function until(done: () => boolean, subscribe: (wake: () => void) => void, ms: number, what: () => string) {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting: ${what()}`)), ms);
    const check = () => {
      if (done()) {
        clearTimeout(timer);
        resolve();
      }
    };
    subscribe(check);
    check();
  });
}

describe("the delivery loop killed with SIGKILL mid-batch", () => {
  it("delivers every e-mail and webhook at least once after the restart; repeats carry the same id", async () => {
    const smtp = await startSmtpServer();
    const hooks: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
    const listeners: Array<() => void> = [];
    const wake = () => {
      for (const l of listeners) {
        l();
      }
    };
    const receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        hooks.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
        res.writeHead(204).end();
        wake();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const smtpTimer = setInterval(wake, 50);
    try {
      const { stdout } = await promisify(execFile)(
        "node",
        ["--import", "tsx", "test/fixtures/delivery-setup.ts", dir, String(COUNT), hookUrl],
        { timeout: 240_000 },
      );
      const { secret } = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as { secret: string };

      const env = {
        PATH: process.env.PATH,
        LAUREL_PUBLIC_URL: "https://badges.test",
        LAUREL_DB_PATH: join(dir, "laurel.db"),
        LAUREL_KEYS_DIR: join(dir, "keys"),
        LAUREL_SMTP_URL: smtp.url,
        LAUREL_WEBHOOK_ALLOW_HOSTS: "127.0.0.1",
        LAUREL_DELIVERY_POLL_MS: "100",
        LAUREL_DELIVERY_LEASE_SECONDS: "5",
        // the restarted server takes the delivery job over once the killed one's lease has run out
        LAUREL_LEASE_SECONDS: "3",
        LAUREL_LOG_LEVEL: "warn",
      };
      const ready = (out: string) => out.includes("Laurel is running");
      const { server: first } = await startServerOnFreePort(env, ready);
      const status = () => `${smtp.received.length} mails, ${hooks.length} webhooks`;
      await until(
        () => smtp.received.length >= KILL_AFTER && hooks.length >= KILL_AFTER,
        (l) => listeners.push(l),
        120_000,
        status,
      );
      const killed = new Promise((resolve) => first.child.on("exit", (_c, signal) => resolve(signal)));
      first.child.kill("SIGKILL");
      expect(await killed).toBe("SIGKILL");
      const atKill = { mails: smtp.received.length, hooks: hooks.length };
      expect(atKill.mails).toBeLessThan(COUNT);
      expect(atKill.hooks).toBeLessThan(COUNT);

      const messageIds = () => new Set(smtp.received.map((r) => r.mail.messageId));
      const hookIds = () => new Set(hooks.map((h) => h.headers["webhook-id"]));
      const { server: second } = await startServerOnFreePort(env, ready);
      await until(
        () => messageIds().size >= COUNT && hookIds().size >= COUNT,
        (l) => listeners.push(l),
        180_000,
        status,
      );
      expect(await second.stop()).toBe(0);

      // Every credential's award arrived, each under one Message-ID (a repeat is the same message).
      const byRecipient = new Map<string, Set<string>>();
      for (const r of smtp.received) {
        const to = r.envelopeTo[0] as string;
        byRecipient.set(to, (byRecipient.get(to) ?? new Set()).add(String(r.mail.messageId)));
      }
      expect(byRecipient.size).toBe(COUNT);
      expect([...byRecipient.values()].every((ids) => ids.size === 1)).toBe(true);
      expect(messageIds().size).toBe(COUNT);

      // Every event reached the receiver, signed; a repeat carries the same webhook-id and body.
      const bodies = new Map<string, string>();
      for (const hit of hooks) {
        const id = String(hit.headers["webhook-id"]);
        new Webhook(secret).verify(hit.body, hit.headers as Record<string, string>);
        const data = (JSON.parse(hit.body) as { data: { id: string } }).data;
        expect(data.id).toBe(id);
        expect(bodies.get(id) ?? hit.body).toBe(hit.body);
        bodies.set(id, hit.body);
      }
      expect(bodies.size).toBe(COUNT);
      // What was repeated is at most what the killed process had in flight.
      expect(smtp.received.length - COUNT).toBeLessThanOrEqual(100);
      expect(hooks.length - COUNT).toBeLessThanOrEqual(100);
    } finally {
      clearInterval(smtpTimer);
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
      await smtp.close();
    }
  }, 600_000);
});
