import nodemailer from "nodemailer";
import { Webhook } from "standardwebhooks";
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

/**
 * Signs with the Standard Webhooks reference library (`webhook-id`, `webhook-timestamp`, `webhook-signature:
 * v1,<base64 HMAC-SHA256 of id.timestamp.body>`) and posts through the guarded network rules.
 */
export function createWebhookPoster(allowHosts: readonly string[]): PostWebhook {
  const post = createGuardedPost({ allowHosts, timeoutMs: 15_000 });
  return (call) => {
    const signature = new Webhook(call.secret).sign(call.id, call.timestamp, call.body);
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
