/**
 * PostgreSQL for the tests: a fresh database with a unique name on the machine's server
 * (CREDANCHOR_TEST_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres), dropped
 * afterwards; and a throwaway server of its own (initdb + pg_ctl in a temp dir) for the
 * test that restarts PostgreSQL, so other runs on the machine's server are not disturbed.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import pg from "pg";

import { freePort, tempDir } from "./processes.ts";

const ADMIN_URL = process.env.CREDANCHOR_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";

/** A database created for one test file. */
export type TestDatabase = {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
};

async function admin<T>(url: string, body: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty database with a unique name.
 *
 * @example
 * ```ts
 * const database = await createTestDatabase();
 * await database.drop();
 * ```
 */
export async function createTestDatabase(adminUrl = ADMIN_URL): Promise<TestDatabase> {
  const name = `credanchor_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await admin(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      await admin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

/** Runs SQL on a database (what a test needs that the Store API does not offer). */
export async function sql(url: string, text: string): Promise<pg.QueryResult> {
  return admin(url, (client) => client.query(text));
}

/** The server binaries: CREDANCHOR_TEST_PG_BIN, else Debian's newest /usr/lib/postgresql/<version>/bin. */
const PG_BIN =
  process.env.CREDANCHOR_TEST_PG_BIN ??
  join(
    "/usr/lib/postgresql",
    (existsSync("/usr/lib/postgresql") ? readdirSync("/usr/lib/postgresql") : []).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a))[0] ?? "15",
    "bin",
  );

/** A PostgreSQL server of a test's own. */
export type OwnPostgres = {
  /** URL of its `postgres` database. */
  readonly adminUrl: string;
  /** Its data directory (postmaster.pid holds the server's pid). */
  readonly dataDir: string;
  /** Starts it again after {@link OwnPostgres.stop}. */
  start(): void;
  /** Fast shutdown: sessions are cut, committed work is on disk. */
  stop(): void;
  /** Stops it and deletes its directory (a benchmark's holds gigabytes). */
  remove(): void;
};

/**
 * initdb + pg_ctl start on a free port in a temp dir (as the postgres user when running as
 * root: PostgreSQL refuses to run as root). Undefined if the binaries are missing.
 *
 * @example
 * ```ts
 * const server = await startOwnPostgres();
 * server?.stop();
 * server?.start();
 * ```
 */
export async function startOwnPostgres(parameters: { readonly settings?: readonly string[] } = {}): Promise<OwnPostgres | undefined> {
  if (!existsSync(join(PG_BIN, "initdb"))) return undefined;
  const port = await freePort();
  const dir = tempDir("credanchor-pg-");
  chmodSync(dir, 0o777);
  const data = join(dir, "data");
  const log = join(dir, "server.log");
  writeFileSync(log, "");
  const asRoot = process.getuid?.() === 0;
  const ids = asRoot ? { uid: Number(execFileSync("id", ["-u", "postgres"]).toString()), gid: Number(execFileSync("id", ["-g", "postgres"]).toString()) } : {};
  if (asRoot) chownSync(log, ids.uid!, ids.gid!);
  const run = (binary: string, args: readonly string[]) =>
    execFileSync(join(PG_BIN, binary), [...args], { ...ids, cwd: dir, stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
  run("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "--no-sync"]);
  const extra = (parameters.settings ?? []).map((setting) => ` -c ${setting}`).join("");
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=50${extra}`;
  const start = () => run("pg_ctl", ["-D", data, "-l", log, "-o", options, "-w", "-t", "30", "start"]);
  start();
  const stop = () => {
    try {
      run("pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", "30", "stop"]);
    } catch {
      // already stopped
    }
  };
  return {
    adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dataDir: data,
    start,
    stop,
    remove() {
      stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
