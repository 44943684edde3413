/**
 * `credanchor db migrate`: brings the service's database to this release's schema: the
 * PostgreSQL database of CREDANCHOR_DATABASE_URL (versioned steps, server/store/postgresSchema.ts)
 * or the SQLite file of CREDANCHOR_DB_PATH. The service checks the version at start-up and
 * refuses a database written by a newer release; run this before rolling replicas onto a
 * release with a new schema (docs/DEPLOY.md).
 */
import { resolve } from "node:path";

import type { Command } from "commander";

import { SCHEMA_VERSION } from "../../server/store/schema.ts";
import { createSqliteStore } from "../../server/store/sqlite.ts";
import { migratePostgres } from "../../server/store/postgres.ts";
import { type Runtime, action, withHelp } from "../lib/command.ts";

type MigrateFlags = { readonly databaseUrl?: string; readonly db?: string };

export function registerDbCommands(program: Command, runtime: Runtime): void {
  const db = program.command("db").description("the service's database");
  const migrate = db
    .command("migrate")
    .description("apply the schema migrations of this release (PostgreSQL or SQLite)")
    .option("--database-url <url>", "PostgreSQL database (default CREDANCHOR_DATABASE_URL)")
    .option("--db <path>", "SQLite file when no PostgreSQL URL is given (default CREDANCHOR_DB_PATH or ./data/credanchor.db)");
  withHelp(migrate, {
    examples: [
      "CREDANCHOR_DATABASE_URL=postgres://credanchor@db:5432/credanchor credanchor db migrate",
      "credanchor db migrate --db ./data/credanchor.db",
    ],
    env: ["CREDANCHOR_DATABASE_URL", "CREDANCHOR_DB_PATH"],
  });
  migrate.action(
    action(runtime, async (out, flags: MigrateFlags) => {
      const url = flags.databaseUrl ?? (process.env.CREDANCHOR_DATABASE_URL || undefined);
      if (url !== undefined) {
        const { from, to } = await migratePostgres({ url });
        out.line(from === to ? `PostgreSQL schema already at version ${to}.` : `PostgreSQL schema migrated from version ${from} to ${to}.`);
        out.result({ store: "postgres", from, to });
        return;
      }
      const path = resolve(flags.db ?? (process.env.CREDANCHOR_DB_PATH || "./data/credanchor.db"));
      const store = createSqliteStore({ path, backgroundCheckpoints: false });
      await store.close();
      out.line(`SQLite database ${path} at schema version ${SCHEMA_VERSION}.`);
      out.result({ store: "sqlite", path, to: SCHEMA_VERSION });
    }),
  );
}
