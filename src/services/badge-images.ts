import { createHash } from "node:crypto";
import type { LRUCache } from "lru-cache";
import { BADGE_LAYOUT_VERSION, renderBadgeSvg } from "../baking/badge-svg.js";
import { renderCertificatePdf } from "../baking/certificate-pdf.js";
import { bakePng } from "../baking/png.js";
import { qrPng, qrSvg } from "../baking/qr.js";
import { svgToPng } from "../baking/rasterize.js";
import { renderShareCardPng } from "../baking/share-card.js";
import { STAMPS, type Stamp, stampSvg } from "../baking/stamp.js";
import { bakeSvg } from "../baking/svg.js";
import type { CatalogEntry } from "../domain/catalog/parse-catalog.js";
import { humanDay } from "../domain/human-date.js";
import { credentialMark } from "../domain/status/mark.js";
import { AppError } from "../errors.js";
import { type CredentialRecord, findCredential, sameRecipient } from "../storage/credentials-repo.js";
import { credentialUrl } from "./credential-view.js";
import type { ServiceContext } from "./deps.js";

export const BADGE_PNG_SIZE = 600;

/** A rendered file with an ETag that changes whenever its content can. */
export type RenderedFile = { body: Buffer | string; etag: string; contentType: string; filename: string };

/** Memoises a render by key; a failed render is forgotten so the next request retries. */
function memo(
  cache: Map<string, Promise<Buffer>> | LRUCache<string, Promise<Buffer>>,
  key: string,
  render: () => Promise<Buffer>,
) {
  let pending = cache.get(key);
  if (!pending) {
    pending = render();
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}

function etagOf(...parts: string[]): string {
  return `"${createHash("sha256").update(parts.join("\u0000")).digest("base64url").slice(0, 22)}"`;
}

function entryOrThrow(ctx: ServiceContext, id: string): CatalogEntry {
  const entry = ctx.catalog.get(id);
  if (!entry) {
    throw new AppError("NOT_FOUND", `No achievement "${id}"`);
  }
  return entry;
}

async function credentialOrThrow(ctx: ServiceContext, id: string): Promise<CredentialRecord> {
  const record = await findCredential(ctx.store.conn(), id);
  if (!record) {
    throw new AppError("NOT_FOUND", `No credential "${id}"`);
  }
  return record;
}

/** Version of a certification's artwork: its definition, its level's template and the badge layout code. */
function artworkVersion(ctx: ServiceContext, entry: CatalogEntry): string {
  return `${entry.version}.${ctx.artwork.badges[entry.level].version}.${BADGE_LAYOUT_VERSION}`;
}

export function getBadgeSvg(ctx: ServiceContext, achievementId: string): RenderedFile {
  const entry = entryOrThrow(ctx, achievementId);
  return {
    body: renderBadgeSvgOf(ctx, entry),
    etag: badgeSvgEtag(ctx, entry),
    contentType: "image/svg+xml",
    filename: `${entry.id}.svg`,
  };
}

function renderBadgeSvgOf(ctx: ServiceContext, entry: CatalogEntry): string {
  return renderBadgeSvg(ctx.artwork.badges[entry.level].svg, {
    name: entry.name,
    issuerName: ctx.config.issuer.name,
    caption: entry.image.caption ?? `Badge: ${entry.name}`,
    label: entry.image.label,
  });
}

/** Badge ETags by what they hash (a handful: one per certification and artwork version). */
const badgeEtags = new Map<string, string>();

/** The badge SVG's ETag: what its content depends on, known without rendering it (nor hashing it again). */
function badgeSvgEtag(ctx: ServiceContext, entry: CatalogEntry): string {
  const key = `${artworkVersion(ctx, entry)}\u0000${ctx.config.issuer.name}`;
  let etag = badgeEtags.get(key);
  if (etag === undefined) {
    etag = etagOf("badge-svg", artworkVersion(ctx, entry), ctx.config.issuer.name);
    if (badgeEtags.size >= 10_000) {
      badgeEtags.clear();
    }
    badgeEtags.set(key, etag);
  }
  return etag;
}

/**
 * The certification's badge as a square PNG: rendered once per artwork version, then served from memory (the SVG
 * is rendered only when the PNG is: every award e-mail carries this image).
 */
export async function getBadgePng(ctx: ServiceContext, achievementId: string): Promise<RenderedFile> {
  const entry = entryOrThrow(ctx, achievementId);
  const etag = badgeSvgEtag(ctx, entry);
  const body = await memo(ctx.state.badgePngs, etag, () =>
    svgToPng(renderBadgeSvgOf(ctx, entry), { width: BADGE_PNG_SIZE, height: BADGE_PNG_SIZE }),
  );
  return { body, etag, contentType: "image/png", filename: `${achievementId}.png` };
}

export type ProofForm = "json" | "jwt";

function payloadOf(record: CredentialRecord, form: ProofForm): string {
  return form === "json" ? record.document : record.jwt;
}

function downloadName(record: CredentialRecord, suffix: string): string {
  return `${record.achievementId}-${record.id.slice(0, 8)}${suffix}`;
}

/**
 * What a credential's files must say about it now (revoked, replaced, suspended, expired), from its stored status
 * and the clock at this request: never cached, so an image fetched after a revocation is marked.
 */
async function markOf(ctx: ServiceContext, record: CredentialRecord): Promise<Stamp | undefined> {
  // "Replaced" only where the public page says so too: a reissue to a corrected email went to someone else.
  const supersededBy =
    record.supersededBy && (await sameRecipient(ctx.store.conn(), record.id, record.supersededBy))
      ? record.supersededBy
      : null;
  const mark = credentialMark({ ...record, supersededBy, now: ctx.clock() });
  return mark ? STAMPS[mark] : undefined;
}

/** The badge's base artwork for a credential: the certification's own, with the band of its mark across it. */
function markedBadgeSvg(ctx: ServiceContext, achievementId: string, stamp: Stamp | undefined): RenderedFile {
  const base = getBadgeSvg(ctx, achievementId);
  if (!stamp) {
    return base;
  }
  return {
    ...base,
    body: stampSvg(String(base.body), stamp, { width: BADGE_PNG_SIZE, height: BADGE_PNG_SIZE }),
    etag: etagOf("badge-svg-stamped", base.etag, stamp.label),
  };
}

/** Its PNG, rendered once per artwork version and mark (at most one per state), then served from memory. */
async function markedBadgePng(ctx: ServiceContext, achievementId: string, stamp: Stamp | undefined) {
  if (!stamp) {
    return getBadgePng(ctx, achievementId);
  }
  const svg = markedBadgeSvg(ctx, achievementId, stamp);
  const body = await memo(ctx.state.badgePngs, svg.etag, () =>
    svgToPng(String(svg.body), { width: BADGE_PNG_SIZE, height: BADGE_PNG_SIZE }),
  );
  return { ...svg, body, contentType: "image/png" };
}

/**
 * A credential baked into its certification's badge: PNG (one iTXt `openbadgecredential` chunk added
 * to the cached base image, never re-rendered) or SVG (`<openbadges:credential>`), carrying the signed
 * JSON or the VC-JWT. A credential no longer in force gets its badge with a band saying so (REVOKED, REPLACED,
 * SUSPENDED, EXPIRED); the baked payload stays the signed credential, which any verifier finds revoked, suspended
 * or expired by itself. The ETag covers the mark, so a cached clean image is not reused after a change.
 */
export async function getBakedBadge(
  ctx: ServiceContext,
  credentialId: string,
  options: { container: "png" | "svg"; form: ProofForm },
): Promise<RenderedFile> {
  const record = await credentialOrThrow(ctx, credentialId);
  const payload = payloadOf(record, options.form);
  const jwtSuffix = options.form === "jwt" ? "-jwt" : "";
  const stamp = await markOf(ctx, record);
  if (options.container === "png") {
    const base = await markedBadgePng(ctx, record.achievementId, stamp);
    return {
      body: bakePng(base.body as Buffer, payload),
      etag: etagOf("baked-png", base.etag, payload),
      contentType: "image/png",
      filename: downloadName(record, `${jwtSuffix}.png`),
    };
  }
  const base = markedBadgeSvg(ctx, record.achievementId, stamp);
  return {
    body: bakeSvg(String(base.body), payload),
    etag: etagOf("baked-svg", base.etag, payload),
    contentType: "image/svg+xml",
    filename: downloadName(record, `${jwtSuffix}.svg`),
  };
}

/** The 1200×627 Open Graph card of a credential, rendered once and cached. */
export async function getShareCard(ctx: ServiceContext, credentialId: string): Promise<RenderedFile> {
  const record = await credentialOrThrow(ctx, credentialId);
  const badge = await getBadgePng(ctx, record.achievementId);
  const stamp = await markOf(ctx, record);
  const etag = etagOf("share-card", ctx.artwork.shareCard.version, badge.etag, record.document, stamp?.label ?? "");
  const body = await memo(ctx.state.renderedFiles, etag, () =>
    renderShareCardPng(ctx.artwork.shareCard.svg, {
      recipientName: record.recipientName,
      achievementName: record.achievementName,
      issuerName: ctx.config.issuer.name,
      issuedOn: humanDay(record.validFrom),
      badgePng: badge.body as Buffer,
      stamp,
    }),
  );
  return { body, etag, contentType: "image/png", filename: downloadName(record, "-share.png") };
}

/** The printable one-page PDF certificate of a credential, rendered once and cached. */
export async function getCertificatePdf(ctx: ServiceContext, credentialId: string): Promise<RenderedFile> {
  const record = await credentialOrThrow(ctx, credentialId);
  const entry = entryOrThrow(ctx, record.achievementId);
  const badge = await getBadgePng(ctx, record.achievementId);
  const stamp = await markOf(ctx, record);
  const etag = etagOf("certificate", badge.etag, record.document, stamp?.label ?? "");
  const body = await memo(ctx.state.renderedFiles, etag, () =>
    renderCertificatePdf({
      recipientName: record.recipientName,
      achievementName: record.achievementName,
      achievementDescription: entry.description,
      issuerName: ctx.config.issuer.name,
      issuedOn: humanDay(record.validFrom),
      expiresOn: record.validUntil ? humanDay(record.validUntil) : undefined,
      credentialId: credentialUrl(ctx.config.publicUrl, record.id),
      verifyUrl: credentialUrl(ctx.config.publicUrl, record.id),
      badgePng: badge.body as Buffer,
      stamp,
    }),
  );
  return { body, etag, contentType: "application/pdf", filename: downloadName(record, "-certificate.pdf") };
}

/** A QR code of the credential's verification URL: SVG for pages, PNG for print. */
export async function getCredentialQr(
  ctx: ServiceContext,
  credentialId: string,
  format: "svg" | "png",
): Promise<RenderedFile> {
  const record = await credentialOrThrow(ctx, credentialId);
  const url = credentialUrl(ctx.config.publicUrl, record.id);
  const etag = etagOf("qr", format, url);
  if (format === "svg") {
    return { body: await qrSvg(url), etag, contentType: "image/svg+xml", filename: downloadName(record, "-qr.svg") };
  }
  return { body: await qrPng(url, 512), etag, contentType: "image/png", filename: downloadName(record, "-qr.png") };
}
