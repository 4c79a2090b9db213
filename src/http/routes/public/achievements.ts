import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { achievementUrl } from "../../../domain/achievement.js";
import { getBadgePng, getBadgeSvg } from "../../../services/badge-images.js";
import { getAchievementDocument, listAchievements } from "../../../services/catalog.js";
import type { AppEnv } from "../../env.js";
import { problems } from "../../openapi.js";
import { AchievementPage } from "../../pages/achievement-page.js";
import { CatalogPage } from "../../pages/catalog-page.js";
import { prefersHtml } from "../../pages/negotiate.js";
import { siteOf } from "../../pages/site.js";
import { sendFile } from "../../send-file.js";
import { sendNotFoundPage } from "../../send-not-found.js";
import { sendPage } from "../../send-page.js";

const IdParam = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9-]{1,200}$/, "must be an achievement id")
    .openapi({ param: { name: "id", in: "path" } }),
});

const AchievementSummarySchema = z
  .object({
    id: z.string(),
    url: z.url(),
    name: z.string(),
    description: z.string(),
    program: z.string(),
    level: z.string(),
    validity: z.object({ months: z.number().optional(), days: z.number().optional() }).nullable(),
  })
  .openapi("AchievementSummary");

const listRoute = createRoute({
  method: "get",
  path: "/achievements",
  tags: ["Catalog"],
  summary: "The certification catalog, or its page for browsers",
  description: "Clients whose `Accept` prefers `text/html` get the catalog page, grouped by program (`Vary: Accept`).",
  responses: {
    200: {
      description: "Every certification",
      content: {
        "application/json": { schema: z.object({ items: z.array(AchievementSummarySchema) }) },
        "text/html": { schema: z.string() },
      },
    },
    ...problems(),
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/achievements/{id}",
  tags: ["Catalog"],
  summary: "One certification as an OB 3.0 Achievement (JSON-LD), or its catalog page for browsers",
  description: "Clients whose `Accept` prefers `text/html` get the certification's page (`Vary: Accept`).",
  request: { params: IdParam },
  responses: {
    200: {
      description: "Achievement",
      content: {
        "application/ld+json": { schema: z.record(z.string(), z.unknown()) },
        "text/html": { schema: z.string() },
      },
    },
    ...problems("VALIDATION_FAILED", "NOT_FOUND"),
  },
});

const imageRoute = (format: "png" | "svg") =>
  createRoute({
    method: "get",
    path: format === "png" ? "/achievements/{id}/image" : "/achievements/{id}/image.svg",
    tags: ["Catalog"],
    summary: format === "png" ? "The certification's badge (600×600 PNG)" : "The certification's badge (SVG)",
    request: { params: IdParam },
    responses: {
      200: {
        description: "Badge image",
        content: { [format === "png" ? "image/png" : "image/svg+xml"]: { schema: z.string() } },
      },
      304: { description: "Not modified (ETag)" },
      ...problems("VALIDATION_FAILED", "NOT_FOUND"),
    },
  });

export function registerAchievements(app: OpenAPIHono<AppEnv>): void {
  app.openapi(listRoute, (c) => {
    const ctx = c.get("ctx");
    if (prefersHtml(c.req.header("accept"))) {
      const page = CatalogPage({
        site: siteOf(ctx),
        entries: ctx.catalog.entries,
        url: `${ctx.config.publicUrl}/achievements`,
      });
      return sendPage(c, page, { cache: "public", varyAccept: true });
    }
    return c.json({ items: listAchievements(ctx) }, 200, { vary: "Accept" });
  });
  app.openapi(getRoute, (c) => {
    const ctx = c.get("ctx");
    const { id } = c.req.valid("param");
    if (prefersHtml(c.req.header("accept"))) {
      const entry = ctx.catalog.get(id);
      if (!entry) {
        return sendNotFoundPage(c, "certification", { varyAccept: true });
      }
      const page = AchievementPage({
        site: siteOf(ctx),
        entry,
        entries: ctx.catalog.entries,
        url: achievementUrl(ctx.config.publicUrl, id),
      });
      return sendPage(c, page, { cache: "public", varyAccept: true });
    }
    return c.json(getAchievementDocument(ctx, id) as Record<string, never>, 200, {
      "content-type": "application/ld+json",
      vary: "Accept",
    });
  });
  app.openapi(imageRoute("png"), async (c) =>
    sendFile(c, await getBadgePng(c.get("ctx"), c.req.valid("param").id), "inline"),
  );
  app.openapi(imageRoute("svg"), (c) => sendFile(c, getBadgeSvg(c.get("ctx"), c.req.valid("param").id), "inline"));
}
