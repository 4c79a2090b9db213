import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import { cryptosuite as eddsaRdfc2022 } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import * as vc from "@digitalbazaar/vc";
import { createApp } from "../src/app.js";
import { dataIntegrityCryptosuite, signDataIntegrity } from "../src/crypto/data-integrity.js";
import { createDocumentLoader } from "../src/crypto/document-loader.js";
import { toOb3Achievement } from "../src/domain/achievement.js";
import { buildOpenBadgeCredential } from "../src/domain/credential/build.js";
import { recipientIdentifiers } from "../src/domain/credential/identity.js";
import { createApiKey } from "../src/services/api-keys.js";
import type { ServiceContext } from "../src/services/deps.js";
import { issueCredential } from "../src/services/issue-credential.js";
import { benchContext, fmt, median, rate } from "./harness.js";
import { type BlockFigures, cpuNote, type HttpRoute, httpClient, measureBlock, startHttpService } from "./http-load.js";

type Op = () => Promise<unknown>;

/** A VC Data Model 2.0 credential of a did:key issuer of its own, signed with eddsa-rdfc-2022 by the stock suite. */
async function didKeyCredential(distinct = 0) {
  const key = await Ed25519Multikey.generate();
  const did = `did:key:${key.publicKeyMultibase}`;
  const vm = `${did}#${key.publicKeyMultibase}`;
  Object.assign(key, { id: vm, controller: did });
  const documentLoader = createDocumentLoader(
    new Map([[vm, await key.export({ publicKey: true, includeContext: true })]]),
  );
  const credential = await vc.issue({
    credential: {
      "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
      id: "urn:uuid:5b0f8a36-8c31-4f84-9d6f-0c1e9a7d2b10",
      type: ["VerifiableCredential", "ExampleAlumniCredential"],
      issuer: did,
      validFrom: "2026-01-01T00:00:00Z",
      credentialSubject: { id: "did:example:alumna", alumniOf: { name: "The School of Examples" } },
    },
    suite: new DataIntegrityProof({ signer: key.signer(), cryptosuite: eddsaRdfc2022 }),
    documentLoader,
  });
  // More credentials of that issuer, each another subject (signed with the byte-identical fast suite): each is sent
  // once, so nothing about it can have been remembered.
  const { proof: _proof, ...unsigned } = credential as Record<string, unknown>;
  const others: unknown[] = [];
  for (let i = 0; i < distinct; i++) {
    others.push(
      await vc.issue({
        credential: {
          ...unsigned,
          id: `urn:uuid:5b0f8a36-8c31-4f84-9d6f-${String(i).padStart(12, "0")}`,
          credentialSubject: { id: `did:example:alumna-${i}`, alumniOf: { name: `The School of Examples ${i}` } },
        },
        suite: new DataIntegrityProof({ signer: key.signer(), cryptosuite: dataIntegrityCryptosuite }),
        documentLoader,
      }),
    );
  }
  return { credential, did, vm, documentLoader, others };
}

/**
 * Realistic OpenBadgeCredentials (≈ 4.3 KB: OB 3.0 contexts, an embedded issuer Profile, a catalog achievement with
 * its criteria, alignments and result descriptions, results and evidence like ours) of a *foreign* issuer, a did:key
 * of its own that Laurel knows nothing about: `count` of them, each with its own id, recipient (salted hash) and
 * evidence text, so no two share their bytes. All signed by the stock eddsa-rdfc-2022 suite's byte-identical fast twin.
 */
