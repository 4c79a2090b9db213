import type { EarnerOverview, HeldCredentialView, HeldState, PublicProfile } from "../../services/earner-space.js";
import { CsrfField, Flash, FormAlert, type FormErrors, TextField } from "./console/form.js";
import { Layout } from "./layout.js";
import type { Site } from "./site.js";

const SENT =
  "If this address holds credentials, a link to sign in is on its way. It works once, for 15 minutes. Nothing arrived? Check your spam folder, or ask again in a few minutes.";

/** /me/sign-in: one field; the answer to a request is the same sentence whether or not the address is known. */
export function EarnerSignInPage(props: {
  site: Site;
  email?: string;
  errors: FormErrors;
  sent?: boolean;
  alert?: string;
  notice?: string;
}) {
  const { site } = props;
  return (
    <Layout site={site} title={`Sign in to your credentials | ${site.issuerName}`} noindex>
      <div class="earner console-narrow">
        <h1>Your credentials</h1>
        <p class="lead">
          Sign in to see every credential {site.issuerName} issued you, your progress towards each certification, and
          your public profile. There is no password: we e-mail you a link.
        </p>
        <Flash message={props.notice} />
        <FormAlert message={props.alert} />
        {props.sent ? (
          <div class="console-flash" role="status" data-sent="true">
            <p>{SENT}</p>
          </div>
        ) : null}
        <section class="panel">
          <form method="post" action="/me/sign-in" class="stack-form">
            <TextField
              name="email"
              label="Your e-mail address"
              type="email"
              hint="The address your credentials were issued to."
              value={props.email}
              errors={props.errors}
              required
              autocomplete="email"
              maxLength={320}
            />
            <button type="submit" class="button">
              E-mail me a sign-in link
            </button>
          </form>
        </section>
      </div>
    </Layout>
  );
}

/**
 * /me/sign-in/<token>: a GET only shows this button (mail scanners that follow links do not use them up); the POST
 * it sends signs in. An unknown, used or expired link says so and offers a new one.
 */
export function EarnerLinkPage(props: { site: Site; action?: string }) {
  const { site } = props;
  return (
    <Layout site={site} title={`Sign in | ${site.issuerName}`} noindex>
      <div class="earner console-narrow">
        <h1>Sign in to your credentials</h1>
        {props.action ? (
          <section class="panel">
            <p>Continue to sign in on this device. The link then stops working.</p>
            <form method="post" action={props.action}>
              <button type="submit" class="button">
                Sign in
              </button>
            </form>
          </section>
        ) : (
          <section class="panel" data-link="invalid">
            <p class="lead">This sign-in link has expired or was already used.</p>
            <p>
              A link works once, for 15 minutes. <a href="/me/sign-in">Ask for a new link</a>.
            </p>
          </section>
        )}
      </div>
    </Layout>
  );
}

const STATE_WORDS: Record<HeldState, { label: string; tone: "good" | "bad" | "neutral" }> = {
  valid: { label: "Valid", tone: "good" },
  expired: { label: "Expired", tone: "bad" },
  revoked: { label: "Revoked", tone: "bad" },
  suspended: { label: "Suspended", tone: "bad" },
  replaced: { label: "Replaced by a newer credential", tone: "neutral" },
  "not-yet-valid": { label: "Not valid yet", tone: "neutral" },
};

function StateTag(props: { state: HeldState }) {
  const words = STATE_WORDS[props.state];
  return (
    <span class={`earner-state earner-state--${words.tone}`} data-state={props.state}>
      {words.label}
    </span>
  );
}

function CredentialHead(props: { credential: HeldCredentialView; level: "h2" | "h3" }) {
  const c = props.credential;
  const Heading = props.level;
  return (
    <div class="earner-item__head">
      <img src={c.imageUrl} alt="" width={64} height={64} />
      <div>
        <Heading>
          <a href={c.pageUrl}>{c.name}</a>
        </Heading>
        <p class="muted">
          Issued {c.issued}
          {c.expires ? ` · expires ${c.expires}` : " · does not expire"}
        </p>
      </div>
    </div>
  );
}

