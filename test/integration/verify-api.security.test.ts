import { randomBytes } from "node:crypto";
import { deflateSync } from "node:zlib";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import { CompactSign, exportJWK, generateKeyPair } from "jose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { signDataIntegrity } from "../../src/crypto/data-integrity.js";
import { ed25519ToMultibase } from "../../src/verify/multibase.js";
import { issue, readProblem } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { PNG_SIGNATURE, pngChunk } from "../helpers/png.js";
import { checkOf, documentsFetch, type Report, verifyJson, verifyUpload } from "../helpers/verify.js";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp({ env: { LAUREL_VERIFY_MAX_UPLOAD_BYTES: String(1024 * 1024) } });
});
afterEach(() => t.close());

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1] as string, "base64url").toString("utf8"));

describe("hostile tokens", () => {
  it('refuses a JWT with alg "none" as not genuine', async () => {
    const { jwt } = await issue(t);
    const unsigned = `${b64({ alg: "none", typ: "JWT" })}.${jwt.split(".")[1]}.`;
    const report = await verifyJson(t, { credential: unsigned });
    expect(report.verdict).toBe("not-genuine");
    expect(checkOf(report, "proof")).toMatchObject({ outcome: "failed", code: "bad-alg" });
  });

  it.each([
    ["nbf", 1e13],
    ["exp", 1e13],
    ["exp", -1e300],
  ])("reports a token %s of %s as not a valid time, without failing the request", async (claim, value) => {
    const { credential } = await issue(t);
    const { proof: _proof, ...vc } = credential;
    const token = `${b64({ alg: "none", typ: "JWT" })}.${b64({ vc, [claim]: value })}.`;
    const report = await verifyJson(t, { credential: token });
    expect(checkOf(report, "validity")).toMatchObject({ outcome: "failed", code: "bad-date" });
    expect(report.verdict).toBe("not-genuine");
    const form = new FormData();
    form.set("text", token);
    const page = await t.app.request("/verify", { method: "POST", body: form, headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
  });

  it("refuses algorithms outside ES256, RS256 and EdDSA (HS256 keyed with our public JWK)", async () => {
    const { jwt } = await issue(t);
    const [, payload] = jwt.split(".");
    const forged = `${b64({ alg: "HS256", kid: `${t.ctx.config.publicUrl}/keys/key-1` })}.${payload}.AAAA`;
    const report = await verifyJson(t, { credential: forged });
    expect(checkOf(report, "proof")).toMatchObject({ outcome: "failed", code: "bad-alg" });
    expect(report.verdict).toBe("not-genuine");
  });

  it("fails the issuer check of a JWS signed with its own embedded key while claiming our issuer", async () => {
    const { jwt } = await issue(t);
    const { privateKey, publicKey } = await generateKeyPair("ES256");
    const forged = await new CompactSign(Buffer.from(JSON.stringify(claimsOf(jwt))))
      .setProtectedHeader({ alg: "ES256", typ: "JWT", jwk: await exportJWK(publicKey) })
      .sign(privateKey);
    const report = await verifyJson(t, { credential: forged });
    expect(checkOf(report, "proof")?.outcome).toBe("passed"); // the signature is the attacker's own, and matches
    expect(checkOf(report, "issuer")).toMatchObject({ outcome: "failed", code: "key-not-issuers" });
    expect(report.verdict).toBe("not-genuine");
  });

  it("fails the issuer check of a JWS whose kid is someone else's did:key", async () => {
    const { jwt } = await issue(t);
    const { privateKey, publicKey } = await generateKeyPair("EdDSA", { crv: "Ed25519" });
    const { x } = await exportJWK(publicKey);
    const multibase = ed25519ToMultibase(new Uint8Array(Buffer.from(x as string, "base64url")));
    const kid = `did:key:${multibase}#${multibase}`;
    const forged = await new CompactSign(Buffer.from(JSON.stringify(claimsOf(jwt))))
      .setProtectedHeader({ alg: "EdDSA", typ: "JWT", kid })
      .sign(privateKey);
    const report = await verifyJson(t, { credential: forged });
    expect(checkOf(report, "proof")?.outcome).toBe("passed");
    expect(checkOf(report, "issuer")).toMatchObject({ outcome: "failed", code: "key-not-issuers" });
    expect(checkOf(report, "issuer")?.message).toContain(`did:key:${multibase}`);
    expect(report.verdict).toBe("not-genuine");
  });

  it("says a kid naming a key we do not have is not genuine (our keys are known here)", async () => {
    const { jwt } = await issue(t);
    const [, payload, signature] = jwt.split(".");
    const header = b64({ alg: "ES256", typ: "JWT", kid: `${t.ctx.config.publicUrl}/keys/key-7` });
    const report = await verifyJson(t, { credential: `${header}.${payload}.${signature}` });
    expect(checkOf(report, "proof")).toMatchObject({ outcome: "failed", code: "unknown-key" });
  });
});

describe("hostile files", () => {
  it("refuses to read an SVG with an external entity, and never echoes the SVG back", async () => {
    const svg = `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg"><text>&xxe;</text></svg>`;
    const res = await t.app.request("/api/verify", {
      method: "POST",
      body: formWith(Buffer.from(svg), "evil.svg", "image/svg+xml"),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain("root:");
    expect(text).not.toContain("<svg");
    const report = JSON.parse(text) as Report;
    expect(report.verdict).toBe("invalid");
    expect(checkOf(report, "format")).toMatchObject({ outcome: "failed", code: "image-unsafe_xml" });
  });

  it("refuses an SVG whose DOCTYPE has an internal subset", async () => {
    const svg = `<!DOCTYPE svg [<!ATTLIST svg xmlns:openbadges CDATA "https://purl.imsglobal.org/ob/v3p0">]><svg xmlns="http://www.w3.org/2000/svg"/>`;
    const report = await verifyUpload(t, Buffer.from(svg), "x.svg", "image/svg+xml");
    expect(checkOf(report, "format")?.code).toBe("image-unsafe_xml");
  });

  it("refuses a PNG bomb from its header alone (huge declared size, tiny compressed data)", async () => {
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(100_000, 0);
    ihdr.writeUInt32BE(100_000, 4);
    ihdr.set([8, 2, 0, 0, 0], 8);
    const idat = deflateSync(Buffer.alloc(1_000_000)); // would inflate much further if anything decoded it
    const bomb = Buffer.concat([PNG_SIGNATURE, pngChunk("IHDR", ihdr), pngChunk("IDAT", idat), pngChunk("IEND", "")]);
    const report = await verifyUpload(t, bomb, "bomb.png", "image/png");
    expect(report.verdict).toBe("invalid");
    expect(checkOf(report, "format")).toMatchObject({ outcome: "failed", code: "too-many-pixels" });
    expect(checkOf(report, "format")?.message).toContain("100000 × 100000");
  });

  it("reports garbage bytes as unreadable", async () => {
    const report = await verifyUpload(t, randomBytes(4096), "noise.bin", "application/octet-stream");
    expect(report.verdict).toBe("invalid");
    expect(checkOf(report, "format")?.code).toBe("unreadable");
    expect(report.checks.filter((c) => c.id !== "format").every((c) => c.outcome === "not-checked")).toBe(true);
  });

  it("reports a PNG without a baked credential, and a truncated one", async () => {
    const { tinyPng } = await import("../helpers/png.js");
    const plain = await verifyUpload(t, tinyPng(), "plain.png", "image/png");
    expect(checkOf(plain, "format")?.code).toBe("image-no_credential");
    const cut = await verifyUpload(t, tinyPng().subarray(0, 40), "cut.png", "image/png");
    expect(checkOf(cut, "format")?.code).toBe("image-truncated");
  });
});

function formWith(bytes: Uint8Array, name: string, type: string): FormData {
  const form = new FormData();
  form.set("file", new File([bytes], name, { type }));
  return form;
}

describe("oversized requests", () => {
  /** A body stream that makes `total` bytes on demand and counts how many were actually pulled. */
  function lazyBody(total: number) {
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= total) {
          controller.close();
          return;
        }
        pulled += chunk.length;
        controller.enqueue(chunk);
      },
    });
    return { stream, pulled: () => pulled };
  }

  it("refuses a declared 100 MB upload with 413 before reading it", async () => {
    const body = lazyBody(100 * 1024 * 1024);
    const res = await t.app.request(
      new Request("http://localhost/api/verify", {
        method: "POST",
        headers: { "content-type": "multipart/form-data; boundary=x", "content-length": String(100 * 1024 * 1024) },
        body: body.stream,
        duplex: "half",
      } as RequestInit),
    );
    expect(res.status).toBe(413);
    expect((await readProblem(res)).code).toBe("PAYLOAD_TOO_LARGE");
    expect(body.pulled()).toBeLessThan(2 * 1024 * 1024);
  });

  it("cuts off an undeclared (chunked) 100 MB upload once it passes the cap", async () => {
    const body = lazyBody(100 * 1024 * 1024);
    const res = await t.app.request(
      new Request("http://localhost/api/verify", {
        method: "POST",
        headers: { "content-type": "multipart/form-data; boundary=x" },
        body: body.stream,
        duplex: "half",
      } as RequestInit),
    );
    expect(res.status).toBe(413);
    expect(body.pulled()).toBeLessThan(3 * 1024 * 1024);
  });

  it("refuses text beyond the upload cap in a JSON body too", async () => {
    const res = await t.app.request("/api/verify", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ credential: "x".repeat(2 * 1024 * 1024) }),
    });
    expect(res.status).toBe(413);
  });
});

