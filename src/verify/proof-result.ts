import type { ResolvedKey } from "./keys.js";
import type { CheckOutcome } from "./report.js";

/** The outcome of the proof check, with the key that signed when a signature verified. */
export type ProofResult = {
  outcome: CheckOutcome;
  code: string;
  message: string;
  /** The key whose signature verified (passed), or the key a definitive failure was checked against. */
  key?: ResolvedKey;
};

/** Collects every message in an error, its causes and nested error lists (jsonld and jsigs wrap errors deeply). */
export function errorMessages(error: unknown, depth = 0): string[] {
  if (depth > 6 || typeof error !== "object" || error === null) {
    return typeof error === "string" ? [error] : [];
  }
  const e = error as { message?: unknown; cause?: unknown; errors?: unknown; details?: { cause?: unknown } };
  const own = typeof e.message === "string" ? [e.message] : [];
  const nested = [e.cause, e.details?.cause, ...(Array.isArray(e.errors) ? e.errors : [])];
  return [...own, ...nested.flatMap((n) => errorMessages(n, depth + 1))];
}

const REFUSED = /Document loader refused to load "([^"]+)"/;

/** The URL of a JSON-LD context the offline loader refused, if that is why processing failed. */
export function refusedContext(messages: string[]): string | undefined {
  for (const message of messages) {
    const match = REFUSED.exec(message);
    if (match) {
      return match[1];
    }
  }
  return undefined;
}
