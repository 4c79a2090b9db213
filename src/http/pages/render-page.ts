import type { Child } from "hono/jsx";

/** A page as the HTML document string (synchronous components only). */
export function renderPage(page: Child): string {
  const rendered = (page as { toString(): string | Promise<string> }).toString();
  if (rendered instanceof Promise) {
    throw new Error("pages render synchronously: an async component slipped in");
  }
  return `<!doctype html>${String(rendered)}`;
}
