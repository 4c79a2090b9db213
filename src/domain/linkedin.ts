/**
 * LinkedIn links for a credential (STANDARDS.md §9): the "Add to profile" certification deep link and the
 * share-a-post link. LinkedIn reads only these query parameters; the post preview comes from Open Graph tags.
 */

export type AddToProfileInput = {
  /** Certification name, as the profile will show it. */
  name: string;
  /** Numeric LinkedIn organisation id: links the company page and logo. Preferred over the name. */
  organizationId?: string;
  organizationName: string;
  issuedAt: Date;
  /** Absent for credentials that do not expire: LinkedIn then shows "No expiration date". */
  expiresAt?: Date;
  /** The credential's verification URL. */
  certUrl: string;
  /** The credential's id as a person would quote it. */
  certId: string;
};

/** The characters encodeURIComponent leaves as they are and the form encoding (URLSearchParams) does not. */
const NOT_FORM_SAFE = /[!'()~]/g;

/**
 * A query value as URLSearchParams writes it (application/x-www-form-urlencoded: a lone surrogate as U+FFFD, every
 * byte but letters, digits and `*-._` percent-encoded), but a space as %20 instead of "+", which LinkedIn shows
 * literally in some fields. Built by hand: a URLSearchParams per link was a tenth of a page view's own work.
 */
function queryValue(value: string): string {
  return encodeURIComponent(value.toWellFormed()).replace(
    NOT_FORM_SAFE,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** `https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&…`, months 1-based, dates in UTC. */
export function linkedInAddToProfileUrl(input: AddToProfileInput): string {
  let query = `startTask=CERTIFICATION_NAME&name=${queryValue(input.name)}`;
  query += input.organizationId
    ? `&organizationId=${queryValue(input.organizationId)}`
    : `&organizationName=${queryValue(input.organizationName)}`;
  query += `&issueYear=${input.issuedAt.getUTCFullYear()}&issueMonth=${input.issuedAt.getUTCMonth() + 1}`;
  if (input.expiresAt) {
    query += `&expirationYear=${input.expiresAt.getUTCFullYear()}&expirationMonth=${input.expiresAt.getUTCMonth() + 1}`;
  }
  query += `&certUrl=${queryValue(input.certUrl)}&certId=${queryValue(input.certId)}`;
  return `https://www.linkedin.com/profile/add?${query}`;
}

/** `https://www.linkedin.com/sharing/share-offsite/?url=…`: a feed post whose preview is the page's OG tags. */
export function linkedInShareUrl(pageUrl: string): string {
  return `https://www.linkedin.com/sharing/share-offsite/?url=${encodeURIComponent(pageUrl)}`;
}
