import { afterEach, describe, expect, it } from "vitest";
import { verifyDataIntegrity } from "../../src/crypto/data-integrity.js";
import { credentialViewJson, toCredentialView } from "../../src/services/credential-view.js";
import { findCredential } from "../../src/storage/credentials-repo.js";
import { adminGet, adminPost } from "../helpers/http.js";
import { makeTestApp, TEST_PUBLIC_URL, type TestApp } from "../helpers/make-app.js";

/**
 * The answer to POST /admin/credentials carries the signed document as the text it was stored as (never parsed and
 * serialised again): the same bytes as serialising the view with the parsed document, which GET sends.
 */

let t: TestApp | undefined;
afterEach(() => t?.close());

const people = [
  { email: "ada@example.org", name: "Ada Lovelace" },
  { email: "zoe@example.org", name: 'Zoë "Z" Ünal — 日本語 \\ $& $\' \u2028' },
  { email: "long@example.org", name: "L".repeat(180) },
];

describe.each([
  ["signed on the request's thread", "0"],
  ["signed by the pool's workers", "2"],
])("the issuance answer, %s", (_, threads) => {
  it("is byte for byte the credential's GET answer, and its document verifies", async () => {
    t = await makeTestApp({ env: { LAUREL_SIGNING_THREADS: threads } });
    const app = t;
    // several at once (one group) and one alone (issueCredential)
    const answers = await Promise.all(
      people.map((recipient) =>
        adminPost(app, "/admin/credentials", { achievementId: "gitlab-certified-associate", recipient }),
      ),
    );
    answers.push(
      await adminPost(app, "/admin/credentials", {
        achievementId: "gitlab-certified-devops-professional",
        recipient: people[0],
      }),
    );
    for (const res of answers) {
      expect(res.status).toBe(201);
      expect(res.headers.get("content-type")).toBe("application/json");
      const text = await res.text();
      const view = JSON.parse(text) as { id: string; credential: Record<string, unknown> };
      expect(res.headers.get("location")).toBe(`/admin/credentials/${view.id}`);
      const again = await adminGet(app, `/admin/credentials/${view.id}`);
      expect(await again.text()).toBe(text);
      const documentLoader = app.ctx.keys.current().documentLoader;
      expect(
        (await verifyDataIntegrity({ credential: view.credential, documentLoader, now: app.clock.now() })).verified,
      ).toBe(true);
    }
  });
});

describe("credentialViewJson", () => {
  it("is JSON.stringify of the view, whether its document was read or not", async () => {
    t = await makeTestApp();
    const res = await adminPost(t, "/admin/credentials", {
      achievementId: "gitlab-certified-associate",
      recipient: people[1],
    });
    const { id } = (await res.json()) as { id: string };
    const record = await findCredential(t.ctx.store.conn(), id);
    if (!record) {
      throw new Error("not stored");
    }
    const unread = toCredentialView(TEST_PUBLIC_URL, null, record, []);
    const text = credentialViewJson(unread);
    const read = toCredentialView(TEST_PUBLIC_URL, null, record, []);
    expect(read.credential.id).toBe(`${TEST_PUBLIC_URL}/credentials/${id}`);
    expect(credentialViewJson(read)).toBe(text);
    expect(JSON.stringify(read)).toBe(text);
    expect(JSON.stringify(JSON.parse(text))).toBe(text);
    const given = toCredentialView(TEST_PUBLIC_URL, JSON.parse(record.document), record, []);
    expect(credentialViewJson(given)).toBe(text);
    // a view changed after it was made is serialised as it is now
    read.credential = { replaced: true };
    expect(JSON.parse(credentialViewJson(read)).credential).toEqual({ replaced: true });
  });
});
