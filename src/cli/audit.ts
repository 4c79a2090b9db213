import "../harden-process.js";
import { parseArgs } from "node:util";
import { loadConfig } from "../config.js";
import { listAuditEntries } from "../services/audit.js";
import { openExistingServices } from "./open-services.js";

const USAGE = `Usage:
  npm run audit -- list [--target TYPE:ID] [--action ACTION] [--actor ACTOR] [--before SEQ] [--limit N] [--json]
    newest first; e.g. --target credential:<id>, --action credential.revoked, --actor cli:alice`;

function wholeNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined) {
    return undefined;
  }
  if (!/^[1-9]\d*$/.test(value)) {
    throw new Error(`--${name} must be a positive whole number\n${USAGE}`);
  }
  return Number(value);
}

function targetOf(value: string | undefined): { targetType?: string; targetId?: string } {
  if (value === undefined) {
    return {};
  }
  const at = value.indexOf(":");
  if (at <= 0 || at === value.length - 1) {
    throw new Error(`--target must be TYPE:ID, e.g. credential:<id>\n${USAGE}`);
  }
  return { targetType: value.slice(0, at), targetId: value.slice(at + 1) };
}

/** `npm run audit`: read the audit log of the installation named by LAUREL_DB_PATH. */
async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      target: { type: "string" },
      action: { type: "string" },
      actor: { type: "string" },
      before: { type: "string" },
      limit: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  if (positionals.length !== 1 || positionals[0] !== "list") {
    throw new Error(USAGE);
  }
  const query = {
    ...targetOf(values.target),
    ...(values.action ? { action: values.action } : {}),
    ...(values.actor ? { actor: values.actor } : {}),
    before: wholeNumber(values.before, "before"),
    limit: Math.min(wholeNumber(values.limit, "limit") ?? 100, 1000),
  };
  const { ctx, close } = await openExistingServices(loadConfig(process.env));
  try {
    const page = listAuditEntries(ctx, query);
    for (const e of page.items) {
      process.stdout.write(
        values.json
          ? `${JSON.stringify(e)}\n`
          : `${e.seq}  ${e.at}  ${e.actor}  ${e.action}  ${e.target.type}:${e.target.id}  ${JSON.stringify(e.details)}\n`,
      );
    }
    if (!values.json && page.nextBefore !== null) {
      process.stdout.write(`(more: --before ${page.nextBefore})\n`);
    }
  } finally {
    close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`laurel audit: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