export async function foreignOpenBadges(ctx: ServiceContext, count: number) {
  const key = await Ed25519Multikey.generate();
  const did = `did:key:${key.publicKeyMultibase}`;
  const vm = `${did}#${key.publicKeyMultibase}`;
  Object.assign(key, { id: vm, controller: did });
  const documentLoader = createDocumentLoader(
    new Map([[vm, await key.export({ publicKey: true, includeContext: true })]]),
  );
  const entry = ctx.catalog.get("gitlab-certified-devops-professional");
  if (!entry) {
    throw new Error("missing catalog entry");
  }
  const academy = "https://academy.example";
  const achievement = toOb3Achievement(entry, academy);
  const issuer = {
    id: did,
    type: ["Profile"] as ["Profile"],
    name: "The Example Academy",
    url: academy,
    image: { id: `${academy}/logo.png`, type: "Image" as const, caption: "The Example Academy" },
  };
  const credentials: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const unsigned = buildOpenBadgeCredential({
      id: `urn:uuid:7c1e4f0a-2b3d-4e5f-8a9b-${String(i).padStart(12, "0")}`,
      issuer,
      achievement,
      identifiers: recipientIdentifiers(
        { email: `learner-${i}@academy.example`, name: `Learner ${i}` },
        `salt-${i}-${Math.random().toString(36).slice(2)}`,
      ),
      validFrom: new Date(Date.UTC(2026, 0, 1 + (i % 28), 9, 0, i % 60)),
      results: [
        {
          type: ["Result"],
          resultDescription: `${achievement.id}#result-exam`,
          value: String(70 + (i % 30)),
          status: "Completed",
        },
      ],
      evidence: [
        {
          type: ["Evidence"],
          name: "Proctored practical exam",
          narrative: `Learner ${i} completed the proctored practical exam on day ${1 + (i % 28)}, pipeline run ${1000 + i}, with every stage green.`,
        },
      ],
    });
    credentials.push(
      (await vc.issue({
        credential: unsigned as unknown as Record<string, unknown>,
        suite: new DataIntegrityProof({
          signer: key.signer(),
          date: new Date("2026-01-01T08:00:00Z"),
          cryptosuite: dataIntegrityCryptosuite,
        }),
        documentLoader,
      })) as Record<string, unknown>,
    );
  }
  return { credentials, did, vm, documentLoader };
}

/** POSTs a request body to an app's `/credentials/verify`, as an HTTP client would; anything but 200 stops the bench. */
export function verifyPoster(app: { request: ReturnType<typeof createApp>["request"] }) {
  return async (text: string): Promise<void> => {
    const res = await app.request("/credentials/verify", {
      method: "POST",
      // as an HTTP client sends it (@hono/node-server passes it on): without it, the body limit re-wraps the stream
      headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) },
      body: text,
    });
    if (res.status !== 200) {
      throw new Error(`/credentials/verify did not verify the bench credential: ${await res.text()}`);
    }
    await res.json();
  };
}

/**
 * `/credentials/verify` and then `/credentials/issue` (benchIssue), each beside the bare library in the same run. The
 * verifier, on one credential (a did:key issuer's VCDM 2.0 credential, one eddsa-rdfc-2022 proof), in alternating
 * blocks:
 * - "library, stock suite": @digitalbazaar/vc verifyCredential with the stock eddsa-rdfc-2022 cryptosuite (proof only);
 * - "library, fast suite": the same with crypto/data-integrity.ts's cryptosuite (expansion replayed per shape), which
 *   the engine now also verifies with: the difference is what issue 18 point 4 gains;
 * - "POST, …": the whole VC API answer (routing, rate limiter, VCDM rules, proof, issuer, validity, status, JSON in and
 *   out) for the same credential again and again (its fixed checks remembered), for a new credential of that issuer
 *   each time (verified in full), and for one Laurel issued sent back as served (answered from its records). The
 *   rate limit is lifted for the run.
 */
