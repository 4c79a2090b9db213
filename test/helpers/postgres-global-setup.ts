import pg from "pg";
import type { TestProject } from "vitest/node";
import { openPgStore } from "../../src/storage/store-pg.js";
import type { TestPostgres } from "./database.js";
import { startPostgres } from "./postgres-server.js";

const TEMPLATE = "laurel_template";

/**
 * The `pg` project's global setup (vitest.config.ts): one throwaway PostgreSQL server for the run, and a template
 * database with every migration applied, which each test store copies (database.ts). Stopped after the run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres();
  try {
    const admin = new pg.Client({ connectionString: server.url("postgres") });
    await admin.connect();
    await admin.query(`create database ${TEMPLATE}`);
    await admin.end();
    // migrated once here; the store's connections are closed, as a template must have none
    await (await openPgStore(server.url(TEMPLATE))).close();
  } catch (error) {
    await server.stop();
    throw error;
  }
  const provided: TestPostgres = { baseUrl: server.baseUrl, template: TEMPLATE };
  project.provide("laurelPostgres", provided);
  return () => server.stop();
}
