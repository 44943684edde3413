/**
 * The two store kinds tests run the Store contract on (storeContract.test.ts, signer.test.ts):
 * SQLite (a file) and PostgreSQL (a fresh database on the machine's server).
 */
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";

import { createPostgresStore } from "../../../server/store/postgres.ts";
import { createSqliteStore } from "../../../server/store/sqlite.ts";
import type { Store } from "../../../server/store/types.ts";
import { createTestDatabase, sql, type TestDatabase } from "./postgres.ts";
import { tempDir } from "./processes.ts";

/** One store kind: how to open a database and a second connection to it. */
export type StoreKind = {
  readonly name: string;
  /** A new empty database; `open()` returns a store on it (each call: a new connection). */
  create(): Promise<{ open(): Promise<Store>; setSchemaVersion(version: number): Promise<void>; drop(): Promise<void> }>;
};

export const storeKinds: readonly StoreKind[] = [
  {
    name: "SQLite",
    async create() {
      const path = join(tempDir(), "db.sqlite");
      return {
        open: async () => createSqliteStore({ path, backgroundCheckpoints: false }),
        async setSchemaVersion(version) {
          const raw = new DatabaseSync(path);
          raw.prepare("UPDATE meta SET value = ? WHERE key = 'schema_version'").run(String(version));
          raw.close();
        },
        drop: async () => undefined,
      };
    },
  },
  {
    name: "PostgreSQL",
    async create() {
      const database: TestDatabase = await createTestDatabase();
      return {
        open: () => createPostgresStore({ url: database.url, poolSize: 4 }),
        setSchemaVersion: async (version) => void (await sql(database.url, `UPDATE meta SET value = '${version}' WHERE key = 'schema_version'`)),
        drop: () => database.drop(),
      };
    },
  },
];
