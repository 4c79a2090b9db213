import type { AssessmentRule, Rule } from "../criteria/rule-schema.js";
import {
  checkTemplate,
  parseTemplate,
  renderTemplate,
  type Template,
  type TemplateData,
  TemplateError,
} from "./template.js";

/** The e-mails Laurel sends, one pair of templates each (`templates/emails/<kind>.txt` and `.html`). */
export const EMAIL_KINDS = ["award", "reissue", "reminder", "revocation", "suspension", "sign-in"] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];

/** The one inline image of award and reissue messages, referenced as `cid:` from their HTML. */
export const BADGE_CID = "badge@laurel";

export type Link = { label: string; url: string };

/** What every message says: who sends it, to whom, about which credential (all URLs absolute). */
export type CommonData = {
  issuerName: string;
  recipientName: string;
  certificationName: string;
  credentialUrl: string;
  certificationUrl: string;
  homeUrl: string;
  /** The recipient's preference page (no login: the token in it is the key); every message links it. */
  preferencesUrl: string;
};

export type AwardData = CommonData & {
  /** A renewal: the new credential replaces the one that fell due. */
  renewed: boolean;
  /** `cid:` of the inline badge image. */
  badgeImage: string;
  linkedInUrl: string;
  /** "2 March 2027", or empty when it does not expire. */
  validUntil: string;
  downloads: Link[];
};

export type ReminderData = CommonData & {
  validUntil: string;
  daysLeft: number;
  /** For certifications renewed in windows: when the window opens and closes, whether it is open, what to do. */
  renewal: { opens: string; closes: string; open: boolean; steps: Array<{ text: string }> } | null;
};

export type NoticeData = CommonData & {
  /** The reason, only when it was made public; empty otherwise (a private reason is never sent). */
  reason: string;
};

/** The one-time link to the earner space (/me): asked for on /me/sign-in, about no credential in particular. */
export type SignInData = {
  issuerName: string;
  recipientName: string;
  /** The link itself (absolute; its token works once). */
  signInUrl: string;
  /** How long the link works, in minutes. */
  validMinutes: number;
  /** Where to ask for a new link. */
  requestUrl: string;
  homeUrl: string;
};

export type EmailData = {
  award: AwardData;
  reissue: AwardData;
  reminder: ReminderData;
  revocation: NoticeData;
  suspension: NoticeData;
  "sign-in": SignInData;
};

const COMMON_SAMPLE: CommonData = {
  issuerName: "Example Academy",
  recipientName: "Ada Lovelace",
  certificationName: "Example Certification",
  credentialUrl: "https://badges.example.org/credentials/1",
  certificationUrl: "https://badges.example.org/achievements/example",
  homeUrl: "https://badges.example.org",
  preferencesUrl: "https://badges.example.org/preferences/token",
};

const AWARD_SAMPLE: AwardData = {
  ...COMMON_SAMPLE,
  renewed: false,
  badgeImage: `cid:${BADGE_CID}`,
  linkedInUrl: "https://www.linkedin.com/profile/add",
  validUntil: "2 March 2027",
  downloads: [{ label: "Badge image (PNG)", url: "https://badges.example.org/credentials/1/badge.png" }],
};

/** Sample data of each kind, every optional part present: templates are checked against it when they are loaded. */
export const EMAIL_SAMPLES: { [K in EmailKind]: EmailData[K] & TemplateData } = {
  award: AWARD_SAMPLE,
  reissue: AWARD_SAMPLE,
  reminder: {
    ...COMMON_SAMPLE,
    validUntil: "2 March 2027",
    daysLeft: 30,
    renewal: { opens: "1 February 2027", closes: "3 March 2027", open: false, steps: [{ text: "Take the exam" }] },
  },
  revocation: { ...COMMON_SAMPLE, reason: "Issued in error" },
  suspension: { ...COMMON_SAMPLE, reason: "Under review" },
  "sign-in": {
    issuerName: "Example Academy",
    recipientName: "Ada Lovelace",
    signInUrl: "https://badges.example.org/me/sign-in/token",
    validMinutes: 15,
    requestUrl: "https://badges.example.org/me/sign-in",
    homeUrl: "https://badges.example.org",
  },
};

