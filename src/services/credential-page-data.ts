import { parseInstant } from "../domain/human-date.js";
import { linkedInAddToProfileUrl, linkedInShareUrl } from "../domain/linkedin.js";
import { findStoredDocumentWithLifecycle } from "../storage/credentials-repo.js";
import type { Check, VerificationReport } from "../verify/report.js";
import { type CredentialLifecycle, getCredentialLifecycle } from "./credential-lifecycle.js";
import { credentialUrl, shortLinkUrl } from "./credential-view.js";
import type { ServiceContext } from "./deps.js";
import { verifyStoredDocument } from "./verify-credential.js";

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
};

function linkedInLinks(ctx: ServiceContext, id: string, url: string, report: VerificationReport) {
  const display = report.display;
  const issuedAt = parseInstant(display?.validFrom ?? display?.issuedOn);
  if (report.verdict !== "valid" || !display || !issuedAt) {
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
  options: { recipientEmail?: string } = {},
): Promise<CredentialPageData | undefined> {
  // one read of the row for the document and the lifecycle (both live: nothing of either is kept between views)
  const row = await findStoredDocumentWithLifecycle(ctx.store.conn(), id);
  if (!row) {
    return undefined;
  }
  const report = await verifyStoredDocument(ctx, row.document, options);
  const url = credentialUrl(ctx.config.publicUrl, id);
  return {
    id,
    url,
    report,
    lifecycle: await getCredentialLifecycle(ctx, id, row),
    qrPath: `/credentials/${id}/qr.svg`,
    shortUrl: shortLinkUrl(ctx.config.publicUrl, id),
    linkedIn: linkedInLinks(ctx, id, url, report),
    ...(options.recipientEmail ? { recipientCheck: report.checks.find((check) => check.id === "recipient") } : {}),
  };
}
