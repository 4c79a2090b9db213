import "../src/harden-process.js";
import { signDataIntegrity } from "../src/crypto/data-integrity.js";
import { createDocumentLoader } from "../src/crypto/document-loader.js";
import { createIssuerSigner, didDocuments, issuerDidDocument } from "../src/crypto/keyring.js";
import { createSigningSession, toWire } from "../src/crypto/signing-session.js";
import { signVcJwt } from "../src/crypto/vc-jwt.js";
import { toOb3Achievement } from "../src/domain/achievement.js";
import { buildFromRecipe, type CredentialRecipes } from "../src/domain/credential/recipe.js";
import { statusListEntry } from "../src/domain/status/status-list-credential.js";
import { credentialUrl } from "../src/services/credential-view.js";
import { benchContext } from "./harness.js";
import { startProfiler } from "./profiler.js";

/**
 * What a signing worker does per credential of a bulk issuance, on this thread (the same code a worker runs:
 * signing-session.ts's signChunk of recipes), without the pool: µs of CPU per credential for each stage (building the
 * document from its recipe, the Data Integrity proof, its JSON text, the VC-JWT, the wire answer and its structured
 * clone, which stands for the copy to the main thread), then signChunk as a whole. `PROFILE_OUT=<file>` writes a CPU
 * profile of the signChunk rounds.
 *
 *   node --disable-proto=delete --import tsx bench/profile-sign-chunk.ts 4000 8
 */
const count = Number(process.argv[2] ?? 4000);
const chunkSize = Number(process.argv[3] ?? 8);
const { ctx, cleanup } = await benchContext({ LAUREL_SIGNING_THREADS: "0" });
const entry = ctx.catalog.get("gitlab-certified-devops-professional");
if (!entry) {
  throw new Error("missing catalog entry");
}
const { publicUrl } = ctx.config;
const material = ctx.keys.current().material;
const created = new Date(Math.floor(Date.now() / 1000) * 1000);
let n = 0;
const chunk = (size: number): CredentialRecipes => ({
  issuer: ctx.issuer,
  achievements: [toOb3Achievement(entry, publicUrl)],
  recipes: Array.from({ length: size }, () => {
    const i = n++;
    return {
      id: credentialUrl(publicUrl, ctx.newId()),
      achievement: 0,
      recipient: { email: `bulk${i}@example.org`, name: `Person ${i}` },
      salt: ctx.newSalt(),
      validFrom: created,
      credentialStatus: statusListEntry(publicUrl, { listId: "1", index: i % 131_072, purpose: "revocation" }),
    };
  }),
});
const session = await createSigningSession(material);
const generation = session.generations[0] as number;
const key = material.keys.find((k) => k.generation === generation);
if (!key) {
  throw new Error("no active key");
}
const signer = await createIssuerSigner({ key, did: material.did, publicUrl: material.publicUrl });
const documentLoader = createDocumentLoader(didDocuments(issuerDidDocument(material.keys, material.did)));

const cpuUs = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};
// warm-up
for (let i = 0; i < 50; i++) {
  await session.signChunk({ recipes: chunk(chunkSize), created, generation });
}
const stages = { build: 0, dataIntegrity: 0, json: 0, jwt: 0, wire: 0, clone: 0 };
for (let done = 0; done < count; done += chunkSize) {
  const recipes = chunk(chunkSize);
  const signed = [];
  for (const recipe of recipes.recipes) {
    let t = cpuUs();
    const credential = buildFromRecipe(recipes, recipe) as Record<string, unknown>;
    stages.build += cpuUs() - t;
    t = cpuUs();
    const document = await signDataIntegrity({ credential, signer, documentLoader, now: created });
    stages.dataIntegrity += cpuUs() - t;
    t = cpuUs();
    const json = JSON.stringify(document);
    stages.json += cpuUs() - t;
    t = cpuUs();
    const jwt = await signVcJwt({ credential: document, json, kid: signer.jwtKid, privateKey: signer.jwtSigningKey });
    stages.jwt += cpuUs() - t;
    signed.push({ document, json, jwt, verificationMethod: signer.verificationMethod });
  }
  let t = cpuUs();
  const wire = toWire({ ok: true, signed });
  stages.wire += cpuUs() - t;
  t = cpuUs();
  structuredClone(wire);
  stages.clone += cpuUs() - t;
}
const per = (us: number) => `${(us / count).toFixed(1).padStart(6)} µs`;
console.log(`per credential, stages (chunks of ${chunkSize}, ${count} credentials):`);
for (const [stage, us] of Object.entries(stages)) {
  console.log(`  ${stage.padEnd(14)} ${per(us)}`);
}
const profiler = process.env.PROFILE_OUT ? await startProfiler() : undefined;
const start = cpuUs();
const startWall = performance.now();
for (let done = 0; done < count; done += chunkSize) {
  const outcome = await session.signChunk({ recipes: chunk(chunkSize), created, generation });
  if (!outcome.ok) {
    throw new Error(outcome.error.message);
  }
  structuredClone(toWire(outcome));
}
const total = cpuUs() - start;
await profiler?.stop(process.env.PROFILE_OUT);
console.log(
  `  signChunk + wire + clone ${per(total)} CPU (${((count * 1000) / (performance.now() - startWall)).toFixed(0)}/s on one thread)`,
);
await ctx.signing.close();
await cleanup();
