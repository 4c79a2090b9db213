import type { Child } from "hono/jsx";
import { settleRenderContext } from "./render-context.js";

/** A page as the HTML document string (synchronous components only). */
export function renderPage(page: Child): string {
  settleRenderContext();
  const rendered = (page as { toString(): string | Promise<string> }).toString();
  if (rendered instanceof Promise) {
    throw new Error("pages render synchronously: an async component slipped in");
  }
  return `<!doctype html>${String(rendered)}`;
}
