import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { STATUS_LIST_TTL_MS } from "../../../domain/status/status-list-credential.js";
import { AppError } from "../../../errors.js";
import { getServedStatusList } from "../../../services/status-lists.js";
import type { AppEnv } from "../../env.js";
import { problems, STORAGE_PROBLEMS } from "../../openapi.js";
import { problemResponse } from "../../problem.js";

/** Verifiers see a change within a minute: they may cache for the list's `ttl`, then revalidate with the ETag. */
const CACHE_CONTROL = `public, max-age=${STATUS_LIST_TTL_MS / 1000}, must-revalidate`;

const ListIdParam = z.object({
  listId: z
    .string()
    .regex(/^[1-9][0-9]{0,8}$/, "must be a status list number")
    .openapi({ param: { name: "listId", in: "path" }, example: "1" }),
});

const route = createRoute({
  method: "get",
  path: "/status-lists/{listId}",
  tags: ["Public"],
  summary: "A status list (W3C Bitstring Status List)",
  description:
    "The signed `BitstringStatusListCredential` that credentials' `credentialStatus` entries point to (one purpose " +
    "per list: revocation or suspension). Re-signed whenever a bit changes; cacheable for 30 s, then revalidate " +
    "with `If-None-Match`.",
  request: { params: ListIdParam },
  responses: {
    200: {
      description: "The signed status list credential",
      content: { "application/vc+ld+json": { schema: z.record(z.string(), z.unknown()) } },
    },
    304: { description: "Not modified (ETag)" },
    ...problems({ code: "NOT_FOUND", when: "No such status list (a malformed list number too)" }, ...STORAGE_PROBLEMS),
  },
});

/** True when an If-None-Match header names this entity tag (weak comparison, RFC 9110 §13.1.2). */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) {
    return false;
  }
  return header.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t.replace(/^W\//, "") === etag;
  });
}

export function registerStatusLists(app: OpenAPIHono<AppEnv>): void {
  app.openapi(
    route,
    async (c) => {
      const { listId } = c.req.valid("param");
      const served = await getServedStatusList(c.get("ctx"), listId);
      if (!served) {
        throw new AppError("NOT_FOUND", `No status list "${listId}"`);
      }
      const headers = { etag: served.etag, "cache-control": CACHE_CONTROL };
      if (matches(c.req.header("if-none-match"), served.etag)) {
        return c.body(null, 304, headers);
      }
      return c.body(served.body, 200, { ...headers, "content-type": "application/vc+ld+json" });
    },
    // A malformed list id is simply not a list.
    (result, c) => (result.success ? undefined : problemResponse(c, "NOT_FOUND", `No status list at ${c.req.path}`)),
  );
}