export async function benchVcApiVerify(options: {
  blocks: number;
  perBlock: number;
  http: { blocks: number; stockPerBlock: number; perBlock: number; inFlight: number; warmup: number };
}): Promise<void> {
  const bench = await benchContext();
  const ctx: ServiceContext = {
    ...bench.ctx,
    config: { ...bench.ctx.config, verify: { ...bench.ctx.config.verify, rateLimitPerMinute: 10_000_000 } },
  };
  const app = createApp(ctx);
  const { credential, did, vm, documentLoader, others } = await didKeyCredential(
    options.blocks * options.perBlock + 20,
  );
  const bodyOf = (verifiableCredential: unknown) =>
    JSON.stringify({ verifiableCredential, options: { checks: ["proof", "validity"] } });
  const body = bodyOf(credential);
  const issued = await issueCredential(ctx, {
    achievementId: "gitlab-certified-devops-professional",
    recipient: { email: "bench@example.org", name: "Bench Person" },
    actor: "bench",
  });
  const ownBody = bodyOf(issued.credential);
  let next = 0;
  const post = verifyPoster(app);
  const library = (cryptosuite: unknown) => async () => {
    const result = await vc.verifyCredential({
      credential,
      suite: new DataIntegrityProof({ cryptosuite }),
      documentLoader,
      purpose: new vc.CredentialIssuancePurpose({ controller: { id: did, assertionMethod: [vm] } }),
      now: new Date("2026-03-01T00:00:00Z"),
    });
    if (!result.verified) {
      throw new Error("the library did not verify the bench credential");
    }
  };
  const variants: Record<string, Op> = {
    "library, stock suite": library(eddsaRdfc2022),
    "library, fast suite": library(dataIntegrityCryptosuite),
    "POST, the same credential": () => post(body),
    "POST, a new credential each": () => post(bodyOf(others[next++])),
    "POST, one Laurel issued": () => post(ownBody),
  };
  await report("VC API verify: one did:key credential", variants, options);
  console.log("  (the libraries check the proof only; the endpoint makes every check and answers over HTTP)");
  console.log(
    "  (same credential: its fixed checks are remembered by its bytes; a new credential each: verified in full, fast\n" +
      "   canonicalisation; one Laurel issued, sent back byte for byte: its signature from our records; status and\n" +
      "   validity live in all three; target: ≥ 10× the stock library)",
  );
  await benchForeignOpenBadges(ctx, post, options);
  await foreignOverHttp(ctx, options.http);
  await benchIssue(ctx, app, options);
  await bench.cleanup();
}

/**
 * Issue 16 target 3 as it names it: a realistic ≈ 4.3 KB OpenBadgeCredential of a foreign did:key issuer, a new one each
 * request, `POST /credentials/verify` without `options.checks` (every check decides: format, OB 3.0 schema, proof,
 * issuer, validity, status, recipient), beside the stock library verifying the same credentials (proof only).
 */
/**
 * The baseline of target 3: the stock library (unmodified suite, proof only) verifying the next of the foreign badges
 * on each call, in turn; throws if one does not verify.
 */
function stockVerifierOf(badges: Pick<ForeignBadges, "credentials" | "did" | "vm" | "documentLoader">) {
  const { credentials, did, vm, documentLoader } = badges;
  let next = 0;
  return async (): Promise<void> => {
    const result = await vc.verifyCredential({
      credential: credentials[next++ % credentials.length] as Record<string, unknown>,
      suite: new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 }),
      documentLoader,
      purpose: new vc.CredentialIssuancePurpose({ controller: { id: did, assertionMethod: [vm] } }),
      now: new Date("2026-03-01T00:00:00Z"),
    });
    if (!result.verified) {
      throw new Error("the library did not verify the foreign Open Badge");
    }
  };
}
type ForeignBadges = Awaited<ReturnType<typeof foreignOpenBadges>>;

