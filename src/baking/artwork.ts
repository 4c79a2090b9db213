import type { BadgeLevel } from "../domain/catalog/definition-schema.js";

/** An SVG template with a short content hash that versions what is rendered from it. */
export type SvgTemplate = { svg: string; version: string };

/** The artwork templates: one badge per level (templates/badges/<level>.svg) and the share card. */
export type Artwork = { badges: Record<BadgeLevel, SvgTemplate>; shareCard: SvgTemplate };
