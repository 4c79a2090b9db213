import { parseArgs } from "node:util";
import { emitExpiringEvents, listEventPage } from "../../services/events.js";
import { type Command, errorMessage } from "../command.js";

const USAGE = `Usage:
  npm run events -- list [--after SEQ] [--type TYPE[,TYPE…]] [--limit N] [--json]
  npm run events -- sweep     (emit the credential.expiring reminders due now; the service also does it hourly)`;

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) {
    return fallback;
  }
  if (!/^\d+$/.test(value)) {
    throw new Error(`--${name} must be a whole number\n${USAGE}`);
  }
  return Number(value);
}

/** `npm run events`: read the events outbox, or run the expiry-reminder sweep. */
export const run: Command = async (argv, io, services) => {
  try {
    const { positionals, values } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        after: { type: "string" },
        type: { type: "string" },
        limit: { type: "string" },
        json: { type: "boolean", default: false },
      },
    });
    const [command, ...rest] = positionals;
    if ((command !== "list" && command !== "sweep") || rest.length > 0) {
      throw new Error(USAGE);
    }
    const after = positiveInt(values.after, "after", 0);
    const limit = Math.min(Math.max(positiveInt(values.limit, "limit", 100), 1), 1000);
    const { ctx, close } = await services.open();
    try {
      if (command === "sweep") {
        const emitted = await emitExpiringEvents(ctx, ctx.clock());
        io.out(`Emitted ${emitted} credential.expiring event(s).\n`);
        return 0;
      }
      const types = values.type?.split(",").filter(Boolean);
      const page = await listEventPage(ctx, { after, types, limit });
      for (const e of page.items) {
        io.out(
          values.json
            ? `${JSON.stringify(e)}\n`
            : `${e.seq}  ${e.occurredAt}  ${e.type}  ${e.credentialId ?? "-"}  ${JSON.stringify(e.payload)}\n`,
        );
      }
      if (!values.json && page.nextAfter !== null) {
        io.out(`(more: --after ${page.nextAfter})\n`);
      }
    } finally {
      await close();
    }
    return 0;
  } catch (error) {
    io.err(`laurel events: ${errorMessage(error)}\n`);
    return 1;
  }
};
