import type { RuleReport } from "../domain/criteria/types.js";
import { downloadLinks, type Link } from "../domain/email/messages.js";
import { humanDay } from "../domain/human-date.js";
import { windowDueAt } from "../domain/renewal.js";
import { validationError } from "../errors.js";
import { findProfile, findProfileByHandle, findRecipient, saveProfile } from "../storage/earner-repo.js";
import { remindersWanted, setRemindersWanted } from "../storage/email-preferences-repo.js";
import { credentialsHeldBy, type HeldRow } from "../storage/person-credentials-repo.js";
import { loadCredentialPage } from "./credential-page-data.js";
import type { ServiceContext } from "./deps.js";
import type { EarnerSession } from "./earner.js";
import { type ProgressStatus, progressForPerson } from "./progress.js";

/** How a held credential stands today, in the words the page shows. */
export type HeldState = "valid" | "expired" | "revoked" | "suspended" | "replaced" | "not-yet-valid";

export type HeldCredentialView = {
  id: string;
  name: string;
  achievementId: string;
  state: HeldState;
  issued: string;
  /** "2 March 2027", or null when it does not expire. */
  expires: string | null;
  pageUrl: string;
  imageUrl: string;
  /** Only for a valid credential (as its page offers it). */
  linkedIn?: { addToProfile: string; share: string };
  downloads: Link[];
  /** Left out of the public profile by its holder. */
  hidden: boolean;
};

export type ProgressLine = { label: string; met: boolean; missing?: string; depth: number };

export type ProgressView = {
  certification: string;
  name: string;
  status: ProgressStatus;
  /** The status in plain words. */
  summary: string;
  /** Each rule of the criteria with whether it is met and what is missing (empty: no criteria tracked here). */
  lines: ProgressLine[];
  /** Held, due, met, or at least one criterion met: false when nothing counts towards it yet. */
  started: boolean;
};

export type ProfileSettings = { published: boolean; handle: string | null; url: string | null };

export type EarnerOverview = {
  name: string;
  credentials: HeldCredentialView[];
  progress: ProgressView[];
  reminders: boolean;
  profile: ProfileSettings;
};

function stateOf(row: HeldRow, replaced: boolean, now: Date): HeldState {
  if (row.revokedAt) {
    return replaced ? "replaced" : "revoked";
  }
  if (row.suspendedAt) {
    return "suspended";
  }
  if (row.validUntil && row.validUntil <= now) {
    return "expired";
  }
  return row.validFrom > now ? "not-yet-valid" : "valid";
}

/** Every credential a person holds, newest first, as their own page shows them (state, links, downloads). */
async function heldCredentials(ctx: ServiceContext, email: string, hidden: readonly string[]) {
  const rows = (await credentialsHeldBy(ctx.store.conn(), email)).sort(
    (a, b) => b.validFrom.getTime() - a.validFrom.getTime(),
  );
  const now = ctx.clock();
  const views: HeldCredentialView[] = [];
  for (const row of rows) {
    const page = await loadCredentialPage(ctx, row.credentialId);
    const entry = ctx.catalog.get(row.achievementId);
    const url = page?.url ?? `${ctx.config.publicUrl}/credentials/${row.credentialId}`;
    const state = stateOf(row, Boolean(page?.lifecycle.supersededBy), now);
    views.push({
      id: row.credentialId,
      name: entry?.name ?? page?.report.display?.name ?? row.achievementId,
      achievementId: row.achievementId,
      state,
      issued: humanDay(row.validFrom),
      expires: row.validUntil ? humanDay(row.validUntil) : null,
      pageUrl: `/credentials/${row.credentialId}`,
      imageUrl: `/achievements/${row.achievementId}/image`,
      ...(page?.linkedIn && state === "valid" ? { linkedIn: page.linkedIn } : {}),
      downloads: downloadLinks(url),
      hidden: hidden.includes(row.credentialId),
    });
  }
  return views;
}

const SUMMARY: Record<ProgressStatus, string> = {
  held: "You hold it.",
  "renewal-due": "Renewal due: the renewal window is open. Meet the criteria below again to renew it.",
  "pending-approval": "You meet the criteria: the award is waiting for approval.",
  eligible: "You meet the criteria: it is being awarded.",
  "in-progress": "Not met yet. What is still missing is listed below.",
  "not-automated": "Awarded by the issuer directly: no criteria are tracked here.",
};

/** A report tree as indented lines (met, what is missing): the earner space and the console's evidence page. */
export function linesOf(report: RuleReport | null): ProgressLine[] {
  const lines: ProgressLine[] = [];
  const walk = (r: RuleReport, depth: number) => {
    lines.push({
      label: r.label,
      met: r.status === "met",
      ...(r.status !== "met" && r.missing ? { missing: r.missing } : {}),
      depth,
    });
    for (const child of r.children ?? []) {
      walk(child, depth + 1);
    }
  };
  if (report) {
    walk(report, 0);
  }
  return lines;
}

/** The summary of a renewal due: when the window closes (the credential lapses), for renewable certifications. */
function renewalSummary(ctx: ServiceContext, certification: string, held: HeldCredentialView[], rows: HeldRow[]) {
  const entry = ctx.catalog.get(certification);
  const policy = entry?.validity?.renewal;
  const row = rows.find((r) => r.achievementId === certification && !r.revokedAt && r.validUntil);
  if (!policy || !row?.validUntil || !held.length) {
    return SUMMARY["renewal-due"];
  }
  const window = windowDueAt(policy, ctx.config.fiscalYearStartMonth, row.validUntil);
  return `Renewal due: the renewal window is open until ${humanDay(window.closes)}. Meet the criteria below again to renew it.`;
}

