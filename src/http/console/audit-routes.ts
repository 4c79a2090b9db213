import type { Context, Hono } from "hono";
import { DAY_MS } from "../../domain/time.js";
import { auditCsvRows, listAuditEntries } from "../../services/audit.js";
import { type AuditFilters, AuditPage, auditHref } from "../pages/console/audit-page.js";
import type { ConsoleEnv } from "./console-env.js";
import { sendConsolePage } from "./render.js";
import { chromeOf, requirePermission, sessionOf } from "./session.js";

const PAGE_SIZE = 50;
const TEXT_FILTERS = ["actor", "action", "targetType", "targetId"] as const;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A YYYY-MM-DD day as its UTC midnight, or undefined when it is no real day. */
function dayOf(text: string): Date | undefined {
  const match = DAY.exec(text);
  if (!match) {
    return undefined;
  }
  const date = new Date(`${text}T00:00:00.000Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text ? undefined : date;
}

type ReadFilters = {
  filters: AuditFilters;
  /** The date range as instants: from the first day's midnight to the midnight after the last day. */
  range: { from?: Date; to?: Date };
  errors: Record<string, string>;
};

/** The filters of the query string, checked: each error under its field, with the API's wording. */
function readFilters(c: Context<ConsoleEnv>): ReadFilters {
  const filters: AuditFilters = {};
  const errors: Record<string, string> = {};
  for (const name of TEXT_FILTERS) {
    const value = c.req.query(name)?.trim() ?? "";
    if (value.length > 200) {
      errors[name] = "Too big: expected string to have <=200 characters";
    } else if (value !== "") {
      filters[name] = value;
    }
  }
  const range: ReadFilters["range"] = {};
  for (const name of ["from", "to"] as const) {
    const value = c.req.query(name)?.trim() ?? "";
    if (value === "") {
      continue;
    }
    const day = dayOf(value);
    if (!day) {
      errors[name] = "must be a date (YYYY-MM-DD)";
      continue;
    }
    filters[name] = value;
    range[name] = name === "to" ? new Date(day.getTime() + DAY_MS) : day;
  }
  if (range.from && range.to && range.from >= range.to) {
    errors.to = "must be on or after the From date";
  }
  return { filters, range, errors };
}

function queryOf(read: ReadFilters) {
  const { from: _from, to: _to, ...text } = read.filters;
  return { ...text, ...read.range };
}

/**
 * The audit log (audit:read): filtered by actor, action, target and date, newest first, older pages by keyset
 * (`before`); the filtered log as CSV (every matching entry, formula-looking cells neutralised, no secrets).
 */
export function registerAuditPage(app: Hono<ConsoleEnv>): void {
  app.get("/audit", requirePermission("audit:read"), async (c) => {
    const session = sessionOf(c);
    const read = readFilters(c);
    const { filters, errors } = read;
    const beforeText = c.req.query("before");
    const before = beforeText === undefined ? undefined : Number(beforeText);
    const badBefore = before !== undefined && !(Number.isSafeInteger(before) && before >= 1);
    if (Object.keys(errors).length > 0 || badBefore) {
      const view = { chrome: chromeOf(c, session), filters, entries: [], olderHref: null, paged: false };
      const shown = badBefore
        ? { ...errors, actor: errors.actor ?? "the page link is not valid: filter again" }
        : errors;
      return sendConsolePage(c, AuditPage({ ...view, errors: shown }), 400);
    }
    const page = await listAuditEntries(c.get("ctx"), { ...queryOf(read), before, limit: PAGE_SIZE });
    return sendConsolePage(
      c,
      AuditPage({
        chrome: chromeOf(c, session),
        filters,
        entries: page.items,
        olderHref: page.nextBefore === null ? null : auditHref(filters, page.nextBefore),
        paged: before !== undefined,
        errors: {},
      }),
    );
  });

  app.get("/audit/export.csv", requirePermission("audit:read"), (c) => {
    const read = readFilters(c);
    if (Object.keys(read.errors).length > 0) {
      const view = { chrome: chromeOf(c, sessionOf(c)), filters: read.filters, entries: [], olderHref: null };
      return sendConsolePage(c, AuditPage({ ...view, paged: false, errors: read.errors }), 400);
    }
    const rows = auditCsvRows(c.get("ctx"), queryOf(read));
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await rows.next();
        if (next.done) {
          controller.close();
        } else {
          controller.enqueue(encoder.encode(next.value));
        }
      },
      async cancel() {
        await rows.return(undefined);
      },
    });
    const day = c.get("ctx").clock().toISOString().slice(0, 10);
    return new Response(body, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="laurel-audit-${day}.csv"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
      },
    });
  });
}
