import type { CredentialPageData } from "../../services/credential-page-data.js";
import type { Check, CredentialDisplay } from "../../verify/report.js";
import { ChecksList } from "./components/checks-list.js";
import { CredentialBody, CredentialHead } from "./components/credential-details.js";
import { HistoryPanel, ReplacementNotice } from "./components/lifecycle-panel.js";
import { RecipientAnswer, RecipientForm } from "./components/recipient-form.js";
import { isGenuine, VerdictBanner, verdictLabel } from "./components/verdict-banner.js";
import { Layout, type OpenGraph } from "./layout.js";
import type { Site } from "./site.js";

export const SHARE_CARD = { width: 1200, height: 627 };

/** "Ada Lovelace — GitLab Certified Associate", prefixed with the status when it is not valid. */
function headline(data: CredentialPageData, display: CredentialDisplay): string {
  const who = display.recipientName ? `${display.recipientName} — ` : "";
  const status = data.report.verdict === "valid" ? "" : `${verdictLabel(data.report.verdict)}: `;
  return `${status}${who}${display.name}`;
}

function openGraph(data: CredentialPageData, display: CredentialDisplay, site: Site): OpenGraph {
  const description = display.description ?? `${display.name}, issued by ${site.issuerName}.`;
  return {
    title: headline(data, display),
    description: description.length > 300 ? `${description.slice(0, 297)}…` : description,
    url: data.url,
    type: "website",
    image: {
      url: `${data.url}/share-card.png`,
      ...SHARE_CARD,
      alt: `${display.name} awarded${display.recipientName ? ` to ${display.recipientName}` : ""} by ${site.issuerName}`,
    },
  };
}

/** The word across the images and certificate of a credential no longer in force (as the files service draws it). */
function markWord(data: CredentialPageData): string | undefined {
  switch (data.report.verdict) {
    case "revoked":
      return data.lifecycle.supersededBy ? "REPLACED" : "REVOKED";
    case "suspended":
      return "SUSPENDED";
    case "expired":
      return "EXPIRED";
    default:
      return undefined;
  }
}

function Downloads(props: { id: string; mark?: string }) {
  const base = `/credentials/${props.id}`;
  const marked = (note: string) => (props.mark ? `${note}, marked “${props.mark}”` : note);
  // The server names the image and PDF downloads; the JSON and JWT come from routes that do not, so name them here.
  const files = [
    { href: `${base}/badge.png`, label: "Badge image (PNG)", note: marked("with the credential baked in") },
    { href: `${base}/badge.svg`, label: "Badge image (SVG)", note: marked("with the credential baked in") },
    { href: `${base}/certificate.pdf`, label: "Certificate (PDF)", note: marked("printable, with a QR code") },
    { href: `${base}/share-card.png`, label: "Share card (PNG)", note: marked("1200 × 627") },
    {
      href: `${base}?format=json`,
      label: "Credential (JSON-LD)",
      note: "signed Open Badges 3.0",
      name: `credential-${props.id}.json`,
    },
    {
      href: `${base}/jwt`,
      label: "Credential (VC-JWT)",
      note: "the same credential as a JWT",
      name: `credential-${props.id}.jwt`,
    },
  ];
  return (
    <section class="panel" aria-labelledby="downloads-heading">
      <h2 id="downloads-heading">Downloads</h2>
      <ul class="downloads">
        {files.map((f) => (
          <li>
            <a href={f.href} download={"name" in f ? f.name : true}>
              {f.label}
            </a>{" "}
            <span class="muted">{f.note}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** Right under the verdict (only a valid credential has it), so a holder on a phone need not scroll for it. */
function ShareBar(props: { linkedIn: NonNullable<CredentialPageData["linkedIn"]> }) {
  return (
    <section class="share-bar" aria-labelledby="share-heading">
      <h2 id="share-heading" class="share-bar__title">
        Share this credential
      </h2>
      <ul class="actions">
        <li>
          <a class="button" href={props.linkedIn.addToProfile} rel="noopener" data-linkedin="add-to-profile">
            Add to LinkedIn profile
          </a>
        </li>
        <li>
          <a class="button button--secondary" href={props.linkedIn.share} rel="noopener" data-linkedin="share">
            Share on LinkedIn
          </a>
        </li>
      </ul>
    </section>
  );
}

function QrPanel(props: { data: CredentialPageData }) {
  return (
    <section class="panel qr" aria-labelledby="qr-heading">
      <h2 id="qr-heading">Scan to verify</h2>
      <div class="qr__code">
        <img src={props.data.qrPath} alt={`QR code linking to ${props.data.url}`} width="200" height="200" />
      </div>
      <p class="qr__url">
        <a href={`/credentials/${props.data.id}`} class="break">
          {props.data.url}
        </a>
      </p>
      <p class="muted">
        Short link: <span class="break">{props.data.shortUrl}</span>
      </p>
    </section>
  );
}

/** The public page of one of our credentials: verdict first, then what it is, then the evidence of the checks. */
export function CredentialPage(props: {
  site: Site;
  data: CredentialPageData;
  recipient?: { result?: Check; error?: string };
}) {
  const { site, data } = props;
  const { report, lifecycle } = data;
  const display = report.display;
  if (!display) {
    throw new Error("a stored credential always has display data");
  }
  const genuine = isGenuine(report.verdict);
  return (
    <Layout
      site={site}
      title={`${headline(data, display)} | ${site.issuerName}`}
      description={display.description}
      canonical={data.url}
      og={openGraph(data, display, site)}
    >
      {props.recipient ? <RecipientAnswer result={props.recipient.result} error={props.recipient.error} /> : null}
      <VerdictBanner
        verdict={report.verdict}
        display={display}
        checkedAt={report.checkedAt}
        reason={lifecycle.state !== "active" ? lifecycle.publicReason : undefined}
        since={lifecycle.since}
        replaced={lifecycle.supersededBy !== undefined}
      />
      {data.linkedIn ? <ShareBar linkedIn={data.linkedIn} /> : null}
      <ReplacementNotice lifecycle={lifecycle} />
      <div class="page-grid">
        <article class="page-grid__main" aria-labelledby="credential-name">
          <CredentialHead
            display={display}
            options={{ site, genuine, badgeSrc: `/credentials/${data.id}/badge.png` }}
            expiredNow={report.verdict === "expired"}
          />
          <CredentialBody display={display} site={site} genuine={genuine} />
          <ChecksList checks={report.checks} />
          <RecipientForm action={`/credentials/${data.id}/recipient`} error={props.recipient?.error} />
          <HistoryPanel lifecycle={lifecycle} />
        </article>
        <aside class="page-grid__side" aria-label="Scan and download">
          <QrPanel data={data} />
          <Downloads id={data.id} mark={markWord(data)} />
        </aside>
      </div>
    </Layout>
  );
}
