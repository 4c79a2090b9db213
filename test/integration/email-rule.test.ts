import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { checkEmail, EMAIL_PATTERN, MAX_EMAIL_LENGTH } from "../../src/domain/email.js";
import { ReissueRequestSchema } from "../../src/schemas/lifecycle.js";
import { adminGet, adminPost, issue, issueRequest, readProblem } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { postForm } from "../helpers/pages.js";

/** One e-mail rule: the API's schemas, the pages' forms and the CLI give every address the same verdict. */
let t: TestApp;
beforeEach(async () => {
  // every form and verify request below counts against the verify rate limit
  t = await makeTestApp({ env: { LAUREL_VERIFY_RATE_LIMIT: "100000" } });
});
afterEach(() => t.close());

const longest = `${"a".repeat(64)}@${"b".repeat(MAX_EMAIL_LENGTH - 64 - 1 - 4)}.org`;

/** Addresses with the verdict the rule gives them. Empty input is left out: an optional field may be empty. */
const ADDRESSES: Array<[string, boolean]> = [
  ["ada@example.org", true],
  ["  Ada.Lovelace@Example.ORG  ", true],
  ["o'brien+badges@mail.example.co.uk", true],
  ["a_b-c@x-y.example", true],
  ["x@example.museum", true],
  [longest, true],
  [`a${longest}`, false],
  ["ada", false],
  ["ada@", false],
  ["@example.org", false],
  ["ada@example", false],
  ["ada@localhost", false],
  ["ada@@example.org", false],
  ["ada@exa mple.org", false],
  ["ada lovelace@example.org", false],
  [".ada@example.org", false],
  ["ada.@example.org", false],
  ["ada..lovelace@example.org", false],
  ["ada@-example.org", false],
  ["ada@example.c", false],
  ["ada@example.org.", false],
  ["<ada@example.org>", false],
  ['"ada"@example.org', false],
  ["ada@[127.0.0.1]", false],
  ["ada@127.0.0.1", false],
  ["ada@bücher.example", false],
  ["ädä@example.org", false],
  ["ada@example.org\nbcc@evil.example", false],
  ["ada@example.org, eve@example.org", false],
];

const accepted = (status: number) => status >= 200 && status < 300;

/** The API's verdict where it takes an address, by whether the request answers 2xx (a 400 must name the field). */
async function apiVerdicts(x: TestApp, address: string): Promise<Record<string, boolean>> {
  const refusedAt = async (res: Response, field: string): Promise<boolean> => {
    if (accepted(res.status)) {
      return true;
    }
    expect(res.status, `${field} ${JSON.stringify(address)}`).toBe(400);
    const problem = await readProblem(res);
    expect(problem.errors?.map((e) => e.path)).toContain(field);
    return false;
  };
  const query = encodeURIComponent(address);
  const verifyForm = new FormData();
  verifyForm.set("credential", "x");
  verifyForm.set("recipientEmail", address);
  return {
    issue: await refusedAt(
      await adminPost(x, "/admin/credentials", issueRequest({ recipient: { email: address, name: "Ada" } })),
      "recipient.email",
    ),
    "credential list filter": await refusedAt(await adminGet(x, `/admin/credentials?email=${query}`), "email"),
    "evidence list": await refusedAt(await adminGet(x, `/admin/evidence?email=${query}`), "email"),
    "person's progress": await refusedAt(await adminGet(x, `/admin/people/${query}/progress`), "email"),
    evidence: await refusedAt(
      await adminPost(x, "/admin/evidence", {
        kind: "completion",
        externalId: `e-${Math.random()}`,
        person: { email: address },
        occurredAt: "2026-03-01T10:00:00Z",
        completion: "task",
        item: "anything",
        uncatalogued: true,
      }),
      "person.email",
    ),
    "verify API (JSON)": await refusedAt(
      await x.app.request("/api/verify", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ credential: "x", recipientEmail: address }),
      }),
      "recipientEmail",
    ),
    "verify API (form)": await refusedAt(
      await x.app.request("/api/verify", { method: "POST", body: verifyForm }),
      "recipientEmail",
    ),
  };
}

/** The pages' verdict: the form answered (200), or the form again with the field's message (400). */
async function pageVerdicts(x: TestApp, address: string, credentialId: string): Promise<Record<string, boolean>> {
  const recipient = await postForm(
    x,
    `/credentials/${credentialId}/recipient`,
    new URLSearchParams({ email: address }),
  );
  const recipientHtml = await recipient.text();
  if (!accepted(recipient.status)) {
    expect(recipient.status).toBe(400);
    expect(recipientHtml).toContain("Enter an email address such as name@example.org.");
  }
  const form = new FormData();
  form.set("text", "x");
  form.set("email", address);
  const verify = await postForm(x, "/verify", form);
  const verifyHtml = await verify.text();
  if (!accepted(verify.status)) {
    expect(verify.status).toBe(400);
    expect(verifyHtml).toContain("email address does not look like one");
  }
  return { "credential page's recipient check": accepted(recipient.status), "verify page": accepted(verify.status) };
}

/** What `npm run credentials -- reissue --email …` decides before it opens anything: the API's reissue schema. */
function cliVerdict(address: string): boolean {
  return ReissueRequestSchema.safeParse({ reason: "check", recipient: { email: address } }).success;
}

describe("one e-mail rule", () => {
  it("is zod's email rule, the one the API applied, with the trimming and the length cap", () => {
    // the same pattern (escaping a literal "-" in a character class changes nothing)
    const unescaped = (pattern: RegExp) => pattern.source.replaceAll("\\-", "-");
    expect(unescaped(EMAIL_PATTERN)).toBe(unescaped(z.regexes.email));
    for (const [address, valid] of ADDRESSES) {
      expect(checkEmail(address).ok, JSON.stringify(address)).toBe(valid);
    }
    expect(checkEmail("  Ada@Example.org ")).toEqual({ ok: true, email: "Ada@Example.org" });
    expect(checkEmail(" ")).toEqual({ ok: false, problem: "empty" });
    expect(checkEmail(`a${longest}`)).toEqual({ ok: false, problem: "too-long" });
  });

  it("gives each address the same verdict in the API, on the pages and in the CLI", async () => {
    const { id } = await issue(t);
    const disagreements: string[] = [];
    for (const [address, valid] of ADDRESSES) {
      const verdicts = {
        ...(await apiVerdicts(t, address)),
        ...(await pageVerdicts(t, address, id)),
        CLI: cliVerdict(address),
      };
      for (const [where, verdict] of Object.entries(verdicts)) {
        if (verdict !== valid) {
          disagreements.push(`${where} ${verdict ? "accepts" : "refuses"} ${JSON.stringify(address)}`);
        }
      }
    }
    expect(disagreements).toEqual([]);
  });
});