function HeldCredential(props: { credential: HeldCredentialView; csrf: string; profileOn: boolean }) {
  const c = props.credential;
  return (
    <li class="earner-item" data-credential={c.id}>
      <CredentialHead credential={c} level="h3" />
      <p>
        <StateTag state={c.state} />
      </p>
      <ul class="earner-links">
        <li>
          <a href={c.pageUrl}>Public page</a>
        </li>
        {c.linkedIn ? (
          <>
            <li>
              <a href={c.linkedIn.addToProfile} rel="noopener noreferrer">
                Add to LinkedIn profile
              </a>
            </li>
            <li>
              <a href={c.linkedIn.share} rel="noopener noreferrer">
                Share on LinkedIn
              </a>
            </li>
          </>
        ) : null}
      </ul>
      <details>
        <summary>Downloads</summary>
        <ul>
          {c.downloads.map((d) => (
            <li>
              <a href={d.url}>{d.label}</a>
            </li>
          ))}
        </ul>
      </details>
      {c.state === "valid" ? (
        <form method="post" action="/me/profile/visibility" class="inline-form">
          <CsrfField token={props.csrf} />
          <input type="hidden" name="credential" value={c.id} />
          <input type="hidden" name="hidden" value={c.hidden ? "no" : "yes"} />
          <p class="muted">
            {c.hidden
              ? "Hidden from your public profile."
              : props.profileOn
                ? "Shown on your public profile."
                : "Shown on your public profile when you publish it."}
          </p>
          <button type="submit" class="button button--secondary">
            {c.hidden ? "Show on my profile" : "Hide from my profile"}
          </button>
        </form>
      ) : (
        <p class="muted">Only valid credentials appear on your public profile.</p>
      )}
    </li>
  );
}

/** /me: a signed-in earner's credentials, progress, public profile and e-mail preferences. */
export function MePage(props: {
  site: Site;
  overview: EarnerOverview;
  csrf: string;
  flash?: string;
  errors: FormErrors;
  handle?: string;
}) {
  const { site, overview: o } = props;
  return (
    <Layout site={site} title={`Your credentials | ${site.issuerName}`} noindex>
      <div class="earner">
        <h1>Your credentials</h1>
        <p class="lead">Signed in as {o.name}.</p>
        <Flash message={props.flash} />
        <FormAlert
          message={Object.keys(props.errors).length ? "Your profile was not changed: see below." : undefined}
        />
        <section class="panel" aria-labelledby="held-head">
          <h2 id="held-head">Credentials you hold</h2>
          {o.credentials.length ? (
            <ul class="earner-list">
              {o.credentials.map((c) => (
                <HeldCredential credential={c} csrf={props.csrf} profileOn={o.profile.published} />
              ))}
            </ul>
          ) : (
            <p>You hold no credentials from {site.issuerName} at the moment.</p>
          )}
        </section>
        <section class="panel" aria-labelledby="progress-head">
          <h2 id="progress-head">Your progress</h2>
          <p class="muted">Where you stand on each certification, from the results recorded for you.</p>
          <ul class="earner-list">
            {o.progress
              .filter((p) => p.started)
              .map((p) => (
                <li class="earner-item" data-progress={p.certification} data-status={p.status}>
                  <h3>
                    <a href={`/achievements/${p.certification}`}>{p.name}</a>
                  </h3>
                  <p>{p.summary}</p>
                  {p.lines.length ? (
                    <details open={p.status === "in-progress" || p.status === "renewal-due"}>
                      <summary>The criteria, one by one</summary>
                      <ul class="rule">
                        {p.lines.map((line) => (
                          <li class={`earner-depth-${Math.min(line.depth, 4)}`} data-met={line.met ? "yes" : "no"}>
                            <strong>{line.met ? "Met" : "Not met"}:</strong> {line.label}
                            {line.missing ? <span class="muted"> — missing: {line.missing}</span> : null}
                          </li>
                        ))}
                      </ul>
                    </details>
                  ) : null}
                </li>
              ))}
          </ul>
          {o.progress.some((p) => !p.started) ? (
            <>
              <h3>Not started</h3>
              <p class="muted">Nothing recorded for you counts towards these yet; each page says what it takes.</p>
              <ul>
                {o.progress
                  .filter((p) => !p.started)
                  .map((p) => (
                    <li data-progress={p.certification} data-status={p.status}>
                      <a href={`/achievements/${p.certification}`}>{p.name}</a>
                      {p.status === "not-automated" ? ": awarded by the issuer directly" : null}
                    </li>
                  ))}
              </ul>
            </>
          ) : null}
        </section>
        <section class="panel" aria-labelledby="profile-head">
          <h2 id="profile-head">Public profile</h2>
          {o.profile.published && o.profile.url ? (
            <p data-profile="on">
              Your profile is public at <a href={o.profile.url}>{o.profile.url}</a>: it lists your valid credentials
              that you have not hidden.
            </p>
          ) : (
            <p data-profile="off">
              Your profile is not public. Publish it to get one address listing your valid credentials (hide any of them
              above).
            </p>
          )}
          <form method="post" action="/me/profile" class="stack-form">
            <CsrfField token={props.csrf} />
            <TextField
              name="handle"
              label="Your profile's address"
              hint={`${site.publicUrl}/u/<name>: 3 to 30 lower-case letters, digits and hyphens.`}
              value={props.handle ?? o.profile.handle ?? ""}
              errors={props.errors}
              maxLength={30}
              autocomplete="off"
            />
            <input type="hidden" name="published" value={o.profile.published ? "no" : "yes"} />
            {o.profile.published ? (
              <button type="submit" class="button button--secondary">
                Unpublish my profile
              </button>
            ) : (
              <button type="submit" class="button">
                Publish my profile
              </button>
            )}
          </form>
        </section>
        <section class="panel" aria-labelledby="email-head">
          <h2 id="email-head">E-mail preferences</h2>
          <p data-reminders={o.reminders ? "on" : "off"}>
            {o.reminders
              ? `${site.issuerName} e-mails you before a credential of yours expires, and says how to renew it.`
              : `You get no expiry reminders from ${site.issuerName}.`}
          </p>
          <form method="post" action="/me/preferences" class="inline-form">
            <CsrfField token={props.csrf} />
            <input type="hidden" name="reminders" value={o.reminders ? "off" : "on"} />
            <button type="submit" class="button button--secondary">
              {o.reminders ? "Stop expiry reminders" : "Send me expiry reminders again"}
            </button>
          </form>
          <p class="muted">
            Messages about a credential itself (when it is awarded, reissued, suspended or revoked) are always sent.
          </p>
        </section>
        <section class="panel" aria-labelledby="out-head">
          <h2 id="out-head">Sign out</h2>
          <form method="post" action="/me/sign-out" class="inline-form">
            <CsrfField token={props.csrf} />
            <button type="submit" class="button button--secondary">
              Sign out
            </button>
          </form>
        </section>
      </div>
    </Layout>
  );
}