describe("costly credentials", () => {
  it("does not canonicalise a credential holding thousands of values: its signature is not checked", async () => {
    const { credential } = await issue(t);
    const evidence = Array.from({ length: 1200 }, (_, i) => ({ id: `https://x.example/e/${i}`, type: ["Evidence"] }));
    const report = await verifyJson(t, { credential: { ...credential, evidence } });
    expect(checkOf(report, "proof")).toMatchObject({ outcome: "not-checked", code: "too-large" });
    expect(report.verdict).toBe("unverified");
  });
});

describe("many status entries", () => {
  it("looks up and schema-checks at most four: with more, both checks say not checked, never passed", async () => {
    const { credential } = await issue(t);
    const entry = credential.credentialStatus;
    const report = await verifyJson(t, { credential: { ...credential, credentialStatus: Array(5).fill(entry) } });
    expect(checkOf(report, "status")).toMatchObject({ outcome: "not-checked", code: "too-many-entries" });
    expect(checkOf(report, "schema")).toMatchObject({ outcome: "not-checked", code: "too-many-entries" });
  });
});

describe("hostile JSON", () => {
  it("returns names with <script> as data, unchanged (escaping is the page's job)", async () => {
    const issued = await issue(t, { recipient: { email: "x@example.org", name: "<script>alert(1)</script>" } });
    const res = await t.app.request("/api/verify", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ credential: issued.credential }),
    });
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const report = (await res.json()) as Report;
    expect(report.verdict).toBe("valid");
    expect(report.display?.recipientName).toBe("<script>alert(1)</script>");
  });

  it.each([
    ["an array", "[1, 2, 3]", "not-an-object"],
    ["a number", "42", "unreadable"],
    ["broken JSON", '{"@context": ', "bad-json"],
    ["JSON nested 100,000 deep", `${"[".repeat(100_000)}${"]".repeat(100_000)}`, "bad-json"],
    ["an object nested 100,000 deep", `${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`, "bad-json"],
  ])("reports %s given as credential text as unreadable", async (_name, text, code) => {
    const report = await verifyJson(t, { credential: text });
    expect(report.verdict).toBe("invalid");
    expect(checkOf(report, "format")).toMatchObject({ outcome: "failed", code });
  });

  it("refuses a credential object nested deeper than any credential with 400, not a crash", async () => {
    const deep = `${'{"a":'.repeat(50_000)}1${"}".repeat(50_000)}`;
    const res = await t.app.request("/api/verify", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `{"credential":${deep}}`,
    });
    expect(res.status).toBe(400);
    const problem = await readProblem(res);
    expect(problem.errors).toEqual([{ path: "credential", message: "nests deeper than 64 levels" }]);
  });

  it.each([
    ["a body that is not an object", "[1]"],
    ["a credential that is a number", '{"credential": 42}'],
    ["both credential and url", '{"credential": "x", "url": "https://badges.test/credentials/x"}'],
    ["neither", "{}"],
    ["a bad email", '{"credential": "x", "recipientEmail": "not-an-email"}'],
  ])("answers 400 problem+json for %s", async (_name, body) => {
    const res = await t.app.request("/api/verify", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    expect(res.status).toBe(400);
    expect((await readProblem(res)).code).toBe("VALIDATION_FAILED");
  });

  it("answers 400 for malformed JSON and 415 for another media type", async () => {
    const bad = await t.app.request("/api/verify", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{",
    });
    expect(bad.status).toBe(400);
    expect((await readProblem(bad)).code).toBe("MALFORMED_JSON");
    const other = await t.app.request("/api/verify", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "x",
    });
    expect(other.status).toBe(415);
    await readProblem(other);
  });

  it("never fetches an unknown JSON-LD context: the proof is not checked, and says which context", async () => {
    const { credential } = await issue(t);
    credential["@context"] = [...credential["@context"], "https://example.com/evil-context.json"];
    const report = await verifyJson(t, { credential });
    expect(checkOf(report, "proof")).toMatchObject({ outcome: "not-checked", code: "unknown-context" });
    expect(checkOf(report, "proof")?.message).toContain("https://example.com/evil-context.json");
    expect(report.verdict).toBe("unverified");
  });

  it("never fetches a URL that is not one of ours, and says so", async () => {
    const report = await verifyJson(t, { url: "http://169.254.169.254/latest/meta-data" });
    expect(report.verdict).toBe("invalid");
    expect(checkOf(report, "format")).toMatchObject({ outcome: "failed", code: "not-our-url" });
    const missing = await verifyJson(t, { url: `${t.ctx.config.publicUrl}/credentials/no-such-id` });
    expect(checkOf(missing, "format")).toMatchObject({ outcome: "failed", code: "unknown-credential" });
  });
});

