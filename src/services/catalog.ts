import { achievementUrl, toOb3Achievement } from "../domain/achievement.js";
import type { CatalogEntry } from "../domain/catalog/parse-catalog.js";
import { OB_V3_CONTEXT, VC_V2_CONTEXT } from "../domain/contexts.js";
import { AppError } from "../errors.js";
import type { ServiceContext } from "./deps.js";

export type AchievementSummary = {
  id: string;
  url: string;
  name: string;
  description: string;
  program: string;
  level: string;
  validity: { months?: number; days?: number } | null;
};

function entryOrThrow(ctx: ServiceContext, id: string): CatalogEntry {
  const entry = ctx.catalog.get(id);
  if (!entry) {
    throw new AppError("NOT_FOUND", `No achievement "${id}"`);
  }
  return entry;
}

export function listAchievements(ctx: ServiceContext): AchievementSummary[] {
  return ctx.catalog.entries.map((e) => ({
    id: e.id,
    url: achievementUrl(ctx.config.publicUrl, e.id),
    name: e.name,
    description: e.description,
    program: e.program,
    level: e.level,
    validity: e.validity ?? null,
  }));
}

/** The OB 3.0 Achievement as a JSON-LD document (the `id` of the achievement in credentials). */
export function getAchievementDocument(ctx: ServiceContext, id: string): Record<string, unknown> {
  const entry = entryOrThrow(ctx, id);
  return {
    "@context": [VC_V2_CONTEXT, OB_V3_CONTEXT],
    ...toOb3Achievement(entry, ctx.config.publicUrl),
    creator: ctx.issuer,
  };
}
