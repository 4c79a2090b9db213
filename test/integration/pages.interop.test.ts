import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { postForm, verdictOf } from "../helpers/pages.js";
import { interopFixture, outcomes, verifyUpload } from "../helpers/verify.js";

/**
 * The "verify any badge" page shows exactly what the engine found: for every credential among the interop fixtures,
 * uploading it through the page gives the verdict and check outcomes the JSON API gives for the same bytes (the API's
 * own tests hold those to the README's verdicts). Remote resolution is off here, as by default.
 */
const CREDENTIALS = [
  "1edtech-ob30-simple.json",
  "1edtech-ob30-complete.json",
  "1edtech-ob30-simple-err-proof-value.json",
  "1edtech-ob30-simple-err-expired.json",
  "1edtech-ob30-simple-did-key-method.json",
  "1edtech-ob30-simple-multiple-proofs.json",
  "1edtech-ob30-simple-json.png",
  "1edtech-ob30-simple-json.svg",
  "1edtech-ob30-simple-jwt.png",
  "1edtech-ob30-simple-jwt.svg",
  "1edtech-ob20-simple-signed.jwt",
  "1edtech-ob20-simple-badge-baked.png",
  "dcc-v2-didkey-eddsa-basicOBv3.json",
  "dcc-v2-didkey-eddsa-revoked.json",
  "dcc-v2-didkey-two-proofs.json",
  "dcc-v2-didweb-eddsa.json",
];

const TYPES: Record<string, string> = { png: "image/png", svg: "image/svg+xml", json: "application/json" };

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp({ env: { LAUREL_VERIFY_RATE_LIMIT: "1000" } });
});
afterEach(() => t.close());

async function throughPage(name: string): Promise<string> {
  const form = new FormData();
  form.set("file", new File([interopFixture(name)], name, { type: TYPES[name.split(".").pop() ?? ""] ?? "" }));
  const res = await postForm(t, "/verify", form);
  expect(res.status).toBe(200);
  return res.text();
}

function pageOutcomes(html: string): Record<string, string> {
  return Object.fromEntries(
    [...html.matchAll(/data-check="([a-z]+)" data-outcome="([a-z-]+)"/g)].map((m) => [m[1], m[2]]),
  );
}

describe("interop fixtures through the verify page", () => {
  it.each(CREDENTIALS)("%s: the page shows the API's verdict and checks", async (name) => {
    const bytes = interopFixture(name);
    const type = TYPES[name.split(".").pop() ?? ""] ?? "";
    const api = await verifyUpload(t, bytes, name, type);
    const html = await throughPage(name);
    expect(verdictOf(html)).toBe(api.verdict);
    expect(pageOutcomes(html)).toEqual(outcomes(api));
  });

  it.each([
    ["1edtech-ob30-simple-err-proof-value.json", "not-genuine", "proof", "failed"],
    // its key is written into the verification method and no issuer document can vouch for it offline: the page
    // shows the failed validity check but does not call a credential it cannot tie to its issuer "expired"
    ["1edtech-ob30-simple-err-expired.json", "unverified", "validity", "failed"],
    ["dcc-v2-didkey-eddsa-basicOBv3.json", "valid", "proof", "passed"],
    ["dcc-v2-didweb-eddsa.json", "unverified", "proof", "not-checked"],
  ])("%s reads %s on the page, its %s check %s", async (name, verdict, check, outcome) => {
    const html = await throughPage(name);
    expect(verdictOf(html)).toBe(verdict);
    expect(pageOutcomes(html)[check]).toBe(outcome);
  });
});
