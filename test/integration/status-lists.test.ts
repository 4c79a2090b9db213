import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { verifyDataIntegrity } from "../../src/crypto/data-integrity.js";
import { bitAt, encodeStatusList, STATUS_LIST_LENGTH } from "../../src/domain/status/bitstring.js";
import { getSignedStatusList, reserveStatusSlots } from "../../src/services/status-lists.js";
import { issue } from "../helpers/http.js";
import { entryFor, fetchList, lifecycle, makeSuspendable, servedBit, statusEntriesOf } from "../helpers/lifecycle.js";
import { makeTestApp, TEST_PUBLIC_URL, type TestApp } from "../helpers/make-app.js";
import { ob3Validators } from "../helpers/ob3-schemas.js";
import { seededRandomInt } from "../helpers/seeded.js";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

describe("status entries in issued credentials", () => {
  it("gives every credential a revocation entry at a random index of a signed revocation list", async () => {
    const { credential } = await issue(t);
    const entry = entryFor(credential, "revocation");
    expect(credential.credentialStatus).toEqual(entry); // one entry: an object, as OB 3.0 (0..1) requires
    expect(entry).toEqual({
      id: `${entry.statusListCredential}#${entry.statusListIndex}`,
      type: "BitstringStatusListEntry",
      statusPurpose: "revocation",
      statusListIndex: expect.stringMatching(/^(0|[1-9][0-9]*)$/),
      statusListCredential: `${TEST_PUBLIC_URL}/status-lists/1`,
    });
    expect(Number(entry.statusListIndex)).toBeLessThan(STATUS_LIST_LENGTH);
    expect(ob3Validators.current(credential), JSON.stringify(ob3Validators.current.errors)).toBe(true);
    expect(ob3Validators.formal(credential), JSON.stringify(ob3Validators.formal.errors)).toBe(true);
  });

  it("adds a suspension entry, on a separate list, where the certification allows suspension", async () => {
    makeSuspendable(t, "gitlab-certified-associate");
    const { credential, id } = await issue(t);
    const entries = statusEntriesOf(credential);
    expect(Array.isArray(credential.credentialStatus)).toBe(true);
    expect(entries.map((e) => e.statusPurpose)).toEqual(["revocation", "suspension"]);
    expect(entries[0]?.statusListCredential).not.toBe(entries[1]?.statusListCredential);
    const view = (await (
      await t.app.request(`/admin/credentials/${id}`, {
        headers: { authorization: `Bearer ${t.adminToken}` },
      })
    ).json()) as { status: { state: string; entries: Array<{ purpose: string; index: number }> } };
    expect(view.status.state).toBe("active");
    expect(view.status.entries.map((e) => [e.purpose, String(e.index)])).toEqual(
      entries.map((e) => [e.statusPurpose, e.statusListIndex]),
    );
  });
});

