import { defineConfig } from "drizzle-kit";

/** PostgreSQL migrations (`npx drizzle-kit generate --config drizzle.pg.config.ts`), twins of the SQLite ones. */
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/storage/schema-pg.ts",
  out: "./src/storage/migrations-pg",
  casing: "snake_case",
});
