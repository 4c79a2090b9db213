import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { toShortCode } from "../../src/domain/short-id.js";
import { createApiKey } from "../../src/services/api-keys.js";
import { adminGet, adminPost, issue } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp({ now: new Date("2026-03-10T12:00:00Z") });
});
afterEach(() => t.close());

const ALICE = "alice.private@example.org";
const BOB = "bob.private@example.org";
const BOB_NEW = "bob.corrected@example.net";
const DAVE = "dave.typo@example.org";
const REVOKE_REASON = "Proctor saw notes on the desk during the lab";
const REISSUE_REASON = "Recipient married and changed address";
const REJECT_REASON = "Lab graded by the candidate's own manager";

/** Every form an address may take in a URL or a log: as is, percent-encoded, and its local part. */
const forms = (email: string) => [email, encodeURIComponent(email), email.split("@")[0] as string];

describe("logs", () => {
  it("carry no e-mail address, token or reason text after a full journey", async () => {
    const grader = await createApiKey(t.ctx, {
      name: "grader",
      scopes: ["evidence:write"],
      graderRole: "ps-engineer",
      actor: "test",
    });
    const issued = await issue(t, { recipient: { email: ALICE, name: "Alice" } });

    // Evidence from a grader's key completes Bob's Associate.
    for (const record of [
      { assessment: "gitlab-associate-written", score: 88, occurredAt: "2026-03-02T09:00:00Z" },
      { assessment: "gitlab-associate-lab", passed: true, occurredAt: "2026-03-05T09:00:00Z" },
    ]) {
      const res = await adminPost(
        t,
        "/admin/evidence",
        { kind: "assessment", externalId: record.assessment, person: { email: BOB, name: "Bob" }, ...record },
        grader.token,
      );
      expect(res.status).toBe(201);
    }
    const awarded = (await (await adminGet(t, `/admin/credentials?email=${encodeURIComponent(BOB)}`)).json()) as {
      items: Array<{ id: string }>;
    };
    const bobsCredential = awarded.items[0]?.id as string;
    expect(bobsCredential).toBeDefined();

    // Reads by address, in the path (raw and encoded) and in the query; a mistyped path with an address.
    expect((await adminGet(t, `/admin/people/${BOB}/progress`)).status).toBe(200);
    expect((await adminGet(t, `/admin/people/${encodeURIComponent(BOB)}/progress`)).status).toBe(200);
    expect((await adminGet(t, `/admin/evidence?email=${encodeURIComponent(BOB)}`)).status).toBe(200);
    expect((await adminGet(t, `/admin/people/${DAVE}/progres`)).status).toBe(404);

    // Lifecycle with reasons; a reissue to a corrected address.
    expect(
      (await adminPost(t, `/admin/credentials/${issued.id}/revoke`, { reason: REVOKE_REASON, reasonPublic: false }))
        .status,
    ).toBe(200);
    const reissued = await adminPost(t, `/admin/credentials/${bobsCredential}/reissue`, {
      reason: REISSUE_REASON,
      recipient: { email: BOB_NEW },
    });
    expect(reissued.status).toBe(201);

    // An award waiting for approval, rejected with a reason.
    const entry = t.ctx.catalog.get("gitlab-certified-associate");
    if (!entry) {
      throw new Error("catalog");
    }
    entry.criteria.requiresApproval = true;
    for (const record of [
      { assessment: "gitlab-associate-written", score: 95, occurredAt: "2026-03-03T09:00:00Z" },
      { assessment: "gitlab-associate-lab", passed: true, occurredAt: "2026-03-06T09:00:00Z" },
    ]) {
      const body = { kind: "assessment", externalId: `d-${record.assessment}`, person: { email: DAVE }, ...record };
      expect((await adminPost(t, "/admin/evidence", body, grader.token)).status).toBe(201);
    }
    const queue = (await (await adminGet(t, "/admin/approvals")).json()) as { items: Array<{ id: string }> };
    const approval = queue.items[0]?.id as string;
    expect((await adminPost(t, `/admin/approvals/${approval}/reject`, { reason: REJECT_REASON })).status).toBe(200);

    // Verification with the recipient's address: the API, and the public page's form.
    expect((await adminPost(t, "/api/verify", { credential: issued.credential, recipientEmail: ALICE })).status).toBe(
      200,
    );
    const form = new FormData();
    form.set("email", ALICE);
    expect((await t.app.request(`/credentials/${issued.id}/recipient`, { method: "POST", body: form })).status).toBe(
      200,
    );
    expect((await t.app.request(`/c/${toShortCode(issued.id)}`, { headers: { accept: "text/html" } })).status).toBe(
      200,
    );

    // The events outbox: a claim token, acknowledged.
    const claim = (await (await adminPost(t, "/admin/events/claim", { channel: "email", limit: 50 })).json()) as {
      claimToken: string;
      items: Array<{ seq: number }>;
    };
    expect(
      (
        await adminPost(t, "/admin/events/ack", {
          channel: "email",
          claimToken: claim.claimToken,
          seqs: claim.items.map((e) => e.seq),
        })
      ).status,
    ).toBe(200);
    // A wrong token in the header.
    expect(
      (await adminGet(t, "/admin/credentials", "lrl_aaaaaaaaaaaa_wrongwrongwrongwrongwrongwrongwrongwrongwro")).status,
    ).toBe(401);

    const logs = t.logLines.join("");
    const secrets = [
      ...[ALICE, BOB, BOB_NEW, DAVE].flatMap(forms),
      t.adminToken,
      grader.token,
      claim.claimToken,
      "wrongwrongwrong",
      REVOKE_REASON,
      REISSUE_REASON,
      REJECT_REASON,
    ];
    for (const secret of secrets) {
      expect(logs, secret).not.toContain(secret);
    }
    // Requests are still logged, by the route they matched.
    const requests = t.logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.message === "request");
    expect(requests.length).toBeGreaterThan(15);
    expect(requests.map((r) => r.path)).toContain("/admin/people/:email/progress");
  });

  it("mask an address or key that an error message quotes", async () => {
    const active = t.ctx.keys.current().keyring.active;
    t.ctx.keys.current().keyring.active = {
      ...active,
      signer: {
        ...active.signer,
        id: active.signer.id,
        algorithm: active.signer.algorithm,
        sign: () => Promise.reject(new Error(`cannot sign for ${ALICE} (key ${t.adminToken})`)),
      },
    };
    const res = await adminPost(t, "/admin/credentials", {
      achievementId: "gitlab-certified-associate",
      recipient: { email: ALICE, name: "Alice" },
    });
    expect(res.status).toBe(500);
    const line = t.logLines.find((l) => l.includes('"unhandled error"')) ?? "";
    expect(JSON.parse(line)).toMatchObject({ errorMessage: "cannot sign for [redacted] (key [redacted])" });
    expect(t.logLines.join("")).not.toContain(ALICE);
  });
});