async function benchForeignOpenBadges(
  ctx: ServiceContext,
  post: (text: string) => Promise<void>,
  options: { blocks: number; perBlock: number },
): Promise<void> {
  const perVariant = 4 * (options.blocks * options.perBlock + 20) + 2 * WARM_IN_FLIGHT;
  const { credentials, did, vm, documentLoader } = await foreignOpenBadges(ctx, perVariant);
  const bytes = credentials.map((c) => Buffer.byteLength(JSON.stringify(c)));
  // The same service without workers (LAUREL_SIGNING_THREADS=0): every check on the main thread, as before the pool
  const single = await benchContext({ LAUREL_SIGNING_THREADS: "0" });
  const singleApp = createApp({
    ...single.ctx,
    config: { ...single.ctx.config, verify: { ...single.ctx.config.verify, rateLimitPerMinute: 10_000_000 } },
  });
  const stockVerify = stockVerifierOf({ credentials, did, vm, documentLoader });
  let nextPost = 0;
  const { onWorkerFrom } = ctx.state.verifications;
  const postNew = () => post(JSON.stringify({ verifiableCredential: credentials[nextPost++ % credentials.length] }));
  const postToSingle = verifyPoster(singleApp);
  const postSingle = () =>
    postToSingle(JSON.stringify({ verifiableCredential: credentials[nextPost++ % credentials.length] }));
  const variants: Record<string, Op> = {
    "library, stock suite": stockVerify,
    "POST, a new credential each": postNew,
    "… 8 in flight": () => {
      ctx.state.verifications.onWorkerFrom = onWorkerFrom;
      return postNew();
    },
    // the same with the signatures of verifications made while others are in progress on the pool's workers (the
    // service's default keeps them on the main thread, measured faster on 2 cores: A/B in one run)
    "… 8 in flight, signatures on workers": () => {
      ctx.state.verifications.onWorkerFrom = 1;
      return postNew();
    },
    "… no workers, sequential": postSingle,
  };
  await report(
    `VC API verify: a foreign OpenBadgeCredential (${fmt(median(bytes) / 1024)} KB), a new one each`,
    variants,
    options,
    { "… 8 in flight": 8, "… 8 in flight, signatures on workers": 8 },
  );
  await single.cleanup();
  if (nextPost > credentials.length) {
    throw new Error("the bench sent a credential twice");
  }
  console.log(
    "  (every check of the endpoint decides: format, OB 3.0 schema, proof, issuer, validity, status, recipient;\n" +
      "   the library checks the proof only, sequentially, on one thread; the endpoint checks signatures on its\n" +
      '   main thread, a large credential\'s on a worker of the signing pool; "signatures on workers": those of\n' +
      `   verifications made while others are in progress go to the pool's workers (${ctx.signing.size}) too; "no workers": the same\n` +
      "   service with LAUREL_SIGNING_THREADS=0; target (issue 16 point 3): ≥ 10× the stock library)",
  );
  console.log(
    "  (in one process, the 8 in flight advance together, await by await, and each costs the main thread 35-40 %\n" +
      "   less CPU than one sent alone; a server on sockets, each request in a macrotask of its own, does not get that:\n" +
      "   bench/profile-vc-verify-lockstep.ts)",
  );
}

/**
 * Target 3 as the server serves it: the service in its own process (src/main.ts on a fresh database and keys of its
 * own, bench/http-load.ts), `POST /credentials/verify` of a new foreign OpenBadgeCredential each request over loopback
 * HTTP with `inFlight` in flight, beside the stock library verifying the same credentials in this process
 * (sequential, proof only), in alternating blocks, after `warmup` requests (the server starts cold: its main thread and
 * its workers' realms compile as they go; the in-process sections run after thousands of verifications in this
 * process). The verify rate limit is raised for the run through its variable
 * (LAUREL_VERIFY_RATE_LIMIT=100000 a minute, its maximum; the in-process sections lift it in their config).
 */
