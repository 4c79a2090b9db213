import { createHash } from "node:crypto";
import { createDocumentLoader, type DocumentLoader } from "../crypto/document-loader.js";
import type { StoredIssuerKey } from "../crypto/issuer-keys.js";
import { createKeyring, didDocuments, type IssuerKeyring, type KeyringMaterial } from "../crypto/keyring.js";
import type { Logger } from "../logger.js";
import { newestKeyGeneration, recordKeyGeneration } from "../storage/key-generations-repo.js";
import type { Store } from "../storage/store.js";

/**
 * The issuer keys a node signs and publishes with, and what is derived from them: the keyring (DID document, JWKs,
 * the active signer), the material a signing pool's workers are sent, the JSON-LD loader serving our DID document,
 * and `keyset`, a hash of the public keys under which cached checks of stored credentials are valid.
 */
export type IssuerKeys = {
  readonly keyring: IssuerKeyring;
  readonly material: KeyringMaterial;
  readonly documentLoader: DocumentLoader;
  readonly keyset: string;
};

export async function buildIssuerKeys(material: KeyringMaterial): Promise<IssuerKeys> {
  const keyring = await createKeyring(material);
  const publicKeys = JSON.stringify([keyring.didDocument.verificationMethod, keyring.jwks]);
  return {
    keyring,
    material,
    documentLoader: createDocumentLoader(didDocuments(keyring.didDocument)),
    keyset: createHash("sha256").update(publicKeys).digest("base64url"),
  };
}

/** Told of new keys (a rotation) before they are handed out: a signing pool's `updateKeys(keys.material)`. */
export type KeysListener = (keys: IssuerKeys) => void | Promise<void>;

/**
 * The context's issuer keys, which a rotation replaces without a restart (`ctx.keys`). The newest generation recorded
 * in the database (`key_generations`) is the one every node signs with: `fresh()` asks the database at most every
 * `checkSeconds` (by the context's clock) and, when a newer generation is recorded than the one this node signs with,
 * reloads the keys folder (shared by every node) and everything derived from it. A node that cannot load that
 * generation (the file is missing from its keys folder, or unreadable) logs an error, keeps signing with what it has,
 * and reports the problem (`problem()`, which /readyz answers with); it tries again at the next check.
 */
export type KeyHolder = {
  /** The keys as last loaded (no database read): for what must not wait, and tests. */
  current(): IssuerKeys;
  /** The keys to sign or publish with now: checked against the newest recorded generation when the check is due. */
  fresh(): Promise<IssuerKeys>;
  /** The same, checked now whatever the interval (after a rotation made here; at start). */
  check(): Promise<IssuerKeys>;
  /** Calls `listener` with every new set of keys, before it is handed out; returns the unsubscribe function. */
  onChange(listener: KeysListener): () => void;
  /** Why this node does not hold the newest recorded generation, or undefined when it does. */
  problem(): string | undefined;
};

export function createKeyHolder(options: {
  initial: IssuerKeys;
  /** Reads every key generation from the keys folder. */
  readKeys: () => StoredIssuerKey[];
  store: Store;
  clock: () => Date;
  logger: Logger;
  checkSeconds: number;
}): KeyHolder {
  const { store, clock, logger, readKeys } = options;
  const checkMs = options.checkSeconds * 1000;
  let keys = options.initial;
  let checkedAt: number | undefined;
  let checking: Promise<void> | undefined;
  let problem: string | undefined;
  let reported: number | undefined;
  const listeners = new Set<KeysListener>();

  async function reload(recorded: number): Promise<void> {
    try {
      const material = { ...keys.material, keys: readKeys() };
      const next = await buildIssuerKeys(material);
      const generation = next.keyring.active.generation;
      if (generation < recorded) {
        throw new Error(`the newest generation with its private keys in the keys folder is ${generation}`);
      }
      for (const listener of listeners) {
        try {
          await listener(next);
        } catch (error) {
          logger.error("a listener of the issuer keys failed", { error: (error as Error).message });
        }
      }
      keys = next;
      problem = undefined;
      reported = undefined;
      logger.info("issuer keys reloaded", { generation });
    } catch (error) {
      problem = `key generation ${recorded} is the newest recorded, but it could not be loaded from the keys folder`;
      if (reported !== recorded) {
        reported = recorded;
        // Names the generation and what went wrong (a file name, a field), never key material.
        logger.error("issuer keys not reloaded: still signing with the keys loaded before", {
          generation: recorded,
          signingWith: keys.keyring.active.generation,
          error: (error as Error).message,
        });
      }
    }
  }

  async function checkNow(): Promise<void> {
    let recorded: number | undefined;
    try {
      recorded = await newestKeyGeneration(store.conn());
    } catch (error) {
      // The database will say so itself where it matters; the keys in hand stay good until it answers again.
      logger.warn("could not read the newest key generation", { error: (error as Error).name });
      return;
    } finally {
      checkedAt = clock().getTime();
    }
    if (recorded === undefined || recorded <= keys.keyring.active.generation) {
      problem = undefined;
      return;
    }
    await reload(recorded);
  }

  function check(): Promise<void> {
    checking ??= checkNow().finally(() => {
      checking = undefined;
    });
    return checking;
  }

  return {
    current: () => keys,
    async fresh() {
      if (checking || checkedAt === undefined || clock().getTime() - checkedAt >= checkMs) {
        await check();
      }
      return keys;
    },
    async check() {
      await check();
      return keys;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    problem: () => problem,
  };
}

/**
 * Records `keys`' active generation as activated when the database knows no newer one (at start): the first start, an
 * installation from before generations were recorded, or a keys folder rotated by hand. Other nodes then load it.
 */
export async function recordActiveGeneration(
  store: Store,
  keys: IssuerKeys,
  activated: { at: Date; by: string },
): Promise<void> {
  const generation = keys.keyring.active.generation;
  await store.tx(async (tx) => {
    await store.lock(tx, "key-generations");
    const newest = await newestKeyGeneration(tx);
    if (newest === undefined || newest < generation) {
      await recordKeyGeneration(tx, { generation, activatedAt: activated.at, activatedBy: activated.by });
    }
  });
}
