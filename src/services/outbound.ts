/**
 * The two ways out of the service that delivery uses, injected (the composition root builds them from the
 * configuration; tests use the real ones against loopback servers). Services never open a connection themselves.
 */

/** An e-mail exactly as it is handed to SMTP (or kept in the local mail outbox). */
export type OutgoingMail = {
  /** `<id@host>`: the same on every attempt at one message, so a receiver sees a repeat as the same e-mail. */
  messageId: string;
  from: { name: string; address: string };
  replyTo?: string;
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  attachments: Array<{ filename: string; contentType: string; content: Buffer; cid?: string }>;
};

/**
 * What an SMTP server made of a message: accepted (2xx), refused for now (4xx, or no answer: connection refused,
 * timeout), or refused for good (5xx).
 */
export type MailAnswer = { outcome: "delivered" | "retry" | "failed"; code: number | null; answer: string };

export type SendMail = (mail: OutgoingMail) => Promise<MailAnswer>;

/** A signed webhook call: the Standard Webhooks headers are computed from `secret`, `id`, `timestamp` and `body`. */
export type WebhookCall = { url: string; secret: string; id: string; timestamp: Date; body: string };

/** What the receiver answered; rejects with RemoteRefusedError (policy: never retried) or RemoteFetchError. */
export type PostWebhook = (call: WebhookCall) => Promise<{ status: number; body: string }>;