describe("rate limit", () => {
  const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });
  const post = (address: string, path = "/api/verify") =>
    t.app.request(
      path,
      { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ credential: "x" }) },
      from(address),
    );

  it("answers 429 problem+json with Retry-After past the per-address limit, shared across the verify endpoints", async () => {
    await t.close();
    t = await makeTestApp({ env: { LAUREL_VERIFY_RATE_LIMIT: "3" } });
    expect((await post("203.0.113.7")).status).toBe(200);
    expect((await post("203.0.113.7", "/credentials/verify")).status).toBe(400); // counted too (not a credential)
    expect((await post("203.0.113.7")).status).toBe(200);
    const limited = await post("203.0.113.7");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await readProblem(limited)).toMatchObject({ status: 429, code: "TOO_MANY_REQUESTS" });
    expect((await post("198.51.100.20")).status).toBe(200); // another address has its own allowance
  });

  it("counts an IPv6 client per /64", async () => {
    await t.close();
    t = await makeTestApp({ env: { LAUREL_VERIFY_RATE_LIMIT: "2" } });
    expect((await post("2001:db8:1:2::1")).status).toBe(200);
    expect((await post("2001:db8:1:2:ffff::9")).status).toBe(200);
    expect((await post("2001:db8:1:2::77")).status).toBe(429);
    expect((await post("2001:db8:1:3::1")).status).toBe(200);
  });
});

