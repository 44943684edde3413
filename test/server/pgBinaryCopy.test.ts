/**
 * The binary COPY encoder and sender (server/store/pgBinaryCopy.ts), against the machine's
 * PostgreSQL: what the encoder writes must be byte for byte what the server itself writes
 * for the same rows (COPY … TO STDOUT (FORMAT binary)), and read back as the same values.
 */
import { expect } from "chai";
import { randomBytes } from "node:crypto";

import pg from "pg";
import { to as copyTo } from "pg-copy-streams";

import { ServiceError } from "../../server/errors.ts";
import {
  binaryCopyStatement,
  copyBinaryInto,
  createBinaryCopyEncoder,
  type BinaryCopyColumn,
  type BinaryCopyRow,
  type BinaryCopyValue,
} from "../../server/store/pgBinaryCopy.ts";
import { createTestDatabase, type TestDatabase } from "./helpers/postgres.ts";

const COLUMNS = [
  { name: "t", type: "text" },
  { name: "i4", type: "int4" },
  { name: "i8", type: "int8" },
  { name: "b", type: "bytea" },
  { name: "f", type: "bool" },
] as const satisfies readonly BinaryCopyColumn[];
type SampleRow = BinaryCopyRow<typeof COLUMNS>;
const sample = ([t, i4, i8, b, f]: BinaryCopyValue[]): SampleRow => ({ t: t!, i4: i4!, i8: i8!, b: b!, f: f! });

/** Edge values of every type, nulls included. */
const ROWS: readonly BinaryCopyValue[][] = [
  ["plain", 0, 0, new Uint8Array([]), true],
  ['quotes " and \\ backslashes, {braces}, commas', 1, 1, new Uint8Array([0, 1, 0xfe, 0xff]), false],
  ["", -1, -1, randomBytes(32), true],
  ["é ü ß — 漢字 😀", 2 ** 31 - 1, Number.MAX_SAFE_INTEGER, randomBytes(100), false],
  ["tab\tnewline\nnul-free", -(2 ** 31), Number.MIN_SAFE_INTEGER, randomBytes(1), true],
  [null, null, null, null, null],
  ["x".repeat(5000), 7, 2 ** 32, new Uint8Array(3000).fill(7), false],
  ["y", 8, -(2 ** 32) - 1, new Uint8Array([9]), true],
  ["z", 9, 2 ** 48 - 1, new Uint8Array([10]), false],
];