describe("GET /status-lists/{listId}", () => {
  it("serves a signed BitstringStatusListCredential that decodes to at least 16 KiB", async () => {
    const { credential } = await issue(t);
    const { res, list, bits } = await fetchList(t, entryFor(credential, "revocation").statusListCredential);
    expect(res.headers.get("content-type")).toBe("application/vc+ld+json");
    expect(list["@context"]).toEqual(["https://www.w3.org/ns/credentials/v2"]);
    expect(list.id).toBe(`${TEST_PUBLIC_URL}/status-lists/1`);
    expect(list.type).toEqual(["VerifiableCredential", "BitstringStatusListCredential"]);
    expect(list.issuer).toBe(t.ctx.keys.current().keyring.did);
    expect(list.credentialSubject).toMatchObject({
      id: `${TEST_PUBLIC_URL}/status-lists/1#list`,
      type: "BitstringStatusList",
      statusPurpose: "revocation",
    });
    expect(list.credentialSubject.encodedList).toMatch(/^u[A-Za-z0-9_-]+$/);
    expect(bits.length).toBeGreaterThanOrEqual(16_384);
    expect(list.proof).toEqual([
      expect.objectContaining({
        type: "DataIntegrityProof",
        cryptosuite: "eddsa-rdfc-2022",
        proofPurpose: "assertionMethod",
        verificationMethod: t.ctx.keys.current().keyring.active.verificationMethod,
      }),
    ]);
    expect(
      await verifyDataIntegrity({ credential: list, documentLoader: t.ctx.keys.current().documentLoader }),
    ).toEqual({
      verified: true,
    });
    // A list with one more bit set than was signed no longer verifies.
    list.credentialSubject.encodedList = encodeStatusList([5]);
    expect(
      (await verifyDataIntegrity({ credential: list, documentLoader: t.ctx.keys.current().documentLoader })).verified,
    ).toBe(false);
  });

  it("sends short caching, a strong ETag, CORS, 304 on If-None-Match, and answers HEAD", async () => {
    const { credential } = await issue(t);
    const url = entryFor(credential, "revocation").statusListCredential;
    const res = await t.app.request(url, { headers: { origin: "https://verifier.example" } });
    const etag = res.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    const maxAge = Number(/max-age=(\d+)/.exec(res.headers.get("cache-control") ?? "")?.[1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(60);
    expect(res.headers.get("cache-control")).toContain("public");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const body = await res.text();

    for (const header of [etag, `W/${etag}`, `"nope", ${etag}`, "*"]) {
      const again = await t.app.request(url, { headers: { "if-none-match": header } });
      expect(again.status, header).toBe(304);
      expect(again.headers.get("etag")).toBe(etag);
      expect(await again.text()).toBe("");
    }
    expect((await t.app.request(url, { headers: { "if-none-match": '"other"' } })).status).toBe(200);

    const head = await t.app.request(url, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("etag")).toBe(etag);
    expect(await head.text()).toBe("");
    // Unchanged list: the same bytes, the same ETag (not re-signed on every read).
    expect(await (await t.app.request(url)).text()).toBe(body);
  });

  it("answers 404 problems for unknown or malformed list ids", async () => {
    await issue(t);
    for (const path of ["/status-lists/99", "/status-lists/0", "/status-lists/abc", "/status-lists/1x"]) {
      const res = await t.app.request(path);
      expect(res.status, path).toBe(404);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
  });

  it("serves the flipped bit on the first GET after a revoke, and only that bit", async () => {
    const credentials = await Promise.all([issue(t), issue(t), issue(t)]);
    const [target, ...others] = credentials.map((c) => c.credential);
    const entry = entryFor(target!, "revocation");
    const before = await fetchList(t, entry.statusListCredential);
    expect(bitAt(before.bits, Number(entry.statusListIndex))).toBe(false);

    const res = await lifecycle(t, credentials[0]!.id, "revoke", { reason: "issued in error" });
    expect(res.status).toBe(200);

    const after = await fetchList(t, entry.statusListCredential);
    expect(bitAt(after.bits, Number(entry.statusListIndex))).toBe(true);
    expect(after.res.headers.get("etag")).not.toBe(before.res.headers.get("etag"));
    // Exactly one bit set in the whole list: nothing about other credentials changed.
    expect(after.bits.reduce((n, byte) => n + popcount(byte), 0)).toBe(1);
    for (const other of others) {
      expect(await servedBit(t, other!, "revocation")).toBe(false);
    }
    // The in-process reader the verifier uses sees the same document.
    const signed = await getSignedStatusList(t.ctx, "1");
    expect(signed).toEqual(after.list);
    expect(await getSignedStatusList(t.ctx, "42")).toBeUndefined();
  });

  it("never serves an older list after a newer one, however the signings interleave", async () => {
    const issued = await Promise.all(Array.from({ length: 6 }, () => issue(t)));
    const url = entryFor(issued[0]!.credential, "revocation").statusListCredential;
    const seen: number[] = [];
    // Revocations racing with reads: every read sees at least as many set bits as the read before it.
    const reads = (async () => {
      for (let i = 0; i < 12; i++) {
        const { bits } = await fetchList(t, url);
        seen.push(bits.reduce((n, byte) => n + popcount(byte), 0));
      }
    })();
    await Promise.all([...issued.map((c) => lifecycle(t, c.id, "revoke", { reason: "batch error" })), reads]);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]!);
    }
    const { bits } = await fetchList(t, url);
    expect(bits.reduce((n, byte) => n + popcount(byte), 0)).toBe(6);
  });
});

