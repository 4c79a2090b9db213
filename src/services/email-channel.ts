import { createHash } from "node:crypto";
import type { CatalogEntry } from "../domain/catalog/parse-catalog.js";
import {
  type AwardData,
  BADGE_CID,
  type CommonData,
  downloadLinks,
  type EmailKind,
  type NoticeData,
  type ReminderData,
  renderEmail,
  renewalSteps,
} from "../domain/email/messages.js";
import { humanDay, parseInstant } from "../domain/human-date.js";
import { linkedInAddToProfileUrl } from "../domain/linkedin.js";
import { windowDueAt, windowOpenAt } from "../domain/renewal.js";
import { DAY_MS } from "../domain/time.js";
import type { MessageRow } from "../storage/delivery-repo.js";
import { findRecipient, insertLinkToken } from "../storage/earner-repo.js";
import { insertPreferenceToken, recipientIdByEmail, remindersWanted } from "../storage/email-preferences-repo.js";
import type { EventRow } from "../storage/events-repo.js";
import { insertMailOutbox } from "../storage/mail-outbox-repo.js";
import { recipientName } from "../storage/person-credentials-repo.js";
import type { Tx } from "../storage/store.js";
import { getBadgePng } from "./badge-images.js";
import type { AttemptResult, DeliveryChannel, PlannedMessage } from "./delivery.js";
import type { ServiceContext } from "./deps.js";
import type { OutgoingMail } from "./outbound.js";

/** The outbox channel e-mail claims under (migration 0014 marks earlier events delivered for it). */
export const EMAIL_OUTBOX_CHANNEL = "laurel.email";

type Payload = {
  achievementId?: string;
  achievementName?: string;
  recipient?: { email?: string; name?: string };
  validFrom?: string;
  validUntil?: string | null;
  supersedes?: string;
  daysBefore?: number;
  reason?: string;
  reasonPublic?: boolean;
};

/** The kind of e-mail an event owes its holder, if any. */
function kindOf(event: EventRow): EmailKind | undefined {
  const payload = event.payload as Payload;
  switch (event.type) {
    case "credential.issued":
      return payload.supersedes ? "reissue" : "award";
    case "credential.expiring":
      return "reminder";
    case "credential.revoked":
      return "revocation";
    case "credential.suspended":
      return "suspension";
    case EARNER_SIGN_IN_EVENT:
      return "sign-in";
    default:
      return undefined;
  }
}

/** The event a request for a sign-in link writes (payload: the recipient's id only; the link is made when sent). */
export const EARNER_SIGN_IN_EVENT = "earner.sign-in-requested";

/** How long a sign-in link works. */
export const SIGN_IN_LINK_MINUTES = 15;