/** The downloads of a credential (as its page lists them), absolute. */
export function downloadLinks(credentialUrl: string): Link[] {
  return [
    { label: "Badge image (PNG), with the credential baked in", url: `${credentialUrl}/badge.png` },
    { label: "Badge image (SVG), with the credential baked in", url: `${credentialUrl}/badge.svg` },
    { label: "Certificate (PDF)", url: `${credentialUrl}/certificate.pdf` },
    { label: "Share card (PNG)", url: `${credentialUrl}/share-card.png` },
    { label: "Credential (JSON-LD), signed Open Badges 3.0", url: `${credentialUrl}?format=json` },
    { label: "Credential (VC-JWT)", url: `${credentialUrl}/jwt` },
  ];
}

function rulesOf(rule: Rule): Rule[] {
  return "of" in rule ? [rule, ...rule.of.flatMap(rulesOf)] : [rule];
}

/**
 * What a holder must do to renew, in words, from the certification's criteria: each assessment to take again (a
 * renewal counts only assessments taken since the window opened), its pass mark, and what a failed attempt requires
 * before a retake.
 */
export function renewalSteps(rule: Rule | undefined): string[] {
  if (!rule) {
    return [];
  }
  const all = rulesOf(rule);
  const labelOf = (id: string) => all.find((r) => r.id === id)?.label ?? id;
  return all
    .filter((r): r is AssessmentRule => r.type === "assessment")
    .flatMap((r) => {
      const label = r.label ?? r.assessment;
      const take =
        r.passMark === undefined ? `Take and pass “${label}”.` : `Take “${label}” and score ${r.passMark} % or more.`;
      const retake = r.retakeRequires
        ? [`If you score less, complete “${labelOf(r.retakeRequires)}” again before you retake it.`]
        : [];
      return [take, ...retake];
    });
}

/** `Subject: …` on the first line of a text template, then a blank line, then the body. */
export function splitSubject(name: string, source: string): { subject: string; body: string } | { error: string } {
  const match = /^Subject:[ \t]*(.+)\r?\n\r?\n/.exec(source);
  if (!match) {
    return { error: `${name}: the first line must be "Subject: …", followed by a blank line` };
  }
  return { subject: match[1] as string, body: source.slice(match[0].length) };
}

/** One kind's templates: the subject line, and the plain-text and HTML bodies. */
export type EmailTemplateSet = { subject: Template; text: Template; html: Template };
export type EmailTemplates = Record<EmailKind, EmailTemplateSet>;

/**
 * Parses and checks one kind's templates (`<kind>.txt`, whose first line is the subject, and `<kind>.html`): an
 * unknown value name or an unclosed block throws TemplateError naming the file and line.
 */
export function parseEmailTemplates(
  kind: EmailKind,
  files: { text: TemplateFile; html: TemplateFile },
): EmailTemplateSet {
  const split = splitSubject(files.text.name, files.text.source);
  if ("error" in split) {
    throw new TemplateError(split.error);
  }
  const set = {
    subject: parseTemplate(`${files.text.name} (subject)`, split.subject),
    text: parseTemplate(files.text.name, split.body),
    html: parseTemplate(files.html.name, files.html.source),
  };
  for (const template of [set.subject, set.text, set.html]) {
    checkTemplate(template, EMAIL_SAMPLES[kind]);
  }
  return set;
}

export type TemplateFile = { name: string; source: string };

export type RenderedEmail = { subject: string; text: string; html: string };

/** Renders a message: the subject on one line, the text as written, the HTML with every value escaped. */
export function renderEmail<K extends EmailKind>(set: EmailTemplateSet, data: EmailData[K]): RenderedEmail {
  const values = data as unknown as TemplateData;
  return {
    subject: renderTemplate(set.subject, values, "text")
      .replace(/[\r\n]+/g, " ")
      .trim(),
    text: renderTemplate(set.text, values, "text"),
    html: renderTemplate(set.html, values, "html"),
  };
}
