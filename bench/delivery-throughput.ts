import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { eq, sql } from "drizzle-orm";
import nodemailer from "nodemailer";
import { SMTPServer } from "smtp-server";
import { Webhook } from "standardwebhooks";
import { type AnyDeliveryChannel, runDelivery } from "../src/services/delivery.js";
import type { ServiceContext } from "../src/services/deps.js";
import { composeEmail, emailChannel } from "../src/services/email-channel.js";
import { issueCredential } from "../src/services/issue-credential.js";
import { createWebhookEndpoint, webhookBody, webhookChannel } from "../src/services/webhooks.js";
import { appendEvent, findEventBySeq } from "../src/storage/events-repo.js";
import { SMTP_CONNECTIONS } from "../src/transports.js";
import { benchContext, fmt, median } from "./harness.js";

/** A loopback SMTP server that accepts every message and only reads it (both sides of the bench send to it). */
async function startSink() {
  let accepted = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, _session, callback) {
      stream.on("data", () => {});
      stream.on("end", () => {
        accepted++;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    accepted: () => accepted,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A loopback webhook receiver that reads each body and answers 200. */
async function startReceiver() {
  let received = 0;
  const server = createServer((req, res) => {
    req.on("data", () => {});
    req.on("end", () => {
      received++;
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    received: () => received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Runs `count` operations with `inFlight` at once; returns operations per second. */
async function inParallel(count: number, inFlight: number, op: (i: number) => Promise<unknown>): Promise<number> {
  const start = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < count) {
      await op(next++);
    }
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
  return (count * 1000) / (performance.now() - start);
}

/**
 * The award event a credential's issuance left (the template), and a function that appends `n` award events like it
 * (fresh ids, now) in one transaction: the delivery benches' workload.
 */
export async function awardEvents(ctx: ServiceContext, credentialId: string) {
  const conn = ctx.store.conn();
  const { events } = conn.t;
  const [template] = await conn.select().from(events).where(eq(events.credentialId, credentialId));
  if (!template) {
    throw new Error("the issuance left no event");
  }
  const appendAwards = (n: number) =>
    ctx.store.tx(async (tx) => {
      for (let i = 0; i < n; i++) {
        await appendEvent(tx, { ...template, id: ctx.newId(), occurredAt: ctx.clock(), dedupeKey: null });
      }
    });
  return { template, appendAwards };
}

/**
 * Delivery throughput: events in the outbox → messages delivered, through Laurel's delivery loop (take, lease,
 * compose, send, record every attempt), to a loopback SMTP server and a loopback webhook receiver; beside, in the
 * same run and to the same servers, the raw rate of the libraries alone:
 * - e-mail: nodemailer's SMTP pool (as many connections as Laurel's) sending the same composed message (the badge
 *   inline), `inFlight` at once;
 * - webhooks: a POST of the same body signed with standardwebhooks, `inFlight` at once, two ways: over node:http with
 *   a keep-alive agent (the client Laurel itself uses: the strict baseline), and with fetch (undici), the usual way
 *   to write it in Node. Laurel signs the same header with node:crypto (test/unit/webhook-signature.test.ts).
 * Variants run in alternating blocks (each block's order rotates) so they share the machine's load; block medians.
 */
export async function benchDeliveryThroughput(options: { perBlock: number; blocks: number; inFlight: number }) {
  const sink = await startSink();
  const receiver = await startReceiver();
  const { ctx, cleanup } = await benchContext({
    LAUREL_SMTP_URL: sink.url,
    LAUREL_WEBHOOK_ALLOW_HOSTS: "127.0.0.1",
  });
  const achievementId = "gitlab-certified-devops-professional";
  const issued = await issueCredential(ctx, {
    achievementId,
    recipient: { email: "person@example.org", name: "Person Bench" },
    actor: "bench",
  });
  const endpoint = await createWebhookEndpoint(ctx, { url: receiver.url, actor: "bench" });
  const email = emailChannel(ctx);
  const webhook = webhookChannel(ctx);
  // Warm-up: the issuance's own event through both channels (badge PNG rendered, statements prepared).
  await runDelivery(ctx, [email, webhook]);

  const conn = ctx.store.conn();
  const { outboundMessages } = conn.t;
  const { template, appendAwards } = await awardEvents(ctx, issued.id);
  const delivered = async (channel: "email" | "webhook") => {
    const [row] = await conn
      .select({ n: sql<number>`count(*)` })
      .from(outboundMessages)
      .where(sql`${outboundMessages.channel} = ${channel} and ${outboundMessages.state} = 'delivered'`);
    return Number(row?.n ?? 0);
  };
  const throughLoop = async (channel: AnyDeliveryChannel, name: "email" | "webhook") => {
    const before = await delivered(name);
    const start = performance.now();
    let attempted = 0;
    while (attempted < options.perBlock) {
      const round = await runDelivery(ctx, [channel]);
      if (round.attempted === 0 && round.taken === 0) {
        break;
      }
      attempted += round.attempted;
    }
    const elapsed = performance.now() - start;
    const done = (await delivered(name)) - before;
    if (done !== options.perBlock) {
      throw new Error(`${name}: ${done} of ${options.perBlock} delivered`);
    }
    return (done * 1000) / elapsed;
  };

  // The raw e-mail side sends exactly what Laurel sends: the award message composed from the same event.
  const mail = await composeEmail(ctx, {
    message: {
      id: ctx.newId(),
      channel: "email",
      eventSeq: template.seq,
      eventId: template.id,
      credentialId: template.credentialId,
      target: "person@example.org",
      kind: "award",
      state: "pending",
      attempts: 0,
      scheduledAt: ctx.clock(),
      nextAttemptAt: ctx.clock(),
      finishedAt: null,
      leaseToken: null,
      leaseUntil: null,
    },
    event: (await findEventBySeq(conn, template.seq)) ?? template,
    token: ctx.newSecret(),
  });
  const transport = nodemailer.createTransport({
    url: sink.url,
    pool: true,
    maxConnections: SMTP_CONNECTIONS,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  const rawMail = (i: number) =>
    transport.sendMail({
      messageId: `<raw-${i}-${ctx.newId()}@badges.bench>`,
      from: mail.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      headers: mail.headers,
      attachments: mail.attachments.map((a) => ({ ...a })),
    });

  const agent = new Agent({ keepAlive: true });
  const signer = new Webhook(endpoint.secret);
  const body = webhookBody(template);
  const rawPost = (i: number) =>
    new Promise<void>((resolve, reject) => {
      const id = `raw-${i}`;
      const timestamp = new Date();
      const req = request(
        {
          hostname: "127.0.0.1",
          port: receiver.port,
          path: "/hook",
          method: "POST",
          agent,
          headers: {
            "content-type": "application/json",
            "content-length": String(Buffer.byteLength(body)),
            "webhook-id": id,
            "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
            "webhook-signature": signer.sign(id, timestamp, body),
          },
        },
        (res) => {
          res.on("data", () => {});
          res.on("end", () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
        },
      );
      req.on("error", reject);
      req.end(body);
    });

  const rawFetch = async (i: number) => {
    const id = `raw-${i}`;
    const timestamp = new Date();
    const res = await fetch(receiver.url, {
      method: "POST",
      body,
      headers: {
        "content-type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
        "webhook-signature": signer.sign(id, timestamp, body),
      },
    });
    await res.arrayBuffer();
    if (res.status !== 200) {
      throw new Error(`HTTP ${res.status}`);
    }
  };

  let n = 0;
  const variants: Record<string, () => Promise<number>> = {
    "e-mail: Laurel's delivery loop": () => throughLoop(email, "email"),
    "e-mail: raw nodemailer pool": () => inParallel(options.perBlock, options.inFlight, () => rawMail(n++)),
    "webhook: Laurel's delivery loop": () => throughLoop(webhook, "webhook"),
    "webhook: raw signed POST": () => inParallel(options.perBlock, options.inFlight, () => rawPost(n++)),
    "webhook: raw signed fetch": () => inParallel(options.perBlock, options.inFlight, () => rawFetch(n++)),
  };
  const names = Object.keys(variants);
  const rates: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  // Warm-up of the raw sides (connections opened, JIT).
  await inParallel(50, options.inFlight, () => rawMail(n++));
  await inParallel(50, options.inFlight, () => rawPost(n++));
  await inParallel(50, options.inFlight, () => rawFetch(n++));
  for (let block = 0; block < options.blocks; block++) {
    await appendAwards(options.perBlock);
    for (let k = 0; k < names.length; k++) {
      const name = names[(block + k) % names.length] as string;
      rates[name]?.push(await (variants[name] as () => Promise<number>)());
    }
  }
  transport.close();
  agent.destroy();

  const m = Object.fromEntries(names.map((name) => [name, median(rates[name] ?? [])]));
  console.log(
    `\nDelivery throughput (${options.blocks} alternating blocks of ${options.perBlock} messages; medians; ` +
      `${SMTP_CONNECTIONS} SMTP connections, ${options.inFlight} in flight on the raw sides)`,
  );
  for (const name of names) {
    console.log(`  ${name.padEnd(34)} ${fmt(m[name] ?? 0).padStart(9)} messages/s`);
  }
  const ratio = (a: string, b: string) => `${fmt(((m[a] ?? 0) / (m[b] ?? 1)) * 100, 0)} %`;
  console.log(
    `  e-mail  Laurel / raw nodemailer:   ${ratio("e-mail: Laurel's delivery loop", "e-mail: raw nodemailer pool")}`,
  );
  console.log(
    `  webhook Laurel / raw signed POST:  ${ratio("webhook: Laurel's delivery loop", "webhook: raw signed POST")}` +
      " (node:http, keep-alive)",
  );
  console.log(
    `  webhook Laurel / raw signed fetch: ${ratio("webhook: Laurel's delivery loop", "webhook: raw signed fetch")}`,
  );
  console.log(`  (SMTP server accepted ${sink.accepted()} messages, receiver ${receiver.received()} posts in all)`);
  await cleanup();
  await sink.close();
  await receiver.close();
}