/** /u/<handle>: a published profile: the holder's name and their valid credentials, with Open Graph tags. */
export function ProfilePage(props: { site: Site; profile: PublicProfile }) {
  const { site, profile: p } = props;
  const count = p.credentials.length;
  const description = `${p.name} holds ${count} credential${count === 1 ? "" : "s"} from ${site.issuerName}${
    count ? `: ${p.credentials.map((c) => c.name).join(", ")}` : ""
  }.`;
  const first = p.credentials[0];
  return (
    <Layout
      site={site}
      title={`${p.name} | ${site.issuerName}`}
      description={description}
      canonical={p.url}
      og={{
        title: `${p.name}: credentials from ${site.issuerName}`,
        description,
        url: p.url,
        type: "website",
        ...(first
          ? {
              image: {
                url: `${site.publicUrl}${first.pageUrl}/share-card.png`,
                width: 1200,
                height: 627,
                alt: `${first.name}, awarded to ${p.name}`,
              },
            }
          : {}),
      }}
    >
      <div class="earner">
        <h1>{p.name}</h1>
        <p class="lead">Credentials from {site.issuerName}. Each one can be verified on its own page.</p>
        {count ? (
          <ul class="earner-list">
            {p.credentials.map((c) => (
              <li class="earner-item" data-credential={c.id}>
                <CredentialHead credential={c} level="h2" />
                <p>
                  <StateTag state={c.state} /> <a href={c.pageUrl}>Verify it</a>
                </p>
              </li>
            ))}
          </ul>
        ) : (
          <p>No credentials are shown here at the moment.</p>
        )}
      </div>
    </Layout>
  );
}
