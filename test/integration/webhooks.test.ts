import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, it } from "vitest";
import { runDelivery } from "../../src/services/delivery.js";
import { deliveryChannels } from "../../src/services/delivery-channels.js";
import { createGuardedPost, RemoteRefusedError } from "../../src/verify/guarded-fetch.js";
import { adminGet, adminPost, issue, readProblem } from "../helpers/http.js";
import { keyWith, lifecycle } from "../helpers/lifecycle.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";

type Hit = { headers: IncomingHttpHeaders; body: string };

/** A real HTTP receiver on loopback; answers each request with the next status of `statuses` (then 200). */
async function startReceiver(statuses: number[] = []) {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      hits.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      const status = statuses[hits.length - 1] ?? 200;
      res.writeHead(status, { "content-type": "text/plain" }).end(status === 200 ? "thanks" : "broken today");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    hits,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let t: TestApp;
let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
afterEach(async () => {
  await t.close();
  await receiver?.close();
  receiver = undefined;
});

const ALLOW = { LAUREL_WEBHOOK_ALLOW_HOSTS: "127.0.0.1" };
const deliver = () => runDelivery(t.ctx, deliveryChannels(t.ctx));

/** Verifies a hit as a receiver would, with the standardwebhooks package; returns the parsed payload. */
function verify(secret: string, hit: Hit): any {
  return new Webhook(secret).verify(hit.body, hit.headers as Record<string, string>);
}

async function register(body: Record<string, unknown>) {
  const res = await adminPost(t, "/admin/webhooks", body);
  expect(res.status).toBe(201);
  return (await res.json()) as { id: string; secret: string; url: string };
}

describe("webhooks", () => {
  it("registers an endpoint (the secret shown once) and delivers a signed event the receiver verifies", async () => {
    // Standard Webhooks receivers refuse timestamps more than 5 minutes off their own clock: the app's clock is now.
    t = await makeTestApp({ env: ALLOW, now: new Date() });
    receiver = await startReceiver();
    const endpoint = await register({ url: receiver.url, description: "CRM" });
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const list = (await (await adminGet(t, "/admin/webhooks")).json()) as { items: Array<Record<string, unknown>> };
    expect(list.items).toMatchObject([{ id: endpoint.id, url: receiver.url, enabled: true }]);
    expect(JSON.stringify(list)).not.toContain(endpoint.secret);

    const c = await issue(t);
    await deliver();
    expect(receiver.hits).toHaveLength(1);
    const hit = receiver.hits[0] as Hit;
    const payload = verify(endpoint.secret, hit);
    expect(payload).toMatchObject({ type: "credential.issued", data: { credentialId: c.id } });
    expect(hit.headers["webhook-id"]).toBe(payload.data.id);
    expect(hit.headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);

    // A replay sends the same event again, under the same webhook-id.
    const replay = await adminPost(t, `/admin/webhooks/${endpoint.id}/replay`, { eventId: payload.data.id });
    expect(replay.status).toBe(202);
    await deliver();
    expect(receiver.hits).toHaveLength(2);
    expect(receiver.hits[1]?.headers["webhook-id"]).toBe(hit.headers["webhook-id"]);
    expect(receiver.hits[1]?.body).toBe(hit.body);
    const unknown = await adminPost(t, `/admin/webhooks/${endpoint.id}/replay`, { eventId: "nope" });
    expect(unknown.status).toBe(404);

    // A tampered body fails verification.
    expect(() => verify(endpoint.secret, { ...hit, body: hit.body.replace(c.id, "someone-else") })).toThrow();
  });

  it("retries a receiver that fails twice: three calls, one webhook-id, all logged", async () => {
    t = await makeTestApp({ env: ALLOW, now: new Date() });
    receiver = await startReceiver([500, 503]);
    const endpoint = await register({ url: receiver.url });
    await issue(t);
    for (let i = 0; i < 3; i++) {
      await deliver();
      t.clock.advance(61_000);
    }
    expect(receiver.hits).toHaveLength(3);
    expect(new Set(receiver.hits.map((h) => h.headers["webhook-id"])).size).toBe(1);
    for (const hit of receiver.hits) {
      expect(verify(endpoint.secret, hit)).toMatchObject({ type: "credential.issued" });
    }
    const log = (await (await adminGet(t, `/admin/webhooks/${endpoint.id}/deliveries`)).json()) as {
      items: Array<{ outcome: string; code: number; answer: string; latencyMs: number }>;
    };
    expect(log.items.map((a) => [a.outcome, a.code, a.answer])).toEqual([
      ["delivered", 200, "thanks"],
      ["retry", 503, "broken today"],
      ["retry", 500, "broken today"],
    ]);
    expect(log.items.every((a) => a.latencyMs >= 0)).toBe(true);
  });

  it("sends only the event types an endpoint asked for, and nothing after it is deleted", async () => {
    t = await makeTestApp({ env: ALLOW, now: new Date() });
    receiver = await startReceiver();
    const endpoint = await register({ url: receiver.url, eventTypes: ["credential.revoked"] });
    const c = await issue(t);
    await lifecycle(t, c.id, "revoke", { reason: "error" });
    await deliver();
    expect(receiver.hits.map((h) => JSON.parse(h.body).type)).toEqual(["credential.revoked"]);

    const res = await t.app.request(`/admin/webhooks/${endpoint.id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${t.adminToken}` },
    });
    expect(res.status).toBe(204);
    await issue(t, { recipient: { email: "b@example.org", name: "B" } });
    const other = await issue(t, { recipient: { email: "c@example.org", name: "C" } });
    await lifecycle(t, other.id, "revoke", { reason: "error" });
    await deliver();
    expect(receiver.hits).toHaveLength(1);
    expect(((await (await adminGet(t, "/admin/webhooks")).json()) as { items: unknown[] }).items).toEqual([]);
  });

  it("refuses private and plain-http URLs unless the host is allow-listed", async () => {
    t = await makeTestApp();
    for (const url of [
      "http://127.0.0.1:9/hook",
      "https://127.0.0.1/hook",
      "https://10.0.0.8/hook",
      "https://localhost/x",
    ]) {
      const res = await adminPost(t, "/admin/webhooks", { url });
      expect(res.status, url).toBe(400);
      expect((await readProblem(res)).errors?.[0]?.path).toBe("url");
    }
    const unknownType = await adminPost(t, "/admin/webhooks", {
      url: "https://hooks.example.org/x",
      eventTypes: ["nope"],
    });
    expect(unknownType.status).toBe(400);
  });

  it("never posts to a name that resolves to a private address", async () => {
    const post = createGuardedPost({ resolve: async () => [{ address: "127.0.0.1", family: 4 }] });
    await expect(post("https://hooks.example.org/x", { headers: {}, body: "{}" })).rejects.toBeInstanceOf(
      RemoteRefusedError,
    );
    const mixed = createGuardedPost({
      resolve: async () => [
        { address: "93.184.216.34", family: 4 },
        { address: "192.168.1.10", family: 4 },
      ],
    });
    await expect(mixed("https://hooks.example.org/x", { headers: {}, body: "{}" })).rejects.toBeInstanceOf(
      RemoteRefusedError,
    );
    t = await makeTestApp();
  });

  it("disables an endpoint that failed for the whole retry horizon, and fails what it was owed", async () => {
    t = await makeTestApp({ env: { ...ALLOW, LAUREL_DELIVERY_RETRY_HOURS: "1" } });
    const down = await startReceiver();
    await down.close();
    const endpoint = await register({ url: down.url });
    await issue(t);
    for (let i = 0; i < 7; i++) {
      await deliver();
      t.clock.advance(10 * 60_000);
    }
    let [view] = ((await (await adminGet(t, "/admin/webhooks")).json()) as { items: any[] }).items;
    expect(view).toMatchObject({ enabled: false, disabledReason: expect.stringContaining("whole retry horizon") });
    await issue(t, { recipient: { email: "b@example.org", name: "B" } });
    await deliver();
    [view] = ((await (await adminGet(t, "/admin/webhooks")).json()) as { items: any[] }).items;
    const log = (await (await adminGet(t, `/admin/webhooks/${endpoint.id}/deliveries`)).json()) as { items: any[] };
    expect(log.items[0]).toMatchObject({ outcome: "failed" });
    expect(log.items.every((a) => a.code === null)).toBe(true);
  });

  it("says so with a webhook.endpoint.disabled event when it disables an endpoint", async () => {
    t = await makeTestApp({ env: { ...ALLOW, LAUREL_DELIVERY_RETRY_HOURS: "1" } });
    const down = await startReceiver();
    await down.close();
    const endpoint = await register({ url: `${down.url}?token=receiver-secret`, description: "CRM" });
    receiver = await startReceiver();
    const watcher = await register({ url: receiver.url, eventTypes: ["webhook.endpoint.disabled"] });
    await issue(t);
    for (let i = 0; i < 7; i++) {
      await deliver();
      t.clock.advance(10 * 60_000);
    }
    await deliver();
    const page = (await (await adminGet(t, "/admin/events?type=webhook.endpoint.disabled")).json()) as {
      items: any[];
    };
    expect(page.items).toHaveLength(1);
    const [event] = page.items;
    expect(event).toMatchObject({
      type: "webhook.endpoint.disabled",
      credentialId: null,
      payload: { endpointId: endpoint.id, description: "CRM", reason: expect.stringContaining("whole retry horizon") },
    });
    // The endpoint's URL (here carrying its own secret) is not spread to other receivers.
    expect(JSON.stringify(event)).not.toContain("receiver-secret");
    // The other endpoint, which asked for this type only, got it (and not the credential event).
    expect(receiver.hits).toHaveLength(1);
    const body = JSON.parse(receiver.hits[0]?.body ?? "{}");
    expect(body).toMatchObject({ type: "webhook.endpoint.disabled", data: { id: event.id, endpointId: endpoint.id } });
    expect(receiver.hits[0]?.headers["webhook-id"]).toBe(event.id);
    expect(watcher.id).not.toBe(endpoint.id);
  });

  it("needs the webhooks:manage scope", async () => {
    t = await makeTestApp();
    const token = await keyWith(t, ["credentials:read"]);
    expect((await adminGet(t, "/admin/webhooks", token)).status).toBe(403);
    const manager = await keyWith(t, ["webhooks:manage"]);
    expect((await adminGet(t, "/admin/webhooks", manager)).status).toBe(200);
  });
});
