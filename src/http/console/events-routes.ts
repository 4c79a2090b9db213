import type { Hono } from "hono";
import { EVENT_TYPES, listRecentEvents } from "../../services/events.js";
import { type EventFilters, EventsPage, eventsHref } from "../pages/console/events-page.js";
import type { ConsoleEnv } from "./console-env.js";
import { sendConsolePage } from "./render.js";
import { chromeOf, requirePermission, sessionOf } from "./session.js";

const PAGE_SIZE = 50;

/** The events outbox (events:read): newest first, filtered by type, older pages by keyset (`before`). */
export function registerEventsPage(app: Hono<ConsoleEnv>): void {
  app.get("/events", requirePermission("events:read"), async (c) => {
    const session = sessionOf(c);
    const type = c.req.query("type")?.trim() ?? "";
    const beforeText = c.req.query("before");
    const before = beforeText === undefined ? undefined : Number(beforeText);
    const errors: Record<string, string> = {};
    const filters: EventFilters = {};
    if (type && !(EVENT_TYPES as readonly string[]).includes(type)) {
      errors.type = `unknown event type(s): ${type.slice(0, 200)}`;
    } else if (type) {
      filters.type = type;
    }
    if (before !== undefined && !(Number.isSafeInteger(before) && before >= 1)) {
      errors.type ??= "the page link is not valid: filter again";
    }
    const view = { chrome: chromeOf(c, session), filters, types: EVENT_TYPES };
    if (Object.keys(errors).length > 0) {
      return sendConsolePage(c, EventsPage({ ...view, events: [], olderHref: null, paged: false, errors }), 400);
    }
    const page = await listRecentEvents(c.get("ctx"), {
      before,
      types: filters.type ? [filters.type] : undefined,
      limit: PAGE_SIZE,
    });
    return sendConsolePage(
      c,
      EventsPage({
        ...view,
        events: page.items,
        olderHref: page.nextBefore === null ? null : eventsHref(filters, page.nextBefore),
        paged: before !== undefined,
        errors: {},
      }),
    );
  });
}
