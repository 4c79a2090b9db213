import { isUrl, VCDM_CONTEXTS } from "../domain/credential/vcdm-rules.js";
import { verifyEmbeddedProofs } from "./embedded-proofs.js";
import type { VerifyEnv } from "./environment.js";
import type { ProofResult } from "./proof-result.js";
import type { CheckOutcome } from "./report.js";
import { shown } from "./safe-json.js";

type Json = Record<string, unknown>;

/** The checks of a presentation itself; each credential it carries gets a credential report of its own. */
export type PresentationCheckId = "format" | "proof" | "holder" | "challenge" | "domain" | "credentials";
export type PresentationCheck = {
  id: PresentationCheckId;
  outcome: CheckOutcome;
  title: string;
  message: string;
  code: string;
};

/**
 * How it was asked: `signed` for a VC API `verifiablePresentation` (its proof is required), false for the VC API's
 * proofless `presentation` request; the `challenge` and `domain` its proof must answer, when the caller gives them.
 */
export type PresentationOptions = { signed: boolean; challenge?: string; domain?: string | string[] };

/** Presentations carrying more credentials than this are not checked (each costs a canonicalisation or more). */
export const MAX_PRESENTED_CREDENTIALS = 8;
/** A presentation's proof covers its credentials too, so it may hold more values than one credential may. */
const MAX_PRESENTATION_VALUES = 10_000;

/** Codes of not-checked presentation checks that mean "does not apply", not "could not find out". */
export const PRESENTATION_NOT_APPLICABLE = new Set([
  "unsigned",
  "no-holder",
  "no-challenge-given",
  "no-domain-given",
  "no-credentials",
]);

const TITLES: Record<PresentationCheckId, string> = {
  format: "Readable presentation",
  proof: "Presentation signature",
  holder: "Holder",
  challenge: "Challenge",
  domain: "Domain",
  credentials: "Credentials",
};

export const presentationCheck = (
  id: PresentationCheckId,
  outcome: CheckOutcome,
  code: string,
  message: string,
): PresentationCheck => ({ id, outcome, title: TITLES[id], message, code });

const listOf = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

function holderIdOf(presentation: Json): string | undefined {
  const holder = presentation.holder;
  const id = typeof holder === "object" && holder !== null ? (holder as Json).id : holder;
  return typeof id === "string" ? id : undefined;
}

/** The VC Data Model rules of a presentation (VCDM 2.0 §4.12, 1.1 §4.10), each broken one named. */
function formatBreaches(presentation: Json): string[] {
  const breaches: string[] = [];
  const context = presentation["@context"];
  const first = Array.isArray(context) ? context[0] : undefined;
  if (first !== VCDM_CONTEXTS["2.0"] && first !== VCDM_CONTEXTS["1.1"]) {
    breaches.push(
      `[context] @context must be a list starting with ${VCDM_CONTEXTS["2.0"]} (or ${VCDM_CONTEXTS["1.1"]})`,
    );
  }
  if (!listOf(presentation.type).includes("VerifiablePresentation")) {
    breaches.push("[type] type must include VerifiablePresentation");
  }
  if (presentation.id !== undefined && !isUrl(presentation.id)) {
    breaches.push("[id] id must be a URL");
  }
  if (presentation.holder !== undefined && !isUrl(holderIdOf(presentation))) {
    breaches.push("[holder] holder must be a URL or an object whose id is a URL");
  }
  const credentials = listOf(presentation.verifiableCredential);
  if (credentials.some((c) => !(typeof c === "string" || (typeof c === "object" && c !== null && !Array.isArray(c))))) {
    breaches.push("[verifiable-credential] verifiableCredential must hold credentials (objects, or compact JWS text)");
  }
  return breaches;
}

/** The credentials a presentation carries, as given (objects, envelopes, or VC-JWT text). */
export function presentedCredentials(presentation: Json): unknown[] {
  return listOf(presentation.verifiableCredential);
}

/** What every proof of the presentation says for `name` (challenge, domain), as sets of strings. */
function proofValues(presentation: Json, name: "challenge" | "domain"): string[][] {
  return listOf(presentation.proof).map((p) => {
    const value = typeof p === "object" && p !== null ? (p as Json)[name] : undefined;
    return listOf(value).filter((v): v is string => typeof v === "string");
  });
}

