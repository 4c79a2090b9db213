import { createApp } from "../src/app.js";
import { signDataIntegrity } from "../src/crypto/data-integrity.js";
import { bitAt, decodeEncodedList, encodeStatusList } from "../src/domain/status/bitstring.js";
import { buildStatusListCredential } from "../src/domain/status/status-list-credential.js";
import { createApiKey } from "../src/services/api-keys.js";
import type { CredentialView } from "../src/services/credential-view.js";
import { issueCredential } from "../src/services/issue-credential.js";
import { benchContext, fmt, median, rate } from "./harness.js";

type Entry = { statusListIndex: string; statusListCredential: string };

/**
 * Status lists, through the real app (in process, `app.request`) on a file database (WAL):
 * (a) revoke → served: from the start of POST /admin/credentials/{id}/revoke until a GET of the list returns the
 *     flipped bit, beside two baselines measured in the same run: the bare Data Integrity signing of a list credential
 *     (encode + @digitalbazaar/vc issue, what any re-sign must cost), and a no-op admin call (GET of the credential).
 * (b) GET /status-lists/{id} requests per second, with and without If-None-Match, beside GET / (a trivial JSON route
 *     of the same app), in alternating blocks; block medians.
 */
export async function benchStatusLists(options: { revokes: number; requests: number; blocks: number }): Promise<void> {
  const { ctx, cleanup } = await benchContext();
  const app = createApp(ctx);
  const admin = await createApiKey(ctx, { name: "bench", scopes: ["admin"], actor: "bench" });
  const headers = { authorization: `Bearer ${admin.token}`, "content-type": "application/json" };
  const issued: CredentialView[] = [];
  for (let i = 0; i < options.revokes + 20; i++) {
    issued.push(
      await issueCredential(ctx, {
        achievementId: "gitlab-certified-associate",
        recipient: { email: `person${i}@example.org`, name: `Person ${i}` },
        actor: "bench",
      }),
    );
  }
  const entryOf = (c: CredentialView) => c.credential.credentialStatus as Entry;
  const listPath = new URL(entryOf(issued[0] as CredentialView).statusListCredential).pathname;
  await app.request(listPath); // first signing of the list, outside the measurements

  const revokeToServed: number[] = [];
  const bareSign: number[] = [];
  const noOpAdmin: number[] = [];
  for (let round = 0; round < options.revokes; round++) {
    const target = issued[round] as CredentialView;
    const index = Number(entryOf(target).statusListIndex);

    let start = performance.now();
    const unsigned = buildStatusListCredential({
      publicUrl: ctx.config.publicUrl,
      listId: "bench",
      issuer: ctx.keys.current().keyring.did,
      purpose: "revocation",
      encodedList: encodeStatusList([index, round]),
      validFrom: new Date(Math.floor(Date.now() / 1000) * 1000),
    });
    await signDataIntegrity({
      credential: unsigned,
      signer: ctx.keys.current().keyring.active,
      documentLoader: ctx.keys.current().documentLoader,
      now: new Date(),
    });
    bareSign.push(performance.now() - start);

    start = performance.now();
    await (await app.request(`/admin/credentials/${target.id}`, { headers })).arrayBuffer();
    noOpAdmin.push(performance.now() - start);

    start = performance.now();
    const res = await app.request(`/admin/credentials/${target.id}/revoke`, {
      method: "POST",
      headers,
      body: JSON.stringify({ reason: "bench" }),
    });
    if (res.status !== 200) {
      throw new Error(`revoke failed: ${res.status} ${await res.text()}`);
    }
    for (let attempt = 0; ; attempt++) {
      const list = (await (await app.request(listPath)).json()) as { credentialSubject: { encodedList: string } };
      const decoded = decodeEncodedList(list.credentialSubject.encodedList);
      if (!decoded.ok) {
        throw new Error(`the served list does not decode: ${decoded.reason}`);
      }
      if (bitAt(decoded.bits, index)) {
        if (attempt > 0) {
          throw new Error("the first GET after the revoke did not serve the flipped bit");
        }
        break;
      }
    }
    revokeToServed.push(performance.now() - start);
  }
  const served = median(revokeToServed);
  console.log("\n== Status lists (a): revoke call → re-signed list served (in-process app, file database) ==");
  console.log(`  median of ${options.revokes} revocations (every one served by the first GET after the call):`);
  console.log(`    revoke + GET serving the new bit    ${fmt(served, 2).padStart(8)} ms`);
  console.log(`    baseline: bare sign of a list VC     ${fmt(median(bareSign), 2).padStart(8)} ms`);
  console.log(`    baseline: no-op admin call (GET)     ${fmt(median(noOpAdmin), 2).padStart(8)} ms`);
  console.log(`    revoke→served / bare sign = ${fmt(served / median(bareSign), 2)}×`);
  console.log(`    revoke→served / no-op admin call = ${fmt(served / median(noOpAdmin), 2)}×`);

  const etag = (await app.request(listPath)).headers.get("etag") ?? "";
  const variants: Record<string, () => Promise<unknown>> = {
    "GET / (trivial route)": async () => (await app.request("/")).arrayBuffer(),
    "GET list (200, full body)": async () => (await app.request(listPath)).arrayBuffer(),
    "GET list (If-None-Match → 304)": async () =>
      (await app.request(listPath, { headers: { "if-none-match": etag } })).arrayBuffer(),
  };
  const names = Object.keys(variants);
  for (const op of Object.values(variants)) {
    await rate(500, op); // warm-up
  }
  const rates: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let b = 0; b < options.blocks; b++) {
    for (const name of names) {
      rates[name]?.push(await rate(options.requests, variants[name] as () => Promise<unknown>, 8));
    }
  }
  const med = Object.fromEntries(names.map((n) => [n, median(rates[n] ?? [])]));
  const trivial = med["GET / (trivial route)"] ?? 1;
  console.log("\n== Status lists (b): GET /status-lists/{id} requests per second (in-process app, 8 in flight) ==");
  console.log(`  median of ${options.blocks} blocks of ${options.requests} requests:`);
  for (const name of names) {
    const blocks = (rates[name] ?? []).map((x) => fmt(x, 0)).join(" ");
    const ratio = name.startsWith("GET /") ? "" : `   = ${fmt(((med[name] ?? 0) / trivial) * 100)} % of GET /`;
    console.log(`    ${name.padEnd(32)} ${fmt(med[name] ?? 0, 0).padStart(7)} req/s${ratio}   blocks: ${blocks}`);
  }
  await cleanup();
}
