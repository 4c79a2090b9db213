import type { ServiceContext } from "../../services/deps.js";
import { ownPath, safeHttpUrl } from "./urls.js";

/** What every page shows about the site itself: the issuer's name and logo. */
export type Site = { issuerId: string; issuerName: string; logoSrc?: string; publicUrl: string };

type SiteOnce = {
  issuer: ServiceContext["issuer"];
  image: string | undefined;
  publicUrl: string;
  site: Readonly<Site>;
};

/** The site of each context, worked out once (it parsed the logo's URL on every page view) while its inputs stay. */
const siteOnce = new WeakMap<ServiceContext, SiteOnce>();

/** The configured logo as a path when it is ours, else its absolute URL (the page CSP allows that one origin). */
export function siteOf(ctx: ServiceContext): Site {
  const image = ctx.config.issuer.image;
  const publicUrl = ctx.config.publicUrl;
  const hit = siteOnce.get(ctx);
  if (hit && hit.issuer === ctx.issuer && hit.image === image && hit.publicUrl === publicUrl) {
    return hit.site;
  }
  const site = Object.freeze({
    issuerId: ctx.issuer.id,
    issuerName: ctx.issuer.name,
    logoSrc: ownPath(image, publicUrl) ?? safeHttpUrl(image),
    publicUrl,
  });
  siteOnce.set(ctx, { issuer: ctx.issuer, image, publicUrl, site });
  return site;
}
