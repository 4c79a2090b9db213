import { parseArgs } from "node:util";
import { CopyMismatch, CopyRefused, copySqliteToPostgres } from "../../compose.js";
import { type Command, errorMessage } from "../command.js";

const USAGE = `Usage:
  npm run db -- copy --from <sqlite file> --to <postgres url>
    copies an installation's SQLite database into a new, empty PostgreSQL database (stop the service first),
    then checks the row counts and every signed document on the copy`;

/** Exit codes: 0 copied; 1 usage or failure; 2 refused (missing source, target not empty); 3 the copy did not match. */
export const run: Command = async (argv, io) => {
  try {
    const { positionals, values } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { from: { type: "string" }, to: { type: "string" } },
    });
    if (positionals.length !== 1 || positionals[0] !== "copy" || !values.from || !values.to) {
      throw new Error(USAGE);
    }
    const target = postgresUrl(values.to);
    const started = performance.now();
    const summary = await copySqliteToPostgres(values.from, values.to);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    io.out(`Copied ${values.from} to ${target} in ${seconds} s:\n`);
    for (const { table, rows } of summary.tables) {
      io.out(`  ${table.padEnd(20)} ${String(rows).padStart(9)} rows\n`);
    }
    for (const { table, column, next } of summary.sequences) {
      io.out(`  ${`${table}.${column}`.padEnd(20)} next ${next}\n`);
    }
    io.out(
      `Checked: row counts of ${summary.tables.length} tables, ${summary.credentialsChecked} credentials and ` +
        `${summary.statusListsChecked} status lists byte for byte.\n`,
    );
    return 0;
  } catch (error) {
    io.err(`laurel db: ${errorMessage(error)}\n`);
    return error instanceof CopyRefused ? 2 : error instanceof CopyMismatch ? 3 : 1;
  }
};

/** The target as printed: host, port and database, never the password. */
function postgresUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`--to must be a postgres:// URL\n${USAGE}`);
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
    throw new Error(`--to must be a postgres:// URL\n${USAGE}`);
  }
  return `${url.protocol}//${url.host}${url.pathname}`;
}