/** What the server itself writes for a query's rows, in binary COPY format. */
async function serverCopy(client: pg.Client, query: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const stream = client.query(copyTo(`COPY (${query}) TO STDOUT (FORMAT binary)`));
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe("binary COPY encoder (PostgreSQL)", function () {
  this.timeout(60_000);
  let database: TestDatabase;
  let client: pg.Client;

  before(async function () {
    database = await createTestDatabase();
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query("CREATE TABLE sample (seq INT GENERATED ALWAYS AS IDENTITY, t TEXT, i4 INTEGER, i8 BIGINT, b BYTEA, f BOOLEAN)");
    await client.query("CREATE TABLE keyed (k TEXT PRIMARY KEY, v TEXT NOT NULL)");
  });
  after(async function () {
    await client?.end();
    await database?.drop();
  });
  beforeEach(async function () {
    await client.query("TRUNCATE sample, keyed");
  });

  it("writes exactly the bytes PostgreSQL writes for the same rows", async function () {
    // Starts small: the Buffer has to grow several times, the long text and bytea included.
    const encoder = createBinaryCopyEncoder({ columns: COLUMNS, initialBytes: 16 });
    for (const row of ROWS) encoder.row(sample(row));
    const data = encoder.finish();
    expect(encoder.rows).to.equal(ROWS.length);
    expect(await copyBinaryInto({ client, statement: binaryCopyStatement("sample", COLUMNS), data, pieceBytes: 1000 })).to.equal(ROWS.length);
    const written = await serverCopy(client, "SELECT t, i4, i8, b, f FROM sample ORDER BY seq");
    expect(Buffer.from(data).equals(written)).to.equal(true);
  });

  it("stores values that read back unchanged", async function () {
    const encoder = createBinaryCopyEncoder({ columns: COLUMNS });
    for (const row of ROWS) encoder.row(sample(row));
    await copyBinaryInto({ client, statement: binaryCopyStatement("sample", COLUMNS), data: encoder.finish() });
    const { rows } = await client.query({ text: "SELECT t, i4, i8::text AS i8, b, f FROM sample ORDER BY seq", rowMode: "array" });
    expect(rows).to.deep.equal(
      ROWS.map(([t, i4, i8, b, f]) => [t, i4, i8 === null ? null : String(i8), b === null ? null : Buffer.from(b as Uint8Array), f]),
    );
  });

  it("encodes an empty set as header and trailer only, which the server accepts", async function () {
    const data = createBinaryCopyEncoder({ columns: COLUMNS }).finish();
    expect(data.length).to.equal(19 + 2);
    expect(await copyBinaryInto({ client, statement: binaryCopyStatement("sample", COLUMNS), data })).to.equal(0);
  });

  it("rejects with the server's unique violation, reported while the rows stream in, and leaves the client usable", async function () {
    const columns = [
      { name: "k", type: "text" },
      { name: "v", type: "text" },
    ] as const;
    const encoder = createBinaryCopyEncoder({ columns });
    // The duplicate comes early; megabytes of rows follow it, sent in small pieces.
    encoder.row({ k: "a", v: "first" });
    encoder.row({ k: "a", v: "again" });
    for (let i = 0; i < 20_000; i++) encoder.row({ k: `k${i}`, v: "v".repeat(200) });
    await client.query("BEGIN");
    let failure: unknown;
    try {
      await copyBinaryInto({ client, statement: binaryCopyStatement("keyed", columns), data: encoder.finish(), pieceBytes: 4096 });
    } catch (error) {
      failure = error;
    }
    await client.query("ROLLBACK");
    expect(failure).to.be.instanceOf(Error);
    expect((failure as { code?: string }).code).to.equal("23505");
    expect((failure as { constraint?: string }).constraint).to.equal("keyed_pkey");
    expect((await client.query("SELECT count(*)::int AS n FROM keyed")).rows[0].n).to.equal(0);
  });

  it("rejects with the server's error when the statement itself fails", async function () {
    const data = createBinaryCopyEncoder({ columns: COLUMNS }).finish();
    let failure: unknown;
    try {
      await copyBinaryInto({ client, statement: binaryCopyStatement("no_such_table", COLUMNS), data });
    } catch (error) {
      failure = error;
    }
    expect((failure as { code?: string }).code).to.equal("42P01");
    expect((await client.query("SELECT 1 AS one")).rows[0].one).to.equal(1);
  });

  it("refuses values of the wrong type or range, and rows missing a column, as CA_INTERNAL", function () {
    const encoder = createBinaryCopyEncoder({ columns: COLUMNS });
    const bad: SampleRow[] = [
      { t: 1, i4: 0, i8: 0, b: null, f: null },
      { t: "a", i4: 2 ** 31, i8: 0, b: null, f: null },
      { t: "a", i4: 1.5, i8: 0, b: null, f: null },
      { t: "a", i4: 0, i8: 2 ** 53, b: null, f: null },
      { t: "a", i4: 0, i8: 0, b: "not bytes", f: null },
      { t: "a", i4: 0, i8: 0, b: null, f: 1 },
      { t: "a", i4: 0, i8: 0, b: null } as unknown as SampleRow,
    ];
    encoder.row({ t: "kept", i4: 1, i8: 1, b: null, f: true });
    for (const row of bad) {
      expect(() => encoder.row(row)).to.throw(ServiceError).with.property("code", "CA_INTERNAL");
    }
    // A refused row is left out whole: what was encoded before it is still a valid COPY.
    expect(encoder.rows).to.equal(1);
    const reference = createBinaryCopyEncoder({ columns: COLUMNS });
    reference.row({ t: "kept", i4: 1, i8: 1, b: null, f: true });
    expect(encoder.finish().equals(reference.finish())).to.equal(true);
  });
});
