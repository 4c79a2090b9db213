import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { reloadCatalog } from "../../../services/catalog-reload.js";
import { actorOf, requireApiScope } from "../../admin-auth.js";
import type { AppEnv } from "../../env.js";
import { AUTH_PROBLEMS, bearerSecurity, problems, STORAGE_PROBLEMS } from "../../openapi.js";

const ReloadResultSchema = z
  .object({
    count: z.number().int().openapi({ description: "Certifications now in the catalog" }),
    added: z.array(z.string()),
    changed: z.array(z.string()).openapi({ description: "Certifications whose definition changed (a new version)" }),
    removed: z.array(z.string()),
    node: z.string().openapi({ description: "The node that applied it (a reload is per node)" }),
  })
  .openapi("CatalogReload");

const reloadRoute = createRoute({
  method: "post",
  path: "/admin/catalog/reload",
  tags: ["Catalog"],
  summary: "Reload the catalog's definition files on this node",
  description:
    "Reads `templates/achievements/` again, validates it as a start does and applies it without a restart (audited " +
    "as `catalog.reloaded`). Any problem is a 400 naming each file and field, and nothing is applied. Per node: each " +
    "node reads its own templates folder, so with several nodes call it on each node's own address after deploying " +
    "the files to every one (or restart them).",
  security: bearerSecurity,
  middleware: [requireApiScope("catalog:reload")] as const,
  responses: {
    200: { description: "Applied", content: { "application/json": { schema: ReloadResultSchema } } },
    ...problems("VALIDATION_FAILED", ...AUTH_PROBLEMS, ...STORAGE_PROBLEMS),
  },
});

export function registerCatalogAdmin(app: OpenAPIHono<AppEnv>): void {
  app.openapi(reloadRoute, async (c) => c.json(await reloadCatalog(c.get("ctx"), actorOf(c.get("principal"))), 200));
}
