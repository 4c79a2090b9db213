import type { Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { can } from "../../domain/access.js";
import { AppError, type FieldError } from "../../errors.js";
import { reloadCatalog } from "../../services/catalog-reload.js";
import {
  type CatalogFilters,
  ConsoleCatalogPage,
  ConsoleCertificationPage,
  catalogHref,
  type ReloadOutcome,
} from "../pages/console/catalog-page.js";
import type { ConsoleEnv } from "./console-env.js";
import { sendConsolePage } from "./render.js";
import { chromeOf, requirePermission, requireSession, sessionOf } from "./session.js";

const PAGE_SIZE = 10;
const ID = /^[a-z0-9-]{1,200}$/;

/** The list page for these filters and page, or the filter's errors next to its fields. */
function renderList(c: Context<ConsoleEnv>, reload?: ReloadOutcome, status: ContentfulStatusCode = 200): Response {
  const session = sessionOf(c);
  const ctx = c.get("ctx");
  const programs = [...new Set(ctx.catalog.entries.map((e) => e.program))].sort();
  // after a reload (a POST) the list shows from the start, unfiltered
  const query = (name: string) => (reload ? "" : (c.req.query(name)?.trim() ?? ""));
  const filters: CatalogFilters = {};
  const errors: Record<string, string> = {};
  const q = query("q");
  if (q.length > 200) {
    errors.q = "Too big: expected string to have <=200 characters";
  } else if (q) {
    filters.q = q;
  }
  const program = query("program");
  if (program && !programs.includes(program)) {
    errors.program = `is not a program of the catalog (${programs.join(", ")})`;
  } else if (program) {
    filters.program = program;
  }
  const after = query("after");
  if (after && !ID.test(after)) {
    errors.q ??= "the page link is not valid: filter again";
  }
  const base = {
    chrome: chromeOf(c, session),
    filters,
    programs,
    total: ctx.catalog.entries.length,
    canReload: can(session.principal, "catalog:reload"),
    ...(reload ? { reload } : {}),
  };
  if (Object.keys(errors).length > 0) {
    return sendConsolePage(c, ConsoleCatalogPage({ ...base, rows: [], nextHref: null, paged: false, errors }), 400);
  }
  const words = filters.q?.toLowerCase();
  const matching = ctx.catalog.entries
    .filter((e) => !filters.program || e.program === filters.program)
    .filter((e) => !words || e.id.includes(words) || e.name.toLowerCase().includes(words))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const rest = after ? matching.filter((e) => e.id > after) : matching;
  const rows = rest.slice(0, PAGE_SIZE);
  const last = rows.at(-1);
  const nextHref = rest.length > PAGE_SIZE && last ? catalogHref(filters, last.id) : null;
  return sendConsolePage(c, ConsoleCatalogPage({ ...base, rows, nextHref, paged: Boolean(after), errors: {} }), status);
}

/** The problems of a refused reload, by file. */
function problemsOf(error: AppError): { file: string; message: string }[] {
  const fields = Array.isArray(error.extra?.errors) ? (error.extra.errors as FieldError[]) : [];
  return fields.map((field) => ({
    file: field.path,
    // the message names its file first: shown once, beside it
    message: field.message.startsWith(field.path)
      ? field.message.slice(field.path.length).replace(/^:\s*/, "")
      : field.message,
  }));
}

/**
 * The catalog: every signed-in account reads it (it is public information, shown here with its definition details);
 * reloading the definition files needs catalog:reload (admin), and is audited.
 */
export function registerCatalogPages(app: Hono<ConsoleEnv>): void {
  app.get("/catalog", requireSession(), (c) => renderList(c));

  app.get("/catalog/:id", requireSession(), (c) => {
    const id = c.req.param("id");
    const entry = ID.test(id) ? c.get("ctx").catalog.get(id) : undefined;
    if (!entry) {
      throw new AppError("NOT_FOUND", `No certification "${id}" in the catalog`);
    }
    return sendConsolePage(
      c,
      ConsoleCertificationPage({ chrome: chromeOf(c, sessionOf(c)), entry, entries: c.get("ctx").catalog.entries }),
    );
  });

  app.post("/catalog/reload", requirePermission("catalog:reload"), async (c) => {
    try {
      const applied = await reloadCatalog(c.get("ctx"), sessionOf(c).principal.actor);
      return renderList(c, { applied });
    } catch (error) {
      if (error instanceof AppError && error.code === "VALIDATION_FAILED") {
        return renderList(c, { problems: problemsOf(error) }, 422);
      }
      throw error;
    }
  });
}
