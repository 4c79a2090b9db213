import type { StoredIssuerKey } from "../crypto/issuer-keys.js";
import { readIssuerKeys, rotateIssuerKeys } from "../crypto/key-files.js";
import { AppError } from "../errors.js";
import { appendAudit } from "../storage/audit-repo.js";
import { newestKeyGeneration, recordKeyGeneration } from "../storage/key-generations-repo.js";
import type { ServiceContext } from "./deps.js";

/**
 * Rotates the issuer keys (`npm run keys:rotate`): writes a new active generation to the keys folder (which every node
 * shares), retiring the previous ones (their public keys stay published), then records the generation in the
 * database, where every node sees it at its next check and reloads the folder (key-holder.ts). Refuses a keys folder
 * older than the database's newest generation: it is not the shared one, and a rotation there would reuse a number.
 */
export async function rotateIssuerKeyGeneration(
  ctx: ServiceContext,
  actor: string,
): Promise<{ next: StoredIssuerKey; all: StoredIssuerKey[] }> {
  const dir = ctx.config.keysDir;
  const recorded = await newestKeyGeneration(ctx.store.conn());
  const inFolder = readIssuerKeys(dir).at(-1)?.generation ?? 0;
  if (recorded !== undefined && recorded > inFolder) {
    throw new AppError(
      "CONFLICT",
      `key generation ${recorded} is recorded, but the keys folder ${dir} holds generations up to ${inFolder}: ` +
        "rotate with the keys folder every node shares (LAUREL_KEYS_DIR)",
    );
  }
  const now = ctx.clock();
  const next = await rotateIssuerKeys(dir, now);
  await ctx.store.tx(async (tx) => {
    await ctx.store.lock(tx, "key-generations");
    await recordKeyGeneration(tx, { generation: next.generation, activatedAt: now, activatedBy: actor });
    await appendAudit(tx, {
      at: now,
      actor,
      action: "keys.rotated",
      targetType: "issuer-key",
      targetId: `key-${next.generation}`,
    });
  });
  await ctx.keys.check();
  return { next, all: readIssuerKeys(dir) };
}
