import "../harden-process.js";
import { parseArgs } from "node:util";
import { loadConfig } from "../config.js";
import { AppError } from "../errors.js";
import { emitExpiringEvents, listEventPage } from "../services/events.js";
import { openExistingServices } from "./open-services.js";

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
async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
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
  const { ctx, close } = await openExistingServices(loadConfig(process.env));
  try {
    if (command === "sweep") {
      const emitted = emitExpiringEvents(ctx, ctx.clock());
      process.stdout.write(`Emitted ${emitted} credential.expiring event(s).\n`);
      return;
    }
    const types = values.type?.split(",").filter(Boolean);
    const page = listEventPage(ctx, { after, types, limit });
    for (const e of page.items) {
      process.stdout.write(
        values.json
          ? `${JSON.stringify(e)}\n`
          : `${e.seq}  ${e.occurredAt}  ${e.type}  ${e.credentialId ?? "-"}  ${JSON.stringify(e.payload)}\n`,
      );
    }
    if (!values.json && page.nextAfter !== null) {
      process.stdout.write(`(more: --after ${page.nextAfter})\n`);
    }
  } finally {
    close();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof AppError || error instanceof Error ? error.message : String(error);
  process.stderr.write(`laurel events: ${message}\n`);
  process.exit(1);
});
