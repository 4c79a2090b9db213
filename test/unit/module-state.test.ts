import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The service's state is one ServiceState in its context (services/deps.ts), built by the composition root: no module
 * under src/ may keep mutable state of its own at the top level, which would be shared by every service context of
 * the process (every test app, a CLI run beside the server) and invisible from deps.ts. Lookup tables filled once
 * (`new Map([...])`) are constants. The exceptions are memos of pure functions, the same for every context.
 */
const ALLOWED: Record<string, string> = {
  "src/crypto/data-integrity.ts: dataIntegrityCryptosuite":
    "the cryptosuite's expansion templates and key imports, keyed by immutable input, bounded",
  "src/crypto/data-integrity.ts: verifyingCryptosuite":
    "the verifiers' own fast cryptosuite (bounded caches by immutable inputs), apart from signing's",
  "src/http/pages/markdown.ts: cache": "rendered Markdown by text, bounded",
  "src/baking/share-card.ts: measure": "font metrics, loaded on first use, read-only",
  "src/domain/criteria/evaluate.ts: preparedOnce":
    "evidence prepared for evaluation, by its (immutable) records list, weak",
  "src/domain/criteria/evaluate.ts: rulesOfTree": "a rule tree's rules by id, by the (immutable) root rule, weak",
  "src/domain/criteria/rules/context.ts: indexes":
    "prepared evidence by kind and item, by the (immutable) prepared records list, weak",
  "src/http/console/credentials-routes.ts: CERTIFICATIONS":
    "the list filter's certifications, by the (replaced on reload) catalog entries, weak, then by a set of programs",
  "src/http/pages/console/credentials-page.tsx: CERTIFICATION_OPTIONS":
    "the filter's choices, by the (immutable) list of certifications, weak",
  "src/http/pages/console/credentials-page.tsx: lastDay":
    "the last day's text dayOf wrote, by its day number (a pure function's last answer)",
  "src/http/pages/console/layout.tsx: HEADERS": "the layout's header, by the (frozen) site, weak, then 256 at most",
  "src/http/pages/console/markup.ts: PREPARED_OPTIONS":
    "options' escaped markup, by the (immutable) options list, weak",
  "src/services/credential-page-projection.ts: signerAnswers":
    "a projection signer's proof and issuer checks, by the (new per key change) DID document, weak, then 1,000 at most",
  "src/http/console/people-routes.ts: wordedOnce": "a catalog's rules in words, by the (immutable) catalog, weak",
  "src/http/pages/console/home-page.tsx: activityMarkup":
    "the overview's recent activity panel, by the (immutable, frozen) entries list the service shares, weak",
  "src/http/pages/console/home-page.tsx: countsMarkup":
    "the overview's count panels, by their (immutable, frozen) counts view, weak",
  "src/http/pages/site.ts: siteOnce":
    "the site's header facts, by the service context, recomputed when its inputs change",
  "src/http/send-page.ts: logoOnce": "the page CSP for the last public URL and issuer image it was asked for",
  "src/http/pages/render-context.ts: settled":
    "whether hono/jsx was made to keep its render contexts in its synchronous store (once, before the first render)",
  "src/domain/human-date.ts: DAYS": "days written for people, by UTC day number, bounded",
  "src/verify/keys.ts: decodedKeys": "our decoded public keys, by their (immutable) verification method object",
  "src/services/badge-images.ts: badgeEtags": "badge ETags by the inputs they hash, bounded",
  "src/domain/criteria/needs-evidence.ts: memo": "whether a rule needs evidence, by the (immutable) rule object, weak",
  "src/services/credential-view.ts: unparsed":
    "a view's stored document text until its document is read, by the view object itself, weak",
  "src/verify/status.ts: listIsOurs": "whether a status list URL is ours, by our DID, public URL and the URL, bounded",
  "src/verify/status.ts: listWindows": "a status list's validity period, by its (frozen) list object, weak",
  "src/verify/keys.ts: resolvedDidKeys":
    "did:key resolutions by reference (a did:key is its key), bounded, copies handed out",
  "src/crypto/signing-worker.ts: busy":
    "whether a worker thread runs one of its tasks now (the others wait in turn, interactive ones first)",
  "src/http/pages/console/person-markup.ts: scratch":
    "a scratch buffer a person's page is written into and copied out of within one synchronous call, 1 MB at most",
  "src/http/pages/console/page-bytes.ts: scratch":
    "a scratch buffer a page is written into and copied out of within one synchronous call, 1 MB at most",
  "src/http/pages/credential-page-template.ts: fastIndexes":
    "the fast views' template index, by the service's (per ServiceState) templates cache, weak, bounded as it is",
  "src/http/pages/credential-page-template.ts: slab":
    "the current slab pages are cut from, as Buffer's own pool: each region handed out once, never written again",
  "src/http/pages/credential-page-template.ts: slabUsed": "how much of the current slab is handed out",
  "src/services/credential-page-fast.ts: signers":
    "a fast view's signer checks, by the (new per key change) DID document, weak, then 1,000 at most",
  "src/services/credential-page-fast.ts: listGuess":
    "the status list a page view reads with its row: the last view's list id (a guess, checked against the credential)",
  "src/services/credential-page-fast.ts: originOnly": "whether a public URL is an origin alone, by the URL, bounded",
  "src/services/credential-page-fast.ts: linkedInPrefixes":
    "LinkedIn links' text before a credential's id, by all they show but the credential (config included), 1,000 at most",
  "src/services/verify-credential.ts: listIds": "a status list URL's list id, by the URL (a pure parse), bounded",
  "src/storage/prepared.ts: bindingsOf":
    "a kept multi-row statement's parameter bindings, by the (per connection) statement object, weak",
};

/** Top-level declarations that hold or create mutable state: `let`/`var`, empty maps and sets, caches, memo factories. */
const STATEFUL =
  /^(?:export\s+)?(?:(?:let|var)\s+(\w+)|const\s+(\w+)(?::[^=]+)?\s*=\s*(?:new\s+(?:WeakMap|WeakSet|LRUCache)\b|new\s+(?:Map|Set)(?:<[^>]*>)?\(\s*\)|create\w*(?:Cache|Cryptosuite|Memo)\w*\())/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return sources(path);
    }
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Every stateful top-level declaration in a tree, as "file: name". */
function moduleState(root: string): string[] {
  return sources(join(root, "src")).flatMap((file) =>
    readFileSync(file, "utf8")
      .split("\n")
      .flatMap((line) => {
        const match = STATEFUL.exec(line);
        return match ? [`${relative(root, file)}: ${match[1] ?? match[2]}`] : [];
      }),
  );
}

describe("module state", () => {
  it("no module keeps state of its own beyond the listed pure memos (the rest is ServiceState)", () => {
    expect(moduleState(".").sort()).toEqual(Object.keys(ALLOWED).sort());
  });

  it("would catch a module-level cache, map or variable", () => {
    const lines = [
      "const cache = new WeakMap<ServiceContext, Map<string, unknown>>();",
      "export const pages = new LRUCache<string, string>({ max: 10 });",
      "const seen = new Map<string, number>();",
      "let compiled: ValidateFunction | undefined;",
      "export const suite = createEddsaRdfc2022Cryptosuite();",
    ];
    expect(lines.map((line) => STATEFUL.test(line))).toEqual([true, true, true, true, true]);
    expect(STATEFUL.test('const DIGIT = new Map([..."ab"].map((c, i) => [c, i]));')).toBe(false);
  });
});