describe("a key that names a famous issuer as its controller (<issuer>#<key>)", () => {
  const ISSUER = "https://university.example/issuer";

  /** Our credential re-issued under someone else's name, signed with a fresh key written as `<ISSUER>#<multibase>`. */
  async function forgeAsUniversity(app: TestApp) {
    const issued = await issue(app);
    const { proof: _proof, credentialStatus: _status, ...unsigned } = issued.credential;
    const key = await Ed25519Multikey.generate({ controller: ISSUER });
    const forged = await signDataIntegrity({
      credential: { ...unsigned, issuer: { id: ISSUER, type: ["Profile"], name: "Famous University" } },
      signer: { signer: key.signer() } as never,
      documentLoader: app.ctx.keys.current().documentLoader,
      now: app.clock.now(),
    });
    return { forged, vm: key.id as string };
  }

  it("is not the issuer's offline: the signature verifies, the issuer is not checked, the verdict is unverified", async () => {
    const { forged, vm } = await forgeAsUniversity(t);
    expect(vm.startsWith(`${ISSUER}#z6Mk`)).toBe(true);
    const report = await verifyJson(t, { credential: forged });
    expect(checkOf(report, "proof")?.outcome).toBe("passed");
    expect(checkOf(report, "issuer")?.outcome).toBe("not-checked");
    expect(report.verdict).toBe("unverified");
  });

  it("is the issuer's only when the issuer's own document lists it", async () => {
    const { forged, vm } = await forgeAsUniversity(t);
    for (const [listed, verdict] of [
      [[], "unverified"],
      [[{ id: vm }], "valid"],
    ] as const) {
      const online = await makeTestApp({
        env: { LAUREL_VERIFY_REMOTE: "true" },
        fetchRemote: documentsFetch({ [ISSUER]: { id: ISSUER, verificationMethod: listed } }).fetchRemote,
      });
      try {
        const report = await verifyJson(online, { credential: forged });
        expect(report.verdict, JSON.stringify(report.checks)).toBe(verdict);
      } finally {
        await online.close();
      }
    }
  });
});