function profileSettings(ctx: ServiceContext, row: { published: boolean; handle: string | null } | undefined) {
  const handle = row?.handle ?? null;
  const published = row?.published ?? false;
  return { published, handle, url: published && handle ? `${ctx.config.publicUrl}/u/${handle}` : null };
}

/** Everything /me shows for a signed-in earner: their credentials, progress, e-mail preferences and profile. */
export async function earnerOverview(ctx: ServiceContext, session: EarnerSession): Promise<EarnerOverview> {
  const db = ctx.store.conn();
  const profile = await findProfile(db, session.recipientId);
  const credentials = await heldCredentials(ctx, session.email, profile?.hiddenCredentials ?? []);
  const rows = await credentialsHeldBy(db, session.email);
  const progress = (await progressForPerson(ctx, session.email)).map((p) => {
    const lines = linesOf(p.report);
    return {
      certification: p.certification,
      name: p.name,
      status: p.status,
      summary: p.status === "renewal-due" ? renewalSummary(ctx, p.certification, credentials, rows) : SUMMARY[p.status],
      lines,
      started: (p.status !== "in-progress" && p.status !== "not-automated") || lines.some((l) => l.met),
    };
  });
  return {
    name: session.name,
    credentials,
    progress,
    reminders: await remindersWanted(db, session.recipientId),
    profile: profileSettings(ctx, profile),
  };
}

export async function setEarnerReminders(ctx: ServiceContext, session: EarnerSession, on: boolean): Promise<void> {
  await ctx.store.tx((tx) => setRemindersWanted(tx, session.recipientId, on, ctx.clock()));
}

/** A handle: 3 to 30 lower-case letters, digits and inner hyphens. */
const HANDLE = /^[a-z0-9](?:[a-z0-9-]{1,28})[a-z0-9]$/;

/** Handles that would read as the issuer's own pages. */
const RESERVED = new Set(["admin", "console", "me", "api", "issuer", "laurel", "verify", "settings", "profile"]);

/**
 * Publishes or unpublishes the earner's profile. Publishing needs a handle (validated, unique: another person's is
 * refused naming the field); unpublishing keeps the handle for next time.
 */
export async function saveProfileSettings(
  ctx: ServiceContext,
  session: EarnerSession,
  input: { published: boolean; handle: string },
): Promise<ProfileSettings> {
  const handle = input.handle.trim().toLowerCase();
  const now = ctx.clock();
  if (handle !== "" && (!HANDLE.test(handle) || handle.includes("--"))) {
    throw validationError([
      { path: "handle", message: "use 3 to 30 lower-case letters, digits and single hyphens (not at either end)" },
    ]);
  }
  if (RESERVED.has(handle)) {
    throw validationError([{ path: "handle", message: "this name is reserved: choose another" }]);
  }
  if (input.published && handle === "") {
    throw validationError([{ path: "handle", message: "choose a name for your profile's address first" }]);
  }
  return ctx.store.tx(async (tx) => {
    await ctx.store.lock(tx, `earner-handle:${handle}`);
    const owner = handle ? await findProfileByHandle(tx, handle) : undefined;
    if (owner && owner.recipientId !== session.recipientId) {
      throw validationError([{ path: "handle", message: "this name is taken: choose another" }]);
    }
    const current = await findProfile(tx, session.recipientId);
    const row = {
      recipientId: session.recipientId,
      handle: handle || null,
      published: input.published,
      hiddenCredentials: current?.hiddenCredentials ?? [],
      updatedAt: now,
    };
    await saveProfile(tx, row);
    return profileSettings(ctx, row);
  });
}

/** Hides a credential of the earner's from their public profile, or shows it again; someone else's: 404-like refusal. */
export async function setCredentialHidden(
  ctx: ServiceContext,
  session: EarnerSession,
  credentialId: string,
  hidden: boolean,
): Promise<boolean> {
  const held = await credentialsHeldBy(ctx.store.conn(), session.email);
  if (!held.some((h) => h.credentialId === credentialId)) {
    return false;
  }
  await ctx.store.tx(async (tx) => {
    const current = await findProfile(tx, session.recipientId);
    const set = new Set(current?.hiddenCredentials ?? []);
    if (hidden) {
      set.add(credentialId);
    } else {
      set.delete(credentialId);
    }
    await saveProfile(tx, {
      recipientId: session.recipientId,
      handle: current?.handle ?? null,
      published: current?.published ?? false,
      hiddenCredentials: [...set].sort(),
      updatedAt: ctx.clock(),
    });
  });
  return true;
}

export type PublicProfile = {
  handle: string;
  name: string;
  url: string;
  /** Valid credentials not hidden by their holder (revoked, suspended, expired and replaced ones never show). */
  credentials: HeldCredentialView[];
};

/** A published profile by its handle, or undefined (unknown or not published: the same answer). */
export async function publicProfile(ctx: ServiceContext, handle: string): Promise<PublicProfile | undefined> {
  const key = handle.toLowerCase();
  if (!HANDLE.test(key)) {
    return undefined;
  }
  const db = ctx.store.conn();
  const row = await findProfileByHandle(db, key);
  if (!row?.published || !row.handle) {
    return undefined;
  }
  const recipient = await findRecipient(db, row.recipientId);
  if (!recipient) {
    return undefined;
  }
  const all = await heldCredentials(ctx, recipient.email, row.hiddenCredentials);
  return {
    handle: row.handle,
    name: recipient.name,
    url: `${ctx.config.publicUrl}/u/${row.handle}`,
    credentials: all.filter((c) => !c.hidden && c.state === "valid"),
  };
}