async function foreignOverHttp(
  ctx: ServiceContext,
  options: { blocks: number; stockPerBlock: number; perBlock: number; inFlight: number; warmup: number },
): Promise<void> {
  const { warmup } = options;
  const { credentials, did, vm, documentLoader } = await foreignOpenBadges(
    ctx,
    Math.max(options.blocks * options.stockPerBlock + 20, options.blocks * options.perBlock + warmup),
  );
  const dir = mkdtempSync(join(tmpdir(), "laurel-bench-vc-api-http-"));
  const env = {
    LAUREL_PUBLIC_URL: "https://badges.bench",
    LAUREL_DB_PATH: join(dir, "laurel.db"),
    LAUREL_KEYS_DIR: join(dir, "keys"),
    LAUREL_VERIFY_RATE_LIMIT: "100000",
  };
  const service = await startHttpService(env, join(dir, "server.log"));
  const client = httpClient(service.port, options.inFlight);
  try {
    let nextPost = 0;
    const stock = stockVerifierOf({ credentials, did, vm, documentLoader });
    const route: HttpRoute = {
      path: "/credentials/verify",
      headers: { "content-type": "application/json" },
      body: () => JSON.stringify({ verifiableCredential: credentials[nextPost++] }),
    };
    await rate(20, stock);
    await measureBlock(service, client, route, warmup, options.inFlight);
    const stockRates: number[] = [];
    const stockCpuUs: number[] = [];
    const over: BlockFigures[] = [];
    for (let b = 0; b < options.blocks; b++) {
      const before = process.cpuUsage();
      stockRates.push(await rate(options.stockPerBlock, stock));
      const used = process.cpuUsage(before);
      stockCpuUs.push((used.user + used.system) / options.stockPerBlock);
      over.push(await measureBlock(service, client, route, options.perBlock, options.inFlight));
    }
    if (nextPost > credentials.length) {
      throw new Error("the bench sent a credential twice");
    }
    const rateRatio = median(over.map((f, i) => f.rate / (stockRates[i] ?? Number.NaN)));
    const cpuRatio = median(over.map((f, i) => (stockCpuUs[i] ?? Number.NaN) / f.cpuUs));
    const of = (pick: (f: BlockFigures) => number) => median(over.map(pick));
    console.log(
      `\n== VC API verify over HTTP: a foreign OpenBadgeCredential, a new one each, to the service in its own process (src/main.ts, loopback, keep-alive, ${options.inFlight} in flight), median of ${options.blocks} alternating blocks after ${fmt(warmup, 0)} requests ==`,
    );
    console.log(
      `  beside the stock library in the bench's process (sequential, proof only); the server's verify rate limit raised by LAUREL_VERIFY_RATE_LIMIT=100000; ${cpuNote(over[0]?.clock)}`,
    );
    console.log(
      `    library, stock suite          ${fmt(median(stockRates)).padStart(9)} credentials/s   CPU ${fmt(median(stockCpuUs), 0)} µs each (this process)   blocks: ${stockRates.map((x) => fmt(x, 0)).join(" ")}`,
    );
    console.log(
      `    POST over HTTP, ${options.inFlight} in flight     ${fmt(of((f) => f.rate)).padStart(9)} credentials/s   server CPU ${fmt(
        of((f) => f.cpuUs),
        0,
      )} µs each (all threads), main thread ${fmt(
        of((f) => f.mainUs),
        0,
      )} µs   blocks: ${over.map((f) => fmt(f.rate, 0)).join(" ")}`,
    );
    console.log(
      `      server main thread busy ${fmt(100 * of((f) => f.mainShare), 0)} % of the wall time, server process ${fmt(100 * of((f) => f.serverShare), 0)} %, client ${fmt(100 * of((f) => f.clientShare), 0)} %`,
    );
    console.log(
      `    POST over HTTP / stock = ${fmt(rateRatio, 2)}× by rate, ${fmt(cpuRatio, 2)}× by CPU per credential (the library's over the server's, all threads)   (medians of per-block ratios; target ≥ 10×)`,
    );
  } finally {
    client.close();
    await service.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Requests a variant in flight makes before its blocks (see report). */
const WARM_IN_FLIGHT = 600;

/** Runs the variants in alternating blocks (after a warm-up) and prints each median beside the first variant's. */
async function report(
  title: string,
  variants: Record<string, Op>,
  options: { blocks: number; perBlock: number },
  inFlight: Record<string, number> = {},
) {
  const names = Object.keys(variants);
  for (const [name, op] of Object.entries(variants)) {
    // warm-up: JIT, caches, the learnt expansion templates. A variant in flight sends signature checks to the workers,
    // each a realm of its own whose canonicalisation runs unoptimised for its first few hundred checks (1-2 ms each
    // against 0.3-0.5 ms warm; the main thread was warmed by everything before): WARM_IN_FLIGHT requests first, so
    // that its blocks measure a server that has been verifying for a moment, as the main thread's lines do.
    await rate(inFlight[name] ? WARM_IN_FLIGHT : 20, op, inFlight[name] ?? 1);
  }
  const rates: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
  // CPU time of every thread of the process (main and workers) per operation: what a credential costs in cores,
  // less sensitive than a rate to other processes sharing the machine
  const cpu: Record<string, number[]> = Object.fromEntries(names.map((k) => [k, []]));
  for (let b = 0; b < options.blocks; b++) {
    for (const name of names) {
      const before = process.cpuUsage();
      rates[name]?.push(await rate(options.perBlock, variants[name] as Op, inFlight[name] ?? 1));
      const used = process.cpuUsage(before);
      cpu[name]?.push((used.user + used.system) / options.perBlock);
    }
  }
  const med = Object.fromEntries(names.map((k) => [k, median(rates[k] ?? [])]));
  const [baseline = ""] = names;
  const how = Object.keys(inFlight).length > 0 ? "sequential unless in flight" : "sequential";
  console.log(`\n== ${title}, ${how}, median of ${options.blocks} blocks ==`);
  for (const name of names) {
    const blocks = (rates[name] ?? []).map((x) => fmt(x, 0)).join(" ");
    console.log(`    ${name.padEnd(28)} ${fmt(med[name] ?? 0).padStart(9)} credentials/s   blocks: ${blocks}`);
  }
  const cpuMed = Object.fromEntries(names.map((k) => [k, median(cpu[k] ?? [])]));
  console.log(
    `    CPU per operation, all threads (µs): ${names.map((k) => `${k} ${fmt(cpuMed[k] ?? 0, 0)}`).join("; ")}`,
  );
  for (const name of names.slice(1)) {
    const perBlock = (rates[name] ?? []).map((r, i) => r / (rates[baseline]?.[i] ?? 1));
    console.log(
      `    ${name.padEnd(28)} / ${baseline} = ${fmt((med[name] ?? 0) / (med[baseline] ?? 1), 2)}×  (median of per-block ratios ${fmt(median(perBlock), 2)}×)`,
    );
  }
}

/**
 * The VC API issuer beside the bare library, same run, same VCDM 2.0 credential (our did:web issuer, one
 * eddsa-rdfc-2022 proof by our Ed25519 key):
 * - "library, stock suite": @digitalbazaar/vc issue with the stock eddsa-rdfc-2022 cryptosuite;
 * - "library, fast suite": crypto/data-integrity.ts's signDataIntegrity, which the endpoint signs with;
 * - "POST /credentials/issue": the whole answer (API key, rate limiter, VCDM rules, signing, storing and auditing the
 *   credential in its transaction, JSON in and out), without status entries;
 * - "… with status": the same with a revocation entry (its index reserved in a committed transaction first).
 */
async function benchIssue(
  ctx: ServiceContext,
  app: ReturnType<typeof createApp>,
  options: { blocks: number; perBlock: number },
): Promise<void> {
  const { token } = await createApiKey(ctx, { name: "bench", scopes: ["credentials:issue"], actor: "bench" });
  const credential = {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
    id: "urn:uuid:5b0f8a36-8c31-4f84-9d6f-0c1e9a7d2b11",
    type: ["VerifiableCredential", "ExampleAlumniCredential"],
    issuer: ctx.keys.current().keyring.did,
    validFrom: "2026-01-01T00:00:00Z",
    credentialSubject: { id: "did:example:alumna", alumniOf: { name: "The School of Examples" } },
  };
  const signer = ctx.keys.current().keyring.active;
  const now = new Date("2026-03-01T00:00:00Z");
  let n = 0;
  const issueOver = (withStatus: boolean) => async () => {
    const body = {
      credential: { ...credential, id: `urn:uuid:5b0f8a36-8c31-4f84-9d6f-${String(n++).padStart(12, "0")}` },
      ...(withStatus ? { options: { credentialStatus: { type: "BitstringStatusListEntry" } } } : {}),
    };
    const res = await app.request("/credentials/issue", {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    if (res.status !== 201) {
      throw new Error(`/credentials/issue did not issue the bench credential: ${await res.text()}`);
    }
    await res.json();
  };
  const variants: Record<string, Op> = {
    "library, stock suite": () =>
      vc.issue({
        credential: { ...credential },
        suite: new DataIntegrityProof({ signer: signer.signer, date: now, cryptosuite: eddsaRdfc2022 }),
        documentLoader: ctx.keys.current().documentLoader,
        now,
      }),
    "library, fast suite": () =>
      signDataIntegrity({
        credential: { ...credential },
        signer,
        documentLoader: ctx.keys.current().documentLoader,
        now,
      }),
    "POST /credentials/issue": issueOver(false),
    "… with a status entry": issueOver(true),
  };
  await report("VC API issue: one VCDM 2.0 credential", variants, options);
  console.log("  (the libraries sign only; the endpoint checks, signs, stores and audits, and answers over HTTP)");
}
