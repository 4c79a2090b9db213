import { parseArgs } from "node:util";
import { listAuditEntries } from "../../services/audit.js";
import { type Command, errorMessage } from "../command.js";

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
export const run: Command = async (argv, io, services) => {
  try {
    const { positionals, values } = parseArgs({
      args: argv,
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
    const { ctx, close } = await services.open();
    try {
      const page = await listAuditEntries(ctx, query);
      for (const e of page.items) {
        io.out(
          values.json
            ? `${JSON.stringify(e)}\n`
            : `${e.seq}  ${e.at}  ${e.actor}  ${e.action}  ${e.target.type}:${e.target.id}  ${JSON.stringify(e.details)}\n`,
        );
      }
      if (!values.json && page.nextBefore !== null) {
        io.out(`(more: --before ${page.nextBefore})\n`);
      }
    } finally {
      await close();
    }
    return 0;
  } catch (error) {
    io.err(`laurel audit: ${errorMessage(error)}\n`);
    return 1;
  }
};
