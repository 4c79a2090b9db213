import type { ServiceContext } from "../../services/deps.js";
import { ownPath, safeHttpUrl } from "./urls.js";

/** What every page shows about the site itself: the issuer's name and logo. */
export type Site = { issuerId: string; issuerName: string; logoSrc?: string; publicUrl: string };

/** The configured logo as a path when it is ours, else its absolute URL (the page CSP allows that one origin). */
export function siteOf(ctx: ServiceContext): Site {
  const image = ctx.config.issuer.image;
  return {
    issuerId: ctx.issuer.id,
    issuerName: ctx.issuer.name,
    logoSrc: ownPath(image, ctx.config.publicUrl) ?? safeHttpUrl(image),
    publicUrl: ctx.config.publicUrl,
  };
}
