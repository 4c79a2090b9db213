import { credentialsWithoutPage, saveCredentialPages } from "../storage/credential-pages-repo.js";
import {
  type Analysis,
  analyseOwnProjection,
  analyseOwnRecord,
  type OwnRecordProjection,
  projectOwnRecord,
} from "../verify/engine.js";
import type { VerifyEnv } from "../verify/environment.js";
import type { Check } from "../verify/report.js";
import { isJsonObject, parseOwnJson } from "../verify/safe-json.js";
import { plainIssuance } from "./credential-lifecycle.js";
import type { ServiceContext } from "./deps.js";
import { verifyEnv } from "./verify-credential.js";

/**
 * A credential page's projection: what its view needs of the signed document (engine.ts `OwnRecordProjection`), made
 * once from the document and stored beside it (`credential_pages`), so that a view of one of 100,000 credentials reads
 * a narrow row instead of parsing the document, checking it against the OB 3.0 schema and reading its display again.
 * Status and validity stay live: the projection holds the document's status entries and dates, which every view
 * checks against the status lists and the clock of that moment, as before; the lifecycle is read from its row on every
 * view, and the history from the audit log unless that row says the log holds nothing about the credential but its
 * issuance, whose time the projection keeps (`issuedAt`, from its audit entry, which never changes).
 *
 * Fail-closed: a projection is made only of a document `analyseOwnRecord` answers for (ours, one eddsa-rdfc-2022 proof
 * by a key we publish); it is used only when it was made by this projection format and against this OB 3.0 schema
 * (`madeBy`), reads back in the shape it was written in, and its key is still one we publish. Otherwise the page
 * verifies the document in full, as before, and stores the projection it then can make (a credential viewed once, or
 * filled by `fillCredentialPages`, is fast from then on).
 */

/** Bump when what a projection holds or means changes (the display, the checks it keeps, the live members). */
const PROJECTION_FORMAT = 2;

/** Where the page's checks say the credential was read from (as the full path says it). */
const RECORDS = "this service's records";

/** What a projection made now is recorded as made by; undefined when the schema has no fingerprint (none is made). */
export function projectionMadeBy(ctx: ServiceContext): string | undefined {
  const schema = ctx.state.ob3Schema.fingerprint;
  return schema === undefined ? undefined : `page-${PROJECTION_FORMAT}:${schema}`;
}

/** A stored projection: the own-record analysis' projection, and the credential's `plainIssuance` when it has one. */
type StoredProjection = OwnRecordProjection & { issuedAt?: string };

/** The stored form of a projection: JSON of the own-record analysis' projection, or undefined when none applies. */
export function projectionOf(analysis: Analysis, issuedAt: string | undefined): string | undefined {
  const projection = projectOwnRecord(analysis);
  return projection === undefined
    ? undefined
    : JSON.stringify({ ...projection, ...(issuedAt !== undefined ? { issuedAt } : {}) } satisfies StoredProjection);
}

/** `Date.toISOString`'s form (what `plainIssuance` stores). */
const ISO_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

function isCheck(value: unknown): value is Check {
  return (
    isJsonObject(value) &&
    typeof value.id === "string" &&
    typeof value.outcome === "string" &&
    typeof value.title === "string" &&
    typeof value.message === "string"
  );
}

/** A stored projection read back, or undefined when it does not have the shape this format writes. */
function readProjection(text: string): StoredProjection | undefined {
  const parsed = parseOwnJson(text);
  if (!parsed.ok || !isJsonObject(parsed.value)) {
    return undefined;
  }
  const p = parsed.value;
  const display = p.display;
  if (
    typeof p.issuer !== "string" ||
    typeof p.verificationMethod !== "string" ||
    !isCheck(p.schema) ||
    p.schema.id !== "schema" ||
    !isJsonObject(p.live) ||
    !isJsonObject(display) ||
    typeof display.name !== "string" ||
    display.openBadgesVersion !== "3.0" ||
    !isJsonObject(display.issuer) ||
    !Array.isArray(display.evidence) ||
    !Array.isArray(display.results) ||
    (p.issuedAt !== undefined && (typeof p.issuedAt !== "string" || !ISO_INSTANT.test(p.issuedAt)))
  ) {
    return undefined;
  }
  return p as unknown as StoredProjection;
}

/**
 * The page's analysis from a stored projection, when it applies (made by this format and schema, well formed, its key
 * still ours), with the credential's `plainIssuance` when the projection holds it; undefined otherwise (the caller
 * verifies the document).
 */
export async function analysisFromProjection(
  ctx: ServiceContext,
  stored: { madeBy: string | null; projection: string | null },
  env: VerifyEnv,
): Promise<{ analysis: Analysis; issuedAt?: string } | undefined> {
  const madeBy = projectionMadeBy(ctx);
  if (madeBy === undefined || stored.madeBy !== madeBy || stored.projection === null) {
    return undefined;
  }
  const projection = readProjection(stored.projection);
  const analysis = projection && (await analyseOwnProjection(projection, { format: "json", from: RECORDS }, env));
  return analysis && { analysis, ...(projection.issuedAt !== undefined ? { issuedAt: projection.issuedAt } : {}) };
}

/**
 * Stores the projection of a credential whose page was verified in full (`analysis`, the own-record answer for its
 * document). A failure to store is logged, not the visitor's problem: the next view verifies in full again.
 */
export async function rememberProjection(ctx: ServiceContext, credentialId: string, analysis: Analysis): Promise<void> {
  const madeBy = projectionMadeBy(ctx);
  if (madeBy === undefined || projectOwnRecord(analysis) === undefined) {
    return;
  }
  try {
    const projection = projectionOf(analysis, await plainIssuance(ctx, credentialId)) as string;
    await ctx.store.tx((tx) => saveCredentialPages(tx, [{ credentialId, madeBy, projection }]));
  } catch (error) {
    ctx.logger.warn("credential page projection not stored", { credentialId, error: (error as Error).message });
  }
}

/**
 * Makes the projection of every credential that has none (or one made otherwise), `batch` at a time, each batch's
 * rows in one short write transaction (the checks run outside it). For a database from before projections, or after
 * the schema changed; the pages work without it (each credential's first view makes its own). Returns how many were
 * stored, and how many documents none applies to (they are verified in full on every view).
 */
export async function fillCredentialPages(
  ctx: ServiceContext,
  options: { batch?: number } = {},
): Promise<{ stored: number; without: number }> {
  const madeBy = projectionMadeBy(ctx);
  if (madeBy === undefined) {
    return { stored: 0, without: 0 };
  }
  const limit = options.batch ?? 500;
  let after = "";
  let stored = 0;
  let without = 0;
  for (;;) {
    const rows = await credentialsWithoutPage(ctx.store.conn(), { madeBy, after, limit });
    if (rows.length === 0) {
      return { stored, without };
    }
    const env = await verifyEnv(ctx);
    const made: Array<{ credentialId: string; madeBy: string; projection: string }> = [];
    for (const row of rows) {
      const analysis = await analyseOwnRecord({ text: row.document, format: "json", from: RECORDS }, env);
      const projection = analysis && projectionOf(analysis, await plainIssuance(ctx, row.id));
      if (projection === undefined) {
        without += 1;
      } else {
        made.push({ credentialId: row.id, madeBy, projection });
      }
    }
    await ctx.store.tx((tx) => saveCredentialPages(tx, made));
    stored += made.length;
    after = rows.at(-1)?.id ?? after;
  }
}
