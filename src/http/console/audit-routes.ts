import type { Hono } from "hono";
import { listAuditEntries } from "../../services/audit.js";
import { type AuditFilters, AuditPage, auditHref } from "../pages/console/audit-page.js";
import type { ConsoleEnv } from "./console-env.js";
import { sendConsolePage } from "./render.js";
import { chromeOf, requirePermission, sessionOf } from "./session.js";

const PAGE_SIZE = 50;
const FILTERS = ["actor", "action", "targetType", "targetId"] as const;

/** The audit log (audit:read): filtered by actor, action and target, newest first, older pages by keyset (`before`). */
export function registerAuditPage(app: Hono<ConsoleEnv>): void {
  app.get("/audit", requirePermission("audit:read"), async (c) => {
    const session = sessionOf(c);
    const filters: AuditFilters = {};
    const errors: Record<string, string> = {};
    for (const name of FILTERS) {
      const value = c.req.query(name)?.trim() ?? "";
      if (value.length > 200) {
        errors[name] = "Too big: expected string to have <=200 characters";
      } else if (value !== "") {
        filters[name] = value;
      }
    }
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
    const page = await listAuditEntries(c.var.ctx, { ...filters, before, limit: PAGE_SIZE });
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
}
