import { type FetchRemote, RemoteFetchError, type VerifyEnv } from "./environment.js";
import { isJsonObject, parseJson } from "./safe-json.js";

export type RemoteJson =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; outcome: "not-checked"; code: "remote-disabled" | "unreachable"; reason: string };

/**
 * Reads a JSON object from the network through the injected, guarded fetch. With remote resolution off, nothing is
 * fetched; any refusal, failure or non-JSON answer is "not checked" (never "valid").
 */
export async function fetchJsonObject(url: string, env: VerifyEnv): Promise<RemoteJson> {
  if (!env.fetchRemote) {
    return {
      ok: false,
      outcome: "not-checked",
      code: "remote-disabled",
      reason: `Checking it needs ${url}, and this verifier does not fetch documents from other sites`,
    };
  }
  let text: string;
  try {
    text = await env.fetchRemote(url);
  } catch (error) {
    return {
      ok: false,
      outcome: "not-checked",
      code: "unreachable",
      reason: `${url} could not be read (${(error as Error).message})`,
    };
  }
  const parsed = parseJson(text);
  if (!parsed.ok || !isJsonObject(parsed.value)) {
    const why = parsed.ok ? "not a JSON object" : parsed.reason;
    return { ok: false, outcome: "not-checked", code: "unreachable", reason: `${url} did not answer JSON (${why})` };
  }
  return { ok: true, value: parsed.value };
}

/**
 * One verification's share of the network: each address is read at most once (the issuer check and the key lookup
 * often want the same DID document), at most `maxFetches` addresses, all within `deadlineMs`. Past either limit the
 * remaining checks are "not checked".
 */
export function withFetchBudget(
  fetchRemote: FetchRemote,
  budget: { maxFetches: number; deadlineMs: number },
  now = Date.now,
): FetchRemote {
  const seen = new Map<string, Promise<string>>();
  const deadline = now() + budget.deadlineMs;
  return (url) => {
    const known = seen.get(url);
    if (known) {
      return known;
    }
    if (seen.size >= budget.maxFetches) {
      return Promise.reject(new RemoteFetchError(`this verification already read ${budget.maxFetches} documents`));
    }
    if (now() > deadline) {
      return Promise.reject(new RemoteFetchError("this verification ran out of time for network reads"));
    }
    const pending = fetchRemote(url);
    seen.set(url, pending);
    return pending;
  };
}
