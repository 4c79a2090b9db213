import { parseArgs } from "node:util";
import { SCOPES, type Scope } from "../../domain/scopes.js";
import { createApiKey, listApiKeys, revokeApiKey, setRateLimit } from "../../services/api-keys.js";
import { cliActor } from "../actor.js";
import { type Command, errorMessage } from "../command.js";

const USAGE = `Usage:
  npm run api-keys -- create --name NAME --scopes SCOPE[,SCOPE…] [--grader-role ROLE] [--oauth-client] [--rate-limit N]
      (scopes: ${SCOPES.join(", ")}; --grader-role: the role this key grades as, e.g. ps-engineer;
       --oauth-client: an OAuth 2.0 client (client credentials at /oauth/token) instead of a bearer key;
       --rate-limit: its requests per minute on the VC API endpoints, instead of the default)
  npm run api-keys -- list
  npm run api-keys -- rate-limit KEY_ID N|default
  npm run api-keys -- revoke KEY_ID`;

/** A per-minute limit as the command line gives it: a whole number from 1 to 1,000,000, or "default" (null). */
function parseRateLimit(text: string | undefined): number | null | undefined {
  if (text === undefined) {
    return undefined;
  }
  if (text === "default") {
    return null;
  }
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > 1_000_000) {
    throw new Error(`--rate-limit must be a whole number of requests per minute (1 to 1000000) or "default"\n${USAGE}`);
  }
  return n;
}

/** `npm run api-keys`: create, list and revoke API keys (audited as actor "cli:<login>"). */
export const run: Command = async (argv, io, services) => {
  try {
    const { positionals, values } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        name: { type: "string" },
        scopes: { type: "string" },
        "grader-role": { type: "string" },
        "oauth-client": { type: "boolean" },
        "rate-limit": { type: "string" },
      },
    });
    const [command, arg, value] = positionals;
    const rateLimitPerMinute = parseRateLimit(command === "rate-limit" ? value : values["rate-limit"]);
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
        const oauth = values["oauth-client"] === true;
        const key = await createApiKey(ctx, {
          name: values.name,
          scopes: scopes as Scope[],
          actor: cliActor(),
          graderRole,
          kind: oauth ? "oauth-client" : "api-key",
          rateLimitPerMinute: rateLimitPerMinute ?? null,
        });
        if (oauth) {
          io.out(
            `Created OAuth client ${key.id}. Its secret is shown only now:\n` +
              `client_id=${key.id}\nclient_secret=${key.secret}\n`,
          );
        } else {
          io.out(`Created API key ${key.id}. Its token is shown only now:\n${key.token}\n`);
        }
      } else if (command === "list") {
        for (const k of await listApiKeys(ctx)) {
          const state = k.revokedAt ? `revoked ${k.revokedAt}` : "active";
          const role = k.graderRole ? `  grades as ${k.graderRole}` : "";
          const kind = k.kind === "oauth-client" ? "  OAuth client" : "";
          const limit = k.rateLimitPerMinute === null ? "" : `  ${k.rateLimitPerMinute}/min`;
          io.out(`${k.id}  ${k.name}  [${k.scopes.join(",")}]${role}${kind}${limit}  ${state}\n`);
        }
      } else if (command === "rate-limit" && arg && rateLimitPerMinute !== undefined) {
        await setRateLimit(ctx, { id: arg, perMinute: rateLimitPerMinute, actor: cliActor() });
        const said = rateLimitPerMinute === null ? "the default" : `${rateLimitPerMinute} requests per minute`;
        io.out(`API key ${arg} is now limited to ${said} on the VC API\n`);
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
