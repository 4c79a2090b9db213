import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { signWebhook, webhookKey } from "../../src/transports.js";

describe("the webhook signature", () => {
  const secret = `whsec_${Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + 11) % 256)).toString("base64")}`;
  const at = new Date("2026-03-04T05:06:07.890Z");

  it.each([
    ["msg_1", "{}"],
    [
      "6f1c2d3e-0000-4000-8000-000000000001",
      JSON.stringify({ type: "credential.issued", data: { name: "Zoë Ångström ✓" } }),
    ],
    ["x", ""],
  ])("is the header the reference library makes (id %s)", (id, body) => {
    expect(signWebhook(webhookKey(secret), id, at, body)).toBe(new Webhook(secret).sign(id, at, body));
  });

  it("verifies with the reference library, and a tampered body does not", () => {
    const body = JSON.stringify({ type: "credential.revoked", data: { id: "e1" } });
    const now = new Date();
    const headers = {
      "webhook-id": "e1",
      "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
      "webhook-signature": signWebhook(webhookKey(secret), "e1", now, body),
    };
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(body.replace("e1", "e2"), headers)).toThrow();
  });
});
