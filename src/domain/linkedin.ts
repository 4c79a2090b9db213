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

/** `https://www.linkedin.com/profile/add?startTask=CERTIFICATION_NAME&…`, months 1-based, dates in UTC. */
export function linkedInAddToProfileUrl(input: AddToProfileInput): string {
  const params = new URLSearchParams({ startTask: "CERTIFICATION_NAME", name: input.name });
  if (input.organizationId) {
    params.set("organizationId", input.organizationId);
  } else {
    params.set("organizationName", input.organizationName);
  }
  params.set("issueYear", String(input.issuedAt.getUTCFullYear()));
  params.set("issueMonth", String(input.issuedAt.getUTCMonth() + 1));
  if (input.expiresAt) {
    params.set("expirationYear", String(input.expiresAt.getUTCFullYear()));
    params.set("expirationMonth", String(input.expiresAt.getUTCMonth() + 1));
  }
  params.set("certUrl", input.certUrl);
  params.set("certId", input.certId);
  // URLSearchParams writes spaces as "+", which LinkedIn shows literally in some fields: use %20.
  return `https://www.linkedin.com/profile/add?${params.toString().replaceAll("+", "%20")}`;
}

/** `https://www.linkedin.com/sharing/share-offsite/?url=…`: a feed post whose preview is the page's OG tags. */
export function linkedInShareUrl(pageUrl: string): string {
  return `https://www.linkedin.com/sharing/share-offsite/?url=${encodeURIComponent(pageUrl)}`;
}
