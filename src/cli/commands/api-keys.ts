import { parseArgs } from "node:util";
import { SCOPES, type Scope } from "../../domain/scopes.js";
import { createApiKey, listApiKeys, revokeApiKey } from "../../services/api-keys.js";
import { cliActor } from "../actor.js";
import { type Command, errorMessage } from "../command.js";

const USAGE = `Usage:
  npm run api-keys -- create --name NAME --scopes SCOPE[,SCOPE…] [--grader-role ROLE]
      (scopes: ${SCOPES.join(", ")}; --grader-role: the role this key grades as, e.g. ps-engineer)
  npm run api-keys -- list
  npm run api-keys -- revoke KEY_ID`;

/** `npm run api-keys`: create, list and revoke API keys (audited as actor "cli:<login>"). */
export const run: Command = async (argv, io, services) => {
  try {
    const { positionals, values } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { name: { type: "string" }, scopes: { type: "string" }, "grader-role": { type: "string" } },
    });
    const [command, arg] = positionals;
    // Never creates a database: a mistyped path would silently get a fresh one.
    const { ctx, close } = await services.open();
    try {
      if (command === "create") {
        const scopes = (values.scopes ?? "").split(",").filter(Boolean);
        const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
        if (!values.name || scopes.length === 0 || unknown.length > 0) {
          throw new Error(unknown.length ? `unknown scope(s): ${unknown.join(", ")}\n${USAGE}` : USAGE);
        }
        const graderRole = values["grader-role"]?.trim() || undefined;
        const key = await createApiKey(ctx, {
          name: values.name,
          scopes: scopes as Scope[],
          actor: cliActor(),
          graderRole,
        });
        io.out(`Created API key ${key.id}. Its token is shown only now:\n${key.token}\n`);
      } else if (command === "list") {
        for (const k of await listApiKeys(ctx)) {
          const state = k.revokedAt ? `revoked ${k.revokedAt}` : "active";
          const role = k.graderRole ? `  grades as ${k.graderRole}` : "";
          io.out(`${k.id}  ${k.name}  [${k.scopes.join(",")}]${role}  ${state}\n`);
        }
      } else if (command === "revoke" && arg) {
        await revokeApiKey(ctx, { id: arg, actor: cliActor() });
        io.out(`Revoked API key ${arg}\n`);
      } else {
        throw new Error(USAGE);
      }
    } finally {
      await close();
    }
    return 0;
  } catch (error) {
    io.err(`laurel api-keys: ${errorMessage(error)}\n`);
    return 1;
  }
};