/** The SHA-256 of a preference token: only this is stored. */
export function preferenceTokenHash(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

/** Which messages an event owes: one to its holder, or a record of why none is sent. */
async function planEmail(ctx: ServiceContext, tx: Tx, event: EventRow): Promise<PlannedMessage[]> {
  const kind = kindOf(event);
  const payload = event.payload as Payload & { recipientId?: string };
  if (kind === "sign-in") {
    const recipient = payload.recipientId ? await findRecipient(tx, payload.recipientId) : undefined;
    return recipient ? [{ target: recipient.email, kind }] : [];
  }
  const address = payload.recipient?.email;
  if (!kind || !address) {
    return [];
  }
  const entry = payload.achievementId ? ctx.catalog.get(payload.achievementId) : undefined;
  if (kind === "revocation" && entry?.notices?.revocation === false) {
    return [{ target: address, kind, skip: "revocation notices are turned off for this certification" }];
  }
  if (kind === "suspension" && entry?.notices?.suspension === false) {
    return [{ target: address, kind, skip: "suspension notices are turned off for this certification" }];
  }
  if (kind === "reminder") {
    const recipientId = await recipientIdByEmail(tx, address);
    if (recipientId && !(await remindersWanted(tx, recipientId))) {
      return [{ target: address, kind, skip: "the recipient turned reminders off" }];
    }
  }
  return [{ target: address, kind }];
}

/**
 * A new token for the message's recipient, stored (hashed) before the message is sent: a preference-page token, or
 * for a sign-in message the one-time link's token (made at each attempt, so a late retry still carries a live link).
 */
async function prepareEmail(ctx: ServiceContext, tx: Tx, message: MessageRow): Promise<string | undefined> {
  const recipientId = await recipientIdByEmail(tx, message.target);
  if (!recipientId) {
    return undefined;
  }
  const token = ctx.newSecret();
  if (message.kind === "sign-in") {
    const now = ctx.clock();
    await insertLinkToken(tx, {
      tokenHash: preferenceTokenHash(token),
      recipientId,
      createdAt: now,
      expiresAt: new Date(now.getTime() + SIGN_IN_LINK_MINUTES * 60_000),
      usedAt: null,
    });
    return token;
  }
  await insertPreferenceToken(tx, { tokenHash: preferenceTokenHash(token), recipientId, createdAt: ctx.clock() });
  return token;
}

function commonData(ctx: ServiceContext, event: EventRow, token: string | undefined): CommonData {
  const base = ctx.config.publicUrl;
  const payload = event.payload as Payload;
  return {
    issuerName: ctx.config.issuer.name,
    recipientName: payload.recipient?.name ?? "",
    certificationName: payload.achievementName ?? "",
    credentialUrl: `${base}/credentials/${event.credentialId}`,
    certificationUrl: `${base}/achievements/${payload.achievementId}`,
    homeUrl: base,
    preferencesUrl: token ? `${base}/preferences/${token}` : base,
  };
}

function awardData(ctx: ServiceContext, event: EventRow, common: CommonData): AwardData {
  const payload = event.payload as Payload;
  const validUntil = parseInstant(payload.validUntil ?? undefined);
  return {
    ...common,
    renewed: false,
    badgeImage: `cid:${BADGE_CID}`,
    linkedInUrl: linkedInAddToProfileUrl({
      name: common.certificationName,
      organizationId: ctx.config.issuer.linkedInOrganizationId,
      organizationName: ctx.issuer.name,
      issuedAt: parseInstant(payload.validFrom) ?? event.occurredAt,
      expiresAt: validUntil,
      certUrl: common.credentialUrl,
      certId: event.credentialId ?? "",
    }),
    validUntil: validUntil ? humanDay(validUntil) : "",
    downloads: downloadLinks(common.credentialUrl),
  };
}

function reminderData(
  ctx: ServiceContext,
  event: EventRow,
  common: CommonData,
  entry: CatalogEntry | undefined,
): ReminderData {
  const payload = event.payload as Payload;
  const validUntil = parseInstant(payload.validUntil ?? undefined) ?? event.occurredAt;
  const policy = entry?.validity?.renewal;
  const fiscal = ctx.config.fiscalYearStartMonth;
  const window = policy ? windowDueAt(policy, fiscal, validUntil) : undefined;
  return {
    ...common,
    validUntil: humanDay(validUntil),
    daysLeft: Math.max(0, Math.ceil((validUntil.getTime() - event.occurredAt.getTime()) / DAY_MS)),
    renewal:
      policy && window
        ? {
            opens: humanDay(window.opens),
            closes: humanDay(window.closes),
            open: windowOpenAt(policy, fiscal, event.occurredAt) !== undefined,
            steps: renewalSteps(entry?.criteria.rule).map((text) => ({ text })),
          }
        : null,
  };
}

function noticeData(event: EventRow, common: CommonData): NoticeData {
  const payload = event.payload as Payload;
  // A reason is sent only when the admin made it public.
  return { ...common, reason: payload.reasonPublic === true && payload.reason ? payload.reason : "" };
}

function findRecipientName(ctx: ServiceContext, email: string): Promise<string | undefined> {
  return recipientName(ctx.store.conn(), email);
}

/** Builds a message as it is sent: rendered templates, the badge inline, unsubscribe headers on reminders. */
export async function composeEmail(
  ctx: ServiceContext,
  input: { message: MessageRow; event: EventRow; token: string | undefined },
): Promise<OutgoingMail> {
  const { message, event, token } = input;
  const kind = message.kind as EmailKind;
  const payload = event.payload as Payload;
  const entry = payload.achievementId ? ctx.catalog.get(payload.achievementId) : undefined;
  const common = commonData(ctx, event, token);
  const set = ctx.emailTemplates[kind];
  const base = ctx.config.publicUrl;
  // a sign-in request's event names no one: the name is the recipient's as stored
  const toName = kind === "sign-in" ? ((await findRecipientName(ctx, message.target)) ?? "") : undefined;
  const rendered =
    kind === "sign-in"
      ? renderEmail<"sign-in">(set, {
          issuerName: ctx.config.issuer.name,
          recipientName: toName ?? "",
          // The token is in the path: the request log names the route pattern only, never the token.
          signInUrl: `${base}/me/sign-in/${token ?? ""}`,
          validMinutes: SIGN_IN_LINK_MINUTES,
          requestUrl: `${base}/me/sign-in`,
          homeUrl: base,
        })
      : kind === "award" || kind === "reissue"
        ? renderEmail(set, awardData(ctx, event, common))
        : kind === "reminder"
          ? renderEmail(set, reminderData(ctx, event, common, entry))
          : renderEmail(set, noticeData(event, common));
  const attachments: OutgoingMail["attachments"] = [];
  if ((kind === "award" || kind === "reissue") && entry) {
    const png = await getBadgePng(ctx, entry.id);
    attachments.push({
      filename: `${entry.id}.png`,
      contentType: "image/png",
      content: png.body as Buffer,
      cid: BADGE_CID,
    });
  }
  const headers: Record<string, string> = { "X-Laurel-Event": event.id };
  if (kind === "reminder" && token) {
    // RFC 8058: a mail client may unsubscribe with one POST to this URL, without opening a page.
    headers["List-Unsubscribe"] = `<${common.preferencesUrl}>`;
    headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click";
  }
  const { delivery } = ctx.config;
  return {
    messageId: `<${message.id}@${new URL(ctx.config.publicUrl).hostname}>`,
    from: { name: ctx.config.issuer.name, address: delivery.mailFrom },
    ...(delivery.mailReplyTo ? { replyTo: delivery.mailReplyTo } : {}),
    to: { name: toName ?? payload.recipient?.name ?? "", address: message.target },
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    headers,
    attachments,
  };
}

/** Keeps a message in the local mail outbox (the embedded default, without SMTP). */
async function keepInOutbox(ctx: ServiceContext, message: MessageRow, mail: OutgoingMail): Promise<AttemptResult> {
  await ctx.store.tx((tx) =>
    insertMailOutbox(tx, {
      messageId: message.id,
      credentialId: message.credentialId,
      kind: message.kind,
      to: mail.to.address,
      from: mail.from.address,
      replyTo: mail.replyTo ?? null,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      headers: { "Message-ID": mail.messageId, ...mail.headers },
      attachments: mail.attachments.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        size: a.content.length,
        ...(a.cid ? { cid: a.cid } : {}),
      })),
      createdAt: ctx.clock(),
    }),
  );
  return { outcome: "delivered", code: null, answer: "kept in the local mail outbox (no SMTP server configured)" };
}

async function attemptEmail(
  ctx: ServiceContext,
  message: MessageRow,
  token: string | undefined,
  event: EventRow | undefined,
): Promise<AttemptResult> {
  if (!event) {
    return { outcome: "failed", code: null, answer: "the event is gone" } satisfies AttemptResult;
  }
  const mail = await composeEmail(ctx, { message, event, token });
  return ctx.sendMail ? ctx.sendMail(mail) : keepInOutbox(ctx, message, mail);
}

/** The e-mail channel: award, reissue, reminder, revocation and suspension messages to a credential's holder. */
export function emailChannel(ctx: ServiceContext): DeliveryChannel<string | undefined> {
  return {
    name: "email",
    outbox: EMAIL_OUTBOX_CHANNEL,
    plan: (tx, event) => planEmail(ctx, tx, event),
    prepare: (tx, message) => prepareEmail(ctx, tx, message),
    attempt: (message, token, event) => attemptEmail(ctx, message, token, event),
  };
}
