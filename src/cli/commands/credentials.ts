import { parseArgs } from "node:util";
import { AppError } from "../../errors.js";
import { ReissueRequestSchema } from "../../schemas/lifecycle.js";
import { fillCredentialPages } from "../../services/credential-page-projection.js";
import {
  reinstateCredential,
  reissueCredential,
  revokeCredential,
  suspendCredential,
} from "../../services/credential-status.js";
import type { CredentialView } from "../../services/credential-view.js";
import { getCredential } from "../../services/read-credentials.js";
import { cliActor } from "../actor.js";
import type { CliIo, CliServices, Command } from "../command.js";

const USAGE = `Usage:
  npm run credentials -- show CREDENTIAL_ID
  npm run credentials -- revoke CREDENTIAL_ID --reason TEXT [--public]
  npm run credentials -- suspend CREDENTIAL_ID --reason TEXT [--public]
  npm run credentials -- reinstate CREDENTIAL_ID --reason TEXT
  npm run credentials -- reissue CREDENTIAL_ID --reason TEXT [--name NAME] [--email EMAIL]
      (--public: show the reason on the credential's public page; audited as actor "cli:<login>")
  npm run credentials -- fill-pages
      (makes the page projection of every credential without one: a database from before them, or a new schema)`;

function describe(view: CredentialView): string {
  const s = view.status;
  const lines = [
    `${view.id}  ${view.achievementId}  ${view.recipient.name} <${view.recipient.email}>`,
    `  state: ${s.state}${s.supersededBy ? ` (superseded by ${s.supersededBy})` : ""}`,
  ];
  for (const [label, change] of [
    ["revoked", s.revocation],
    ["suspended", s.suspension],
  ] as const) {
    if (change) {
      lines.push(`  ${label} ${change.at}: ${change.reason} (${change.reasonPublic ? "public" : "private"})`);
    }
  }
  if (s.supersedes) {
    lines.push(`  supersedes ${s.supersedes}`);
  }
  lines.push(
    `  status entries: ${s.entries.map((e) => `${e.purpose} ${e.statusListCredential}#${e.index}`).join(", ")}`,
  );
  return `${lines.join("\n")}\n`;
}

/** A service's refusal names its code (a validation problem speaks for itself). */
function failure(error: unknown): string {
  return error instanceof AppError
    ? `${error.message}${error.code === "VALIDATION_FAILED" ? "" : ` (${error.code})`}`
    : error instanceof Error
      ? error.message
      : String(error);
}

/** Runs one subcommand on the installation's services. */
async function perform(
  io: CliIo,
  services: CliServices,
  command: string,
  credentialId: string,
  values: { reason?: string; public: boolean; name?: string; email?: string },
): Promise<void> {
  const reason = values.reason ?? "";
  const { ctx, close } = await services.open();
  try {
    const actor = cliActor();
    if (command === "show") {
      io.out(describe(await getCredential(ctx, credentialId)));
    } else if (command === "revoke") {
      const view = await revokeCredential(ctx, { credentialId, reason, reasonPublic: values.public, actor });
      io.out(`Revoked.\n${describe(view)}`);
    } else if (command === "suspend") {
      const view = await suspendCredential(ctx, { credentialId, reason, reasonPublic: values.public, actor });
      io.out(`Suspended.\n${describe(view)}`);
    } else if (command === "reinstate") {
      const view = await reinstateCredential(ctx, { credentialId, reason, actor });
      io.out(`Reinstated.\n${describe(view)}`);
    } else if (command === "reissue") {
      // The same checks as the API (display name without control or bidi characters, a well-formed email).
      const parsed = ReissueRequestSchema.safeParse({ reason, recipient: { name: values.name, email: values.email } });
      if (!parsed.success) {
        throw new Error(
          `${parsed.error.issues.map((i) => `${i.path.join(".") || "input"}: ${i.message}`).join("; ")}\n${USAGE}`,
        );
      }
      const { recipient } = parsed.data;
      const result = await reissueCredential(ctx, { credentialId, recipient, reason, actor });
      io.out(`Reissued as ${result.credential.id}.\n${describe(result.credential)}${describe(result.superseded)}`);
    } else {
      throw new Error(USAGE);
    }
  } finally {
    await close();
  }
}

/** `npm run credentials`: revoke, suspend, reinstate or reissue a credential, as the admin API does; fill page projections. */
export const run: Command = async (argv, io, services) => {
  try {
    const { positionals, values } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        reason: { type: "string" },
        public: { type: "boolean", default: false },
        name: { type: "string" },
        email: { type: "string" },
      },
    });
    const [command, rawId, ...rest] = positionals;
    if (command === "fill-pages" && rawId === undefined) {
      const { ctx, close } = await services.open();
      try {
        const { stored, without } = await fillCredentialPages(ctx);
        io.out(
          `Page projections made: ${stored}; documents none applies to (verified in full on each view): ${without}.\n`,
        );
      } finally {
        await close();
      }
      return 0;
    }
    if (!command || !rawId || rest.length > 0) {
      throw new Error(USAGE);
    }
    if (command !== "show" && !values.reason?.trim()) {
      throw new Error(`--reason is required: say why\n${USAGE}`);
    }
    await perform(io, services, command, rawId.toLowerCase(), values);
    return 0;
  } catch (error) {
    io.err(`laurel credentials: ${failure(error)}\n`);
    return 1;
  }
};
