import type { Context, Hono, MiddlewareHandler } from "hono";
import { canSome, programsWith } from "../../domain/access.js";
import type { Catalog, CatalogEntry } from "../../domain/catalog/parse-catalog.js";
import { AppError } from "../../errors.js";
import { type PeopleScope, personOverview, personPage, searchPeople } from "../../services/people.js";
import { assessmentNamer } from "../pages/catalog-words.js";
import { consoleLayoutEdges } from "../pages/console/layout.js";
import { PeoplePage, peopleHref, peoplePageBytes } from "../pages/console/people-page.js";
import { personContentBytes } from "../pages/console/person-markup.js";
import { PersonPage } from "../pages/console/person-page.js";
import { ruleInWords } from "../pages/rule-words.js";
import { sendHtml } from "../send-page.js";
import type { ConsoleEnv } from "./console-env.js";
import { appContext, sendConsoleBytes, sendConsolePage } from "./render.js";
import { chromeOf, requireSession, sessionOf } from "./session.js";

const PAGE_SIZE = 50;
const EVIDENCE_PAGE = 50;
const HISTORY_SIZE = 50;
const MAX_QUERY = 200;

/** Who may open the people pages: an account reading credentials or evidence (of at least one program). */
function requirePeopleReader(): MiddlewareHandler<ConsoleEnv> {
  const signedIn = requireSession();
  return (c, next) =>
    signedIn(c, () => {
      const principal = c.get("session")?.principal ?? null;
      if (!canSome(principal, "credentials:read") && !canSome(principal, "evidence:read")) {
        throw new AppError(
          "FORBIDDEN",
          'Your roles do not allow this (it needs the "credentials:read" or "evidence:read" permission)',
          { requiredPermission: "evidence:read" },
        );
      }
      return next();
    });
}

function scopeOf(c: Context<ConsoleEnv>): PeopleScope {
  const principal = sessionOf(c).principal;
  return {
    credentials: programsWith(principal, "credentials:read"),
    evidence: programsWith(principal, "evidence:read"),
  };
}

/**
 * A certification's rules in the catalog's public words (rule-words.tsx), by rule id. The words depend only on the
 * catalog, so they are worded once per catalog's certifications (the array a reload replaces, in the catalog object
 * every context shares: catalog-reload.ts), not on every page view (a person's page words every rule of every
 * certification).
 */
const wordedOnce = new WeakMap<Catalog["entries"], Map<string, Map<string, string | undefined>>>();

function wordsOf(c: Context<ConsoleEnv>) {
  const catalog = c.get("ctx").catalog;
  let worded = wordedOnce.get(catalog.entries);
  if (!worded) {
    worded = new Map();
    wordedOnce.set(catalog.entries, worded);
  }
  const cache = worded;
  const namers = new Map<string, (assessment: string) => string>();
  return (entry: CatalogEntry, ruleId: string) => {
    const rule = entry.criteria.rule;
    if (!rule) {
      return undefined;
    }
    // by certification, then by rule id: looked up by the strings given (no key text made per rule of every view)
    let ofEntry = cache.get(entry.id);
    if (ofEntry === undefined) {
      ofEntry = new Map();
      cache.set(entry.id, ofEntry);
    }
    if (ofEntry.has(ruleId)) {
      return ofEntry.get(ruleId);
    }
    let assessment = namers.get(entry.id);
    if (!assessment) {
      assessment = assessmentNamer(catalog.entries, entry);
      namers.set(entry.id, assessment);
    }
    const words = ruleInWords(rule, ruleId, { certification: (id) => catalog.get(id)?.name, assessment });
    ofEntry.set(ruleId, words);
    return words;
  };
}

/**
 * A console page (the headers of sendConsolePage) made of the layout's two edges (consoleLayoutEdges) around
 * `content`, a page kept as UTF-8 (personPage): only the edges are encoded on each view, straight into the one buffer
 * sent (not zero-filled first: every byte of it is written), around one copy of the kept page.
 */
