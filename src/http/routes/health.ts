import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { AppError } from "../../errors.js";
import { checkReadiness } from "../../services/readiness.js";
import type { AppEnv } from "../env.js";
import { problems } from "../openapi.js";

const CheckSchema = z.object({
  name: z.enum(["shutdown", "database", "migrations", "keys"]),
  ok: z.boolean(),
  detail: z.string(),
});

const healthRoute = createRoute({
  method: "get",
  path: "/healthz",
  tags: ["Operations"],
  summary: "Liveness: 200 while the process runs",
  description: "Asks nothing of the database: a node whose database is away is alive (see /readyz).",
  responses: {
    200: { description: "Alive", content: { "application/json": { schema: z.object({ status: z.literal("ok") }) } } },
    ...problems(),
  },
});

const readyRoute = createRoute({
  method: "get",
  path: "/readyz",
  tags: ["Operations"],
  summary: "Readiness: 200 when this node can serve",
  description:
    "Ready when the database answers, holds every migration of this version, and this node's keys are the newest " +
    "generation recorded; not ready (503) while shutting down. A load balancer sends requests only to ready nodes.",
  responses: {
    200: {
      description: "Ready",
      content: {
        "application/json": { schema: z.object({ status: z.literal("ready"), checks: z.array(CheckSchema) }) },
      },
    },
    ...problems({
      code: "NOT_READY",
      when: "Not ready: `checks` says which condition is not met",
      fields: { checks: z.array(CheckSchema) },
    }),
  },
});

/** The probes of a load balancer or orchestrator: never cached, never rate limited. */
export function registerHealth(app: OpenAPIHono<AppEnv>): void {
  app.openapi(healthRoute, (c) => c.json({ status: "ok" as const }, 200, { "cache-control": "no-store" }));
  app.openapi(readyRoute, async (c) => {
    const readiness = await checkReadiness(c.get("ctx"));
    if (!readiness.ready) {
      // kept on the problem response too: a probe's answer is never cached
      c.header("cache-control", "no-store");
      const failing = readiness.checks.filter((check) => !check.ok);
      throw new AppError(
        "NOT_READY",
        `Not ready: ${failing.map((check) => `${check.name} (${check.detail})`).join(", ")}`,
        { checks: readiness.checks },
      );
    }
    return c.json({ status: "ready" as const, checks: readiness.checks }, 200, { "cache-control": "no-store" });
  });
}
