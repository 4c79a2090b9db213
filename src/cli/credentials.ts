import "../harden-process.js";
import { parseArgs } from "node:util";
import { loadConfig } from "../config.js";
import { AppError } from "../errors.js";
import { ReissueRequestSchema } from "../schemas/lifecycle.js";
import {
  reinstateCredential,
  reissueCredential,
  revokeCredential,
  suspendCredential,
} from "../services/credential-status.js";
import type { CredentialView } from "../services/credential-view.js";
import { getCredential } from "../services/read-credentials.js";
import { cliActor } from "./actor.js";
import { openExistingServices } from "./open-services.js";

const USAGE = `Usage:
  npm run credentials -- show CREDENTIAL_ID
  npm run credentials -- revoke CREDENTIAL_ID --reason TEXT [--public]
  npm run credentials -- suspend CREDENTIAL_ID --reason TEXT [--public]
  npm run credentials -- reinstate CREDENTIAL_ID --reason TEXT
  npm run credentials -- reissue CREDENTIAL_ID --reason TEXT [--name NAME] [--email EMAIL]
      (--public: show the reason on the credential's public page; audited as actor "cli:<login>")`;

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

/** `npm run credentials`: revoke, suspend, reinstate or reissue a credential, as the admin API does. */
async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      reason: { type: "string" },
      public: { type: "boolean", default: false },
      name: { type: "string" },
      email: { type: "string" },
    },
  });
  const [command, rawId, ...rest] = positionals;
  if (!command || !rawId || rest.length > 0) {
    throw new Error(USAGE);
  }
  const credentialId = rawId.toLowerCase();
  const needsReason = command !== "show";
  if (needsReason && !values.reason?.trim()) {
    throw new Error(`--reason is required: say why\n${USAGE}`);
  }
  const reason = values.reason ?? "";
  const { ctx, close } = await openExistingServices(loadConfig(process.env));
  try {
    const actor = cliActor();
    if (command === "show") {
      process.stdout.write(describe(getCredential(ctx, credentialId)));
    } else if (command === "revoke") {
      const view = await revokeCredential(ctx, { credentialId, reason, reasonPublic: values.public, actor });
      process.stdout.write(`Revoked.\n${describe(view)}`);
    } else if (command === "suspend") {
      const view = await suspendCredential(ctx, { credentialId, reason, reasonPublic: values.public, actor });
      process.stdout.write(`Suspended.\n${describe(view)}`);
    } else if (command === "reinstate") {
      const view = await reinstateCredential(ctx, { credentialId, reason, actor });
      process.stdout.write(`Reinstated.\n${describe(view)}`);
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
      process.stdout.write(
        `Reissued as ${result.credential.id}.\n${describe(result.credential)}${describe(result.superseded)}`,
      );
    } else {
      throw new Error(USAGE);
    }
  } finally {
    close();
  }
}

main().catch((error: unknown) => {
  const message =
    error instanceof AppError
      ? `${error.message}${error.code === "VALIDATION_FAILED" ? "" : ` (${error.code})`}`
      : error instanceof Error
        ? error.message
        : String(error);
  process.stderr.write(`laurel credentials: ${message}\n`);
  process.exit(1);
});