function sendKeptPage(c: Context<ConsoleEnv>, edges: { before: string; after: string }, content: Uint8Array): Response {
  const { before, after } = edges;
  const headBytes = Buffer.byteLength(before);
  const size = headBytes + content.byteLength + Buffer.byteLength(after);
  const body = Buffer.allocUnsafeSlow(size);
  body.write(before, 0);
  body.set(content, headBytes);
  body.write(after, headBytes + content.byteLength);
  const bytes = new Uint8Array(body.buffer as ArrayBuffer, body.byteOffset, size);
  return sendHtml(appContext(c), bytes, { cache: "no-store", headers: { "referrer-policy": "no-referrer" } });
}

/**
 * People (credentials:read or evidence:read, for at least one program): search by the beginning of an e-mail address
 * or name, and one person's page, named by an opaque reference (never the address: addresses stay out of paths and so
 * out of every log line), showing only what the account's programs allow.
 */
export function registerPeoplePages(app: Hono<ConsoleEnv>): void {
  app.get("/people", requirePeopleReader(), async (c) => {
    const session = sessionOf(c);
    const raw = c.req.query("q") ?? "";
    const query = raw.trim();
    const cursor = c.req.query("cursor");
    const base = { chrome: chromeOf(c, session), query: query.slice(0, MAX_QUERY) };
    const refuse = (message: string) =>
      sendConsolePage(c, PeoplePage({ ...base, rows: [], nextHref: null, paged: false, errors: { q: message } }), 400);
    if (query.length > MAX_QUERY) {
      return refuse(`must be at most ${MAX_QUERY} characters`);
    }
    if (cursor !== undefined && (cursor.length === 0 || cursor.length > 1000)) {
      return refuse("the page link is not valid: search again");
    }
    let page: Awaited<ReturnType<typeof searchPeople>>;
    try {
      page = await searchPeople(c.get("ctx"), { query, scope: scopeOf(c), limit: PAGE_SIZE, cursor });
    } catch (error) {
      if (error instanceof AppError && error.code === "VALIDATION_FAILED") {
        return refuse("the page link is not valid: search again");
      }
      throw error;
    }
    return sendConsoleBytes(
      c,
      peoplePageBytes({
        ...base,
        rows: page.items,
        nextHref: page.nextCursor === null ? null : peopleHref(query, page.nextCursor),
        paged: cursor !== undefined,
        errors: {},
      }),
    );
  });

  app.get("/people/:ref", requirePeopleReader(), async (c) => {
    const session = sessionOf(c);
    const chrome = chromeOf(c, session);
    const cursor = c.req.query("evidence");
    const canRecord = canSome(session.principal, "evidence:write");
    const auditLink = chrome.sections.includes("audit");
    const input = {
      ref: c.req.param("ref"),
      scope: scopeOf(c),
      evidencePage: EVIDENCE_PAGE,
      historySize: HISTORY_SIZE,
      words: wordsOf(c),
    };
    try {
      // the page inside the layout shows nothing of the reader but their programs and these two: kept by them
      const view = await personPage(
        c.get("ctx"),
        { ...input, ...(cursor === undefined ? {} : { evidenceCursor: cursor }), variant: `${canRecord} ${auditLink}` },
        (person) => personContentBytes({ person, canRecord, paged: cursor !== undefined, auditLink }),
      );
      return sendKeptPage(c, consoleLayoutEdges(chrome, view.name, "people"), view.page);
    } catch (refused) {
      if (!(refused instanceof AppError && refused.code === "VALIDATION_FAILED")) {
        throw refused;
      }
    }
    // a stale or forged page link: the newest evidence, with the refusal above it
    const person = await personOverview(c.get("ctx"), input);
    return sendConsolePage(
      c,
      PersonPage({
        chrome,
        person,
        canRecord,
        paged: false,
        error: "The evidence page link is not valid: the newest evidence is shown.",
      }),
      400,
    );
  });
}
