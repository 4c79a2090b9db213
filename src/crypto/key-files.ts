import {
  chmodSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { generateIssuerKey, retireIssuerKey, type StoredIssuerKey, StoredIssuerKeySchema } from "./issuer-keys.js";

const KEY_FILE = /^issuer-key-(\d+)\.json$/;

function keyFileName(generation: number): string {
  return `issuer-key-${generation}.json`;
}

/** Writes a file readable by its owner only, atomically (temp file + rename). */
export function writeSecretFile(path: string, content: string): void {
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, content, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, path);
}

/** Reads every issuer key generation in `dir`, oldest first; a corrupt file stops with its name. */
export function readIssuerKeys(dir: string): StoredIssuerKey[] {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const keys: StoredIssuerKey[] = [];
  for (const name of readdirSync(dir).filter((n) => KEY_FILE.test(n))) {
    const path = join(dir, name);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(path, "utf8"));
    } catch {
      throw new Error(`Key file ${path} is not valid JSON`);
    }
    const parsed = StoredIssuerKeySchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`Key file ${path}: ${issue?.path.join(".") || "(root)"}: ${issue?.message}`);
    }
    keys.push(parsed.data);
  }
  return keys.sort((a, b) => a.generation - b.generation);
}

function writeIssuerKey(dir: string, key: StoredIssuerKey): void {
  writeSecretFile(join(dir, keyFileName(key.generation)), `${JSON.stringify(key, null, 2)}\n`);
}

/**
 * Writes a new generation's file, owner-only, complete or not at all, and never over an existing one: two rotations
 * at once on a shared keys folder cannot both write generation n (the second fails instead of replacing the key the
 * first one may already have recorded).
 */
function writeNewIssuerKey(dir: string, key: StoredIssuerKey): void {
  const path = join(dir, keyFileName(key.generation));
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, `${JSON.stringify(key, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  try {
    linkSync(temp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      throw new Error(`Key file ${path} appeared meanwhile: another rotation made generation ${key.generation}`);
    }
    throw error;
  } finally {
    unlinkSync(temp);
  }
}

/**
 * Loads the issuer keys, generating the first generation when `dir` has none. Nodes starting at once on one shared
 * (empty) folder agree: one writes generation 1, the others read it.
 */
export async function ensureIssuerKeys(dir: string, now: Date): Promise<{ keys: StoredIssuerKey[]; created: boolean }> {
  const existing = readIssuerKeys(dir);
  if (existing.length > 0) {
    return { keys: existing, created: false };
  }
  const first = await generateIssuerKey(1, now);
  try {
    writeNewIssuerKey(dir, first);
  } catch (error) {
    const written = readIssuerKeys(dir);
    if (written.length > 0) {
      return { keys: written, created: false };
    }
    throw error;
  }
  return { keys: [first], created: true };
}

/**
 * Adds a new active generation and retires the previous ones: their secret parts are deleted,
 * their public keys stay published so that credentials they signed keep verifying.
 */
export async function rotateIssuerKeys(dir: string, now: Date): Promise<StoredIssuerKey> {
  const existing = readIssuerKeys(dir);
  const generation = (existing.at(-1)?.generation ?? 0) + 1;
  const next = await generateIssuerKey(generation, now);
  // Write the new key first: a crash in between leaves two active keys, never none.
  writeNewIssuerKey(dir, next);
  for (const key of existing.filter((k) => k.status === "active")) {
    writeIssuerKey(dir, retireIssuerKey(key));
  }
  return next;
}
