import { parseInstant } from "../domain/human-date.js";
import { linkedInAddToProfileUrl, linkedInShareUrl } from "../domain/linkedin.js";
import { type CredentialPageRow, findCredentialPageRow } from "../storage/credential-pages-repo.js";
import { findStoredDocument } from "../storage/credentials-repo.js";
import { finishReport } from "../verify/engine.js";
import type { Check, CredentialDisplay, VerificationReport } from "../verify/report.js";
import { type CredentialLifecycle, getCredentialLifecycle, quickLifecycle } from "./credential-lifecycle.js";
import { analysisFromProjection, rememberProjection, type SharedDisplay } from "./credential-page-projection.js";
import { credentialUrl, shortLinkUrl } from "./credential-view.js";
import type { ServiceContext } from "./deps.js";
import { storedAnalysis, verifyEnv } from "./verify-credential.js";

/** Everything the page of one of our credentials shows, gathered per request (status and expiry are live). */
export type CredentialPageData = {
  id: string;
  /** Absolute: the credential's id, canonical URL, og:url and what the QR code holds. */
  url: string;
  shortUrl: string;
  report: VerificationReport;
  lifecycle: CredentialLifecycle;
  /** Path of its QR code (an SVG served beside the page, cacheable: it depends on the id alone). */
  qrPath: string;
  /** Only for a credential that verifies valid. */
  linkedIn?: { addToProfile: string; share: string };
  /** The answer to "is this the recipient's email?", when an email was given. */
  recipientCheck?: Check;
  /** The shared part of its page projection the display was made with (the template's key names it). */
  sharedDisplay?: SharedDisplay;
};

/** The LinkedIn links of a credential's page: only for a credential that verifies valid. */
export function linkedInLinks(
  ctx: ServiceContext,
  id: string,
  url: string,
  verdict: VerificationReport["verdict"],
  display: Pick<CredentialDisplay, "name" | "validFrom" | "issuedOn" | "validUntil"> | undefined,
) {
  const issuedAt = parseInstant(display?.validFrom ?? display?.issuedOn);
  if (verdict !== "valid" || !display || !issuedAt) {
    return undefined;
  }
  return {
    addToProfile: linkedInAddToProfileUrl({
      name: display.name,
      organizationId: ctx.config.issuer.linkedInOrganizationId,
      organizationName: ctx.issuer.name,
      issuedAt,
      expiresAt: parseInstant(display.validUntil),
      certUrl: url,
      certId: id,
    }),
    share: linkedInShareUrl(url),
  };
}

/** The page data of a stored credential, or undefined when there is no such credential. */
export async function loadCredentialPage(
  ctx: ServiceContext,
  id: string,
  options: {
    recipientEmail?: string;
    /** The credential's page row and the time of the view, when the caller has them (credential-page-fast.ts). */
    read?: { row: CredentialPageRow; now: Date };
  } = {},
): Promise<CredentialPageData | undefined> {
  // one read of the row for the lifecycle and the page projection (the lifecycle live: nothing of it is kept between
  // views); the signed document only when the projection does not apply (credential-page-projection.ts)
  const conn = ctx.store.conn();
  const row = options.read?.row ?? (await findCredentialPageRow(conn, id));
  if (!row) {
    return undefined;
  }
  const keys = await ctx.keys.fresh();
  const env = await verifyEnv(ctx, keys);
  if (options.read) {
    env.now = options.read.now;
  }
  // the projection keeps no recipient identifiers: a recipient check reads the document
  const projected = options.recipientEmail === undefined ? await analysisFromProjection(ctx, row, env) : undefined;
  let analysis = projected?.analysis;
  if (!analysis) {
    const document = await findStoredDocument(conn, id);
    if (document === undefined) {
      return undefined;
    }
    analysis = await storedAnalysis(ctx, document, env, keys.keyset);
    if (options.recipientEmail === undefined) {
      await rememberProjection(ctx, id, analysis);
    }
  }
  // validity and status against this moment's clock and status lists, on every view
  const report = await finishReport(analysis, env, options.recipientEmail);
  const url = credentialUrl(ctx.config.publicUrl, id);
  return {
    id,
    url,
    report,
    // the history from the audit log only when the row says it holds more than the issuance the projection keeps
    lifecycle: quickLifecycle(row, projected?.issuedAt) ?? (await getCredentialLifecycle(ctx, id, row)),
    qrPath: `/credentials/${id}/qr.svg`,
    shortUrl: shortLinkUrl(ctx.config.publicUrl, id),
    linkedIn: linkedInLinks(ctx, id, url, report.verdict, report.display),
    ...(options.recipientEmail ? { recipientCheck: report.checks.find((check) => check.id === "recipient") } : {}),
    ...(projected && analysis === projected.analysis ? { sharedDisplay: projected.shared } : {}),
  };
}