describe("index allocation", () => {
  /** 1,000 revocation indexes, drawn one by one as issuances draw them. */
  const drawIndexes = async () => {
    const slots = [];
    for (let i = 0; i < 1000; i++) {
      slots.push((await reserveStatusSlots(t.ctx, ["revocation"]))[0]!);
    }
    return slots.map((s) => s.index);
  };

  /** Not sequential and spread over the whole list, within the given bounds. */
  const expectSpread = (indexes: number[], bounds: { chi2: number; edge: number }) => {
    expect(new Set(indexes).size).toBe(1000);
    // Not sequential: consecutive allocations are almost never neighbours, and order is not sorted order.
    const neighbours = indexes.slice(1).filter((x, i) => Math.abs(x - indexes[i]!) <= 1).length;
    expect(neighbours).toBeLessThan(5);
    const ascending = indexes.slice(1).filter((x, i) => x > indexes[i]!).length;
    expect(ascending).toBeGreaterThan(400);
    expect(ascending).toBeLessThan(600);
    // Spread: chi-square over 16 equal bins (df = 15).
    const bins = new Array(16).fill(0);
    for (const i of indexes) {
      bins[Math.floor((i / STATUS_LIST_LENGTH) * 16)]++;
    }
    const expected = 1000 / 16;
    const chi2 = bins.reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(bounds.chi2);
    expect(Math.min(...indexes)).toBeLessThan(STATUS_LIST_LENGTH * bounds.edge);
    expect(Math.max(...indexes)).toBeGreaterThan(STATUS_LIST_LENGTH * (1 - bounds.edge));
  };

  it("draws indexes that look uniformly random over the whole list, not sequential", async () => {
    // A seeded source in place of crypto's: the statistics then test how the allocator uses its draws, on the same
    // draws every run, with tight bounds. With crypto's, one run in about 11,000 failed them by chance alone (no index
    // in the lowest or in the highest 1%: 0.99^1000 = 4.3e-5 each; chi-square over 55 at 15 df: 1.8e-6).
    t.ctx.randomInt = seededRandomInt(2026);
    expectSpread(await drawIndexes(), { chi2: 55, edge: 0.01 });
  });

  it("draws them from the service's own random source, unpredictable (crypto's, as composed)", async () => {
    // The same statistics on the composed source, with bounds no uniform source misses by chance in practice
    // (chi-square over 100 at 15 df: about 1e-14; no index in the lowest or highest 5%: 0.95^1000 = 5e-23 each): a
    // constant, sequential or clustered source fails them.
    expectSpread(await drawIndexes(), { chi2: 100, edge: 0.05 });
  });

  it("puts every credential's bit at its own index (distinct across credentials)", async () => {
    makeSuspendable(t, "gitlab-certified-associate");
    const issued = await Promise.all(Array.from({ length: 8 }, () => issue(t)));
    for (const purpose of ["revocation", "suspension"] as const) {
      const indexes = issued.map((c) => entryFor(c.credential, purpose).statusListIndex);
      expect(new Set(indexes).size).toBe(8);
    }
    await lifecycle(t, issued[3]!.id, "suspend", { reason: "under review" });
    for (const [i, c] of issued.entries()) {
      expect(await servedBit(t, c.credential, "suspension")).toBe(i === 3);
      expect(await servedBit(t, c.credential, "revocation")).toBe(false);
    }
  });
});

function popcount(byte: number): number {
  let n = 0;
  for (let b = byte; b; b &= b - 1) {
    n++;
  }
  return n;
}
