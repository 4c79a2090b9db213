import { createHmac } from "node:crypto";
import nodemailer from "nodemailer";
import type { MailAnswer, OutgoingMail, PostWebhook, SendMail } from "./services/outbound.js";
import { createGuardedPost } from "./verify/guarded-fetch.js";

/** How many SMTP connections the pool keeps open at once (messages are sent over them in turn). */
export const SMTP_CONNECTIONS = 4;

/** An SMTP reply code at the start of an answer ("250 2.0.0 OK …"), else null. */
function replyCode(text: string | undefined): number | null {
  const match = /^([2-5]\d\d)\b/.exec(text ?? "");
  return match ? Number(match[1]) : null;
}

/**
 * Sends through nodemailer's SMTP pool. A 5xx reply is a permanent refusal (failed, never retried); a 4xx reply, a
 * refused or dropped connection or a timeout is temporary (retried). The answer kept is the server's own reply line.
 */
export function createSmtpSender(smtpUrl: string): { send: SendMail; close: () => void } {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: SMTP_CONNECTIONS,
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  const send = async (mail: OutgoingMail): Promise<MailAnswer> => {
    try {
      const info = (await transport.sendMail({
        messageId: mail.messageId,
        from: mail.from,
        to: mail.to,
        ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        headers: mail.headers,
        attachments: mail.attachments.map((a) => ({
          filename: a.filename,
          contentType: a.contentType,
          content: a.content,
          ...(a.cid ? { cid: a.cid } : {}),
        })),
      })) as { response?: string };
      const answer = String(info.response ?? "accepted").slice(0, 500);
      return { outcome: "delivered", code: replyCode(answer), answer };
    } catch (error) {
      const e = error as { responseCode?: number; response?: string; code?: string; message?: string };
      const code = typeof e.responseCode === "number" ? e.responseCode : replyCode(e.response);
      const answer = String(e.response ?? `${e.code ?? "error"}: ${e.message ?? ""}`).slice(0, 500);
      return { outcome: code !== null && code >= 500 ? "failed" : "retry", code, answer };
    }
  };
  return { send, close: () => transport.close() };
}

/** The Standard Webhooks prefix of a signing secret (the rest is the key, in base64). */
const SECRET_PREFIX = "whsec_";

/**
 * The Standard Webhooks `webhook-signature` header: `v1,` and the base64 HMAC-SHA256, under the secret's key, of
 * `id.timestamp.body` (timestamp in whole seconds). The same header as the reference library's `Webhook.sign`
 * (test/unit/webhook-signature.test.ts), with node:crypto's HMAC: the library's is JavaScript, and cost as much as
 * the rest of the call.
 */
export function signWebhook(key: Buffer, id: string, timestamp: Date, body: string): string {
  const seconds = Math.floor(timestamp.getTime() / 1000);
  return `v1,${createHmac("sha256", key).update(`${id}.${seconds}.`).update(body).digest("base64")}`;
}

/** A signing secret's key: `whsec_` (optional) and base64. */
export function webhookKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, "base64");
}

/**
 * Signs in the Standard Webhooks format (`webhook-id`, `webhook-timestamp`, `webhook-signature: v1,<base64
 * HMAC-SHA256 of id.timestamp.body>`) and posts through the guarded network rules.
 */
export function createWebhookPoster(allowHosts: readonly string[]): PostWebhook {
  const post = createGuardedPost({ allowHosts, timeoutMs: 15_000 });
  // Decoded keys by secret (an installation has a handful of endpoints).
  const keys = new Map<string, Buffer>();
  return (call) => {
    let key = keys.get(call.secret);
    if (key === undefined) {
      if (keys.size >= 1000) {
        keys.clear();
      }
      key = webhookKey(call.secret);
      keys.set(call.secret, key);
    }
    const signature = signWebhook(key, call.id, call.timestamp, call.body);
    return post(call.url, {
      headers: {
        "content-type": "application/json",
        "user-agent": "Laurel-Webhooks/1",
        "webhook-id": call.id,
        "webhook-timestamp": String(Math.floor(call.timestamp.getTime() / 1000)),
        "webhook-signature": signature,
      },
      body: call.body,
    });
  };
}
