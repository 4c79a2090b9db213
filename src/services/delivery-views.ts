import { AppError } from "../errors.js";
import { findCredential } from "../storage/credentials-repo.js";
import {
  type AttemptRow,
  attemptsOfMessages,
  type MessageRow,
  messagesOfCredential,
} from "../storage/delivery-repo.js";
import { listMailOutbox, type MailOutboxRow } from "../storage/mail-outbox-repo.js";
import type { ServiceContext } from "./deps.js";

export type AttemptView = {
  at: string;
  outcome: AttemptRow["outcome"];
  code: number | null;
  answer: string;
  latencyMs: number;
};

export type MessageView = {
  id: string;
  channel: MessageRow["channel"];
  kind: string;
  eventId: string;
  /** E-mail: the recipient's address; webhook: the endpoint id. */
  target: string;
  state: MessageRow["state"];
  attempts: AttemptView[];
  nextAttemptAt: string | null;
};

function attemptView(a: AttemptRow): AttemptView {
  return {
    at: a.attemptedAt.toISOString(),
    outcome: a.outcome,
    code: a.code,
    answer: a.answer,
    latencyMs: a.latencyMs,
  };
}

/** Every message owed about a credential (e-mail and webhooks), each with its attempts, oldest first. */
export async function credentialDeliveries(ctx: ServiceContext, credentialId: string): Promise<MessageView[]> {
  const conn = ctx.store.conn();
  if (!(await findCredential(conn, credentialId))) {
    throw new AppError("NOT_FOUND", `No credential ${credentialId}`);
  }
  const messages = await messagesOfCredential(conn, credentialId);
  const attempts = await attemptsOfMessages(
    conn,
    messages.map((m) => m.id),
  );
  return messages.map((m) => ({
    id: m.id,
    channel: m.channel,
    kind: m.kind,
    eventId: m.eventId,
    target: m.target,
    state: m.state,
    attempts: attempts.filter((a) => a.messageId === m.id).map(attemptView),
    nextAttemptAt: m.nextAttemptAt?.toISOString() ?? null,
  }));
}

export type MailView = Omit<MailOutboxRow, "createdAt"> & { createdAt: string };

/** The local mail outbox (what would have been sent without SMTP), newest first; `nextBefore` pages on. */
export async function mailOutboxPage(
  ctx: ServiceContext,
  query: { before?: number; limit: number },
): Promise<{ items: MailView[]; nextBefore: number | null }> {
  const rows = await listMailOutbox(ctx.store.conn(), query);
  const last = rows.at(-1);
  return {
    items: rows.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })),
    nextBefore: rows.length === query.limit && last ? last.seq : null,
  };
}
