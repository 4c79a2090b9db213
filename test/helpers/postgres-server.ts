import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";

/**
 * A throwaway PostgreSQL server for tests and benchmarks, started from the installed binaries (Debian's `postgresql`
 * package): a new cluster in a temporary folder, listening on a free loopback port only, with durability off (the
 * data is thrown away). Run as root (CI), the server runs as the `postgres` system user, which PostgreSQL requires.
 */
export type PostgresServer = {
  /** `postgres://laurel@127.0.0.1:<port>` (trust authentication on loopback); append a database name. */
  baseUrl: string;
  url: (database: string) => string;
  /** The postmaster's process id (its backends are its children): for measuring the server's CPU time. */
  pid: number;
  stop: () => Promise<void>;
};

/** The folder holding `initdb` and `postgres`: LAUREL_PG_BIN, else the newest /usr/lib/postgresql/<n>/bin. */
export function findPostgresBinaries(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.LAUREL_PG_BIN) {
    return existsSync(join(env.LAUREL_PG_BIN, "postgres")) ? env.LAUREL_PG_BIN : undefined;
  }
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) {
    return undefined;
  }
  const versions = readdirSync(root)
    .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, "bin", "postgres")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? join(root, versions[0], "bin") : undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** uid/gid of the `postgres` user when we are root (PostgreSQL refuses to run as root), else undefined. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) {
    return undefined;
  }
  const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
  return { uid, gid };
}

async function waitUntilReady(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`postgres exited with code ${child.exitCode}:\n${log()}`);
    }
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query("select 1");
      await client.end();
      return;
    } catch {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) {
        throw new Error(`postgres did not accept connections within 30 s:\n${log()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

export async function startPostgres(options: { bin?: string } = {}): Promise<PostgresServer> {
  const bin = options.bin ?? findPostgresBinaries();
  if (!bin) {
    throw new Error("PostgreSQL binaries not found (install Debian's postgresql package, or set LAUREL_PG_BIN)");
  }
  const dir = mkdtempSync(join(tmpdir(), "laurel-pg-"));
  const data = join(dir, "data");
  const user = serverUser();
  if (user) {
    chmodSync(dir, 0o700);
    chownSync(dir, user.uid, user.gid);
  }
  const asServerUser = user ? { uid: user.uid, gid: user.gid } : {};
  execFileSync(
    join(bin, "initdb"),
    ["-D", data, "-A", "trust", "-U", "laurel", "--no-sync", "-E", "UTF8", "--locale=C"],
    { stdio: "pipe", ...asServerUser },
  );
  const port = await freePort();
  let output = "";
  const child = spawn(
    join(bin, "postgres"),
    [
      "-D",
      data,
      "-p",
      String(port),
      "-k",
      dir,
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "fsync=off",
      "-c",
      "synchronous_commit=off",
      "-c",
      "full_page_writes=off",
      "-c",
      "max_connections=300",
    ],
    { stdio: ["ignore", "pipe", "pipe"], ...asServerUser },
  );
  child.stdout?.on("data", (b: Buffer) => {
    output += b.toString();
  });
  child.stderr?.on("data", (b: Buffer) => {
    output += b.toString();
  });
  const baseUrl = `postgres://laurel@127.0.0.1:${port}`;
  try {
    await waitUntilReady(`${baseUrl}/postgres`, child, () => output);
  } catch (error) {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    baseUrl,
    url: (database) => `${baseUrl}/${database}`,
    pid: child.pid ?? 0,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGINT"); // fast shutdown
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
