import { availableParallelism } from "node:os";
import { defineConfig, type TestProjectInlineConfiguration } from "vitest/config";
import { findPostgresBinaries } from "./test/helpers/postgres-server.js";

/**
 * Two projects. `sqlite`: every test, each app on a private in-memory SQLite database. `pg`: the integration tests and
 * the store tests again, each app on a fresh database of one throwaway PostgreSQL server per run (started from
 * Debian's `postgresql` binaries by the global setup). Tests that state a SQLite-only fact skip there
 * (`describe.skipIf(onPostgres)`, test/helpers/database.ts); the files below are SQLite-only as a whole.
 */
const SQLITE_ONLY = [
  // several processes racing on one SQLite file, and a process killed and restarted on its files
  "test/integration/status-concurrency.test.ts",
  "test/integration/award-crash.test.ts",
  "test/integration/jobs-crash.test.ts",
  // the operator commands open the installation that LAUREL_DB_PATH names: a SQLite file
  "test/integration/cli.test.ts",
  "test/integration/lifecycle-cli.test.ts",
  "test/integration/jobs-cli.test.ts",
  // starts its own PostgreSQL server and points several nodes at one database of it (test/helpers/pg-nodes.ts): it
  // runs once, in the sqlite project, whose apps do not bring a database of their own
  "test/integration/cluster.pg.test.ts",
];

const postgresBinaries = findPostgresBinaries();

/**
 * `--maxWorkers N` from the command line. Vitest applies it to the root config only, and each project below takes the
 * root's maxWorkers from this file: without this, `npx vitest run --maxWorkers=1 …` still ran two files at a time.
 */
function maxWorkersFromCommandLine(argv: string[] = process.argv): number | undefined {
  for (const [i, arg] of argv.entries()) {
    const match = /^--max-?workers(?:=(.*))?$/i.exec(arg);
    if (match) {
      const value = Number(match[1] ?? argv[i + 1]);
      return Number.isInteger(value) && value > 0 ? value : undefined;
    }
  }
  return undefined;
}

function pgProject(): TestProjectInlineConfiguration[] {
  if (!postgresBinaries && !process.env.CI) {
    process.stderr.write(
      "\n*** SKIPPING THE pg PROJECT: PostgreSQL binaries not found (/usr/lib/postgresql/<n>/bin or LAUREL_PG_BIN). " +
        "Install Debian's postgresql package to run the integration tests on PostgreSQL too. ***\n\n",
    );
    return [];
  }
  return [
    {
      extends: true,
      test: {
        name: "pg",
        include: [
          "test/integration/**/*.test.ts",
          "test/unit/bitstring-allocation.test.ts",
          "test/unit/storage.test.ts",
        ],
        exclude: SQLITE_ONLY,
        // in CI without the binaries the global setup fails, naming what is missing
        globalSetup: ["test/helpers/postgres-global-setup.ts"],
        setupFiles: ["test/helpers/postgres-setup-file.ts"],
        // a PostgreSQL transaction is a few round trips where SQLite's is a function call: the tests that run 1,000
        // reservations or issuances (status-lists, status-race) take several times longer there
        testTimeout: 120_000,
      },
    },
  ];
}

export default defineConfig({
  test: {
    pool: "forks",
    // A worker process runs test file after test file on the modules it has already imported, instead of a new
    // process importing the app, its libraries and the OB 3.0 tooling again for every file (a fifth of the suite's CPU
    // time). Safe because src/ keeps no mutable state at module level (test/unit/module-state.test.ts), every app is
    // made fresh per test (test/helpers/make-app.ts), setup files still run per file, and vitest restores mocks after
    // each file; the one file that mocks a module (status-race) takes a fresh registry and leaves one behind.
    isolate: false,
    // one test file per core and one more (vitest's default leaves one core idle): many files spend their time waiting
    // on a child process, a PostgreSQL server or Chromium, so the cores stay busy only with a file more than there are
    // cores. On this 2-core machine, one full run each: three files at a time 8 min 5 s, two 10 min 43 s.
    maxWorkers: maxWorkersFromCommandLine() ?? availableParallelism() + 1,
    // the same process hardening as every entry point (package.json scripts): no Object.prototype.__proto__
    execArgv: ["--disable-proto=delete"],
    // hono/jsx's render store settled before each file renders anything, as createApp settles it (the file says why)
    setupFiles: ["test/helpers/render-context-setup.ts"],
    // Several tests sign or verify every catalog certification in every shape, or run a process and its restart:
    // 18-28 s each on this 2-core machine with three files at a time, and one passed 30 s on a slow hour (the
    // byte-identity differential). The limit only catches a test that hangs: 90 s leaves a slower CI machine room.
    testTimeout: 90_000,
    hookTimeout: 90_000,
    projects: [{ extends: true, test: { name: "sqlite", include: ["test/**/*.test.ts"] } }, ...pgProject()],
  },
});