function answers(id: "challenge" | "domain", presentation: Json, options: PresentationOptions): PresentationCheck {
  const expected = listOf(options[id]).filter((v): v is string => typeof v === "string");
  const given = proofValues(presentation, id);
  if (expected.length === 0) {
    const carried = given.some((g) => g.length > 0);
    const message = carried
      ? `The presentation's proof carries a ${id}, but none was given to compare it with.`
      : `No ${id} was given, so nothing binds the presentation to this request.`;
    return presentationCheck(id, "not-checked", `no-${id}-given`, message);
  }
  if (!options.signed || given.length === 0) {
    return presentationCheck(id, "failed", `${id}-mismatch`, `An unsigned presentation cannot answer a ${id}.`);
  }
  const same = (g: string[]) => g.length === expected.length && expected.every((e) => g.includes(e));
  const wrong = given.find((g) => !same(g));
  if (wrong) {
    const found = wrong.length > 0 ? `answers ${wrong.map((w) => shown(w, 80)).join(", ")}` : `carries no ${id}`;
    return presentationCheck(id, "failed", `${id}-mismatch`, `The presentation's proof ${found}, not the ${id} given.`);
  }
  return presentationCheck(id, "passed", `${id}-matches`, `The presentation's proof answers the ${id} given.`);
}

function holderCheck(presentation: Json, proof: ProofResult): PresentationCheck {
  const holder = holderIdOf(presentation);
  const key = proof.outcome === "passed" ? proof.key : undefined;
  if (proof.code === "unsigned") {
    return presentationCheck("holder", "not-checked", "unsigned", "An unsigned presentation shows no holder.");
  }
  if (!key) {
    return presentationCheck(
      "holder",
      "not-checked",
      "no-verified-key",
      "No signature of the presentation was confirmed, so nothing ties it to a holder.",
    );
  }
  if (holder === undefined) {
    return presentationCheck(
      "holder",
      "not-checked",
      "no-holder",
      `The presentation names no holder; it was signed by ${key.id}.`,
    );
  }
  if (key.controller === holder) {
    return presentationCheck(
      "holder",
      "passed",
      "holders-key",
      `The presentation was signed by its holder, ${holder}.`,
    );
  }
  if (key.controller === undefined) {
    return presentationCheck(
      "holder",
      "not-checked",
      "holder-unresolvable",
      `Nothing shows that ${key.id}, which signed, belongs to the holder ${holder}.`,
    );
  }
  return presentationCheck(
    "holder",
    "failed",
    "key-not-holders",
    `The presentation was signed by ${key.controller}, not by its holder ${holder}.`,
  );
}

/**
 * Checks a presentation itself (VC Data Model 2.0 §4.12, VC Data Integrity §4.3 with the `authentication` purpose):
 * its form, its proof (every proof of a set must verify), that the signer is its holder, and that the proof answers
 * the challenge and domain the caller gave. Its credentials are verified one by one by the caller, with the engine.
 */
export async function checkPresentation(
  presentation: Json,
  options: PresentationOptions,
  env: VerifyEnv,
): Promise<PresentationCheck[]> {
  const breaches = formatBreaches(presentation);
  const format =
    breaches.length === 0
      ? presentationCheck("format", "passed", "read", "Read a verifiable presentation.")
      : presentationCheck(
          "format",
          "failed",
          "vcdm-rules",
          `The presentation breaks the VC Data Model: ${breaches.join("; ")}.`,
        );
  let proof: ProofResult;
  if (presentation.proof === undefined && !options.signed) {
    const message =
      "The presentation is unsigned, as a VC API `presentation` request allows: its credentials are verified, but nothing shows who presented them.";
    proof = { outcome: "not-checked", code: "unsigned", message };
  } else {
    proof = await verifyEmbeddedProofs(presentation, env, {
      purpose: "authentication",
      policy: "all",
      maxValues: MAX_PRESENTATION_VALUES,
      ...(holderIdOf(presentation) ? { signer: holderIdOf(presentation) } : {}),
    });
    if (proof.code === "no-proof") {
      proof = {
        ...proof,
        message: `${proof.message} To verify only its credentials, send it as \`presentation\` (the VC API's request for a presentation without proof).`,
      };
    }
  }
  return [
    format,
    presentationCheck("proof", proof.outcome, proof.code, proof.message),
    holderCheck(presentation, proof),
    answers("challenge", presentation, options),
    answers("domain", presentation, options),
  ];
}
