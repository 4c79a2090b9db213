import type { Child } from "hono/jsx";
import type { Site } from "./site.js";

/** Open Graph metadata (STANDARDS.md §9.2): what LinkedIn and others show when the page URL is posted. */
export type OpenGraph = {
  title: string;
  description: string;
  url: string;
  type: "website" | "article";
  image?: { url: string; width: number; height: number; alt: string };
};

export type LayoutProps = {
  site: Site;
  title: string;
  description?: string;
  /** Absolute canonical URL (the credential URL for both of its addresses). */
  canonical?: string;
  og?: OpenGraph;
  /** Pages showing a visitor's upload are nobody's to index. */
  noindex?: boolean;
  children?: Child;
};

/** The page shell: landmarks (header, nav, main, footer), a skip link, one stylesheet, no scripts. */
export function Layout(props: LayoutProps) {
  const { site, og } = props;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        {props.description ? <meta name="description" content={props.description} /> : null}
        {props.noindex ? <meta name="robots" content="noindex, nofollow" /> : null}
        {props.canonical ? <link rel="canonical" href={props.canonical} /> : null}
        {og ? (
          <>
            <meta property="og:title" content={og.title} />
            <meta property="og:description" content={og.description} />
            <meta property="og:url" content={og.url} />
            <meta property="og:type" content={og.type} />
            <meta property="og:site_name" content={site.issuerName} />
            {og.image ? (
              <>
                <meta property="og:image" content={og.image.url} />
                <meta property="og:image:type" content="image/png" />
                <meta property="og:image:width" content={String(og.image.width)} />
                <meta property="og:image:height" content={String(og.image.height)} />
                <meta property="og:image:alt" content={og.image.alt} />
              </>
            ) : null}
          </>
        ) : null}
        <link rel="stylesheet" href="/public/laurel.css" />
        {site.logoSrc ? <link rel="icon" href={site.logoSrc} /> : null}
      </head>
      <body>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="site-header">
          <div class="wrap site-header__inner">
            <a class="brand" href="/">
              {site.logoSrc ? <img class="brand__logo" src={site.logoSrc} alt="" width={40} height={40} /> : null}
              <span class="brand__name">{site.issuerName}</span>
            </a>
            <nav aria-label="Site">
              <ul class="site-nav">
                <li>
                  <a href="/achievements">Certifications</a>
                </li>
                <li>
                  <a href="/verify">Verify a badge</a>
                </li>
                <li>
                  <a href="/issuer">Issuer</a>
                </li>
              </ul>
            </nav>
          </div>
        </header>
        <main id="main" class="wrap" tabindex={-1}>
          {props.children}
        </main>
        <footer class="site-footer">
          <div class="wrap">
            <p>
              Credentials from {site.issuerName} are Open Badges 3.0 verifiable credentials: anyone can check them, here
              or with any Open Badges verifier.
            </p>
            <p>
              <a href="/verify">Verify a badge</a> · <a href="/achievements">Certifications</a> ·{" "}
              <a href="/issuer">Issuer</a> · <a href="/docs">API</a>
            </p>
          </div>
        </footer>
      </body>
    </html>
  );
}
