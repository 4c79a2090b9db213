import { rotateIssuerKeyGeneration } from "../../services/key-rotation.js";
import { cliActor } from "../actor.js";
import { type Command, errorMessage } from "../command.js";

/**
 * `npm run keys:rotate`: adds a new active key generation to the keys folder (older ones stay published, public-only)
 * and records it in the database, where every running node sees it within LAUREL_KEYS_CHECK_SECONDS and switches to
 * it without a restart.
 */
export const run: Command = async (_argv, io, services) => {
  let opened: Awaited<ReturnType<typeof services.open>> | undefined;
  try {
    const config = services.config();
    opened = await services.open();
    const { next, all } = await rotateIssuerKeyGeneration(opened.ctx, cliActor());
    const did = opened.ctx.keys.current().keyring.did;
    io.out(
      [
        `New active key: ${did}#key-${next.generation} (VC-JWT kid ${config.publicUrl}/keys/key-${next.generation})`,
        `Published keys: ${all.map((k) => `key-${k.generation} (${k.status})`).join(", ")}`,
        `Running services switch to it within ${config.keysCheckSeconds} s (LAUREL_KEYS_CHECK_SECONDS), no restart needed.`,
        "",
      ].join("\n"),
    );
    return 0;
  } catch (error) {
    io.err(`laurel keys:rotate: ${errorMessage(error)}\n`);
    return 1;
  } finally {
    await opened?.close();
  }
};
