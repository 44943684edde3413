/**
 * PostgreSQL's binary COPY format (https://www.postgresql.org/docs/15/sql-copy.html, "Binary
 * Format"), for the columns the PostgreSQL store writes in bulk: text, int4, int8, bytea and bool.
 *
 * Why not the text protocol: an INSERT … SELECT FROM unnest($1::text[], …) sends every
 * credential body as an element of an array literal (each quote and backslash escaped by
 * pg on the way out, unescaped by array_in on the way in) and every hash as hex; intake
 * spent a fifth of its service CPU and much of PostgreSQL's on that. Binary COPY sends the
 * bytes as they are: a text field is its UTF-8, a bytea its bytes, integers big-endian.
 *
 * The rows are written straight into one Buffer, grown by doubling: no per-row Buffer, no
 * string escaping, no array literal. {@link copyBinaryInto} sends it.
 */
import { once } from "node:events";

import type { ClientBase } from "pg";
import { from as copyFrom } from "pg-copy-streams";

import { ServiceError } from "../errors.ts";

/** The column types the encoder writes, named as PostgreSQL names them. */
export type BinaryCopyType = "text" | "int4" | "int8" | "bytea" | "bool";

/** A column of a binary COPY: its name in the table and its type. */
export type BinaryCopyColumn<Name extends string = string> = { readonly name: Name; readonly type: BinaryCopyType };

/** A field value: string (text), safe integer (int4, int8), bytes (bytea), boolean (bool), or null. */
export type BinaryCopyValue = string | number | Uint8Array | boolean | null;

/** A row: a value for every column, by column name (so values cannot slip out of column order). */
export type BinaryCopyRow<Columns extends readonly BinaryCopyColumn[]> = { readonly [Column in Columns[number] as Column["name"]]: BinaryCopyValue };

/** Parameters of {@link createBinaryCopyEncoder}. */
export type CreateBinaryCopyEncoderParameters<Columns extends readonly BinaryCopyColumn[]> = {
  readonly columns: Columns;
  /** Bytes to start with (default 64 KiB); the Buffer doubles whenever a field does not fit. */
  readonly initialBytes?: number | undefined;
};

/** Encodes rows; {@link BinaryCopyEncoder.finish} returns the whole COPY data. */
export type BinaryCopyEncoder<Columns extends readonly BinaryCopyColumn[]> = {
  /** Appends a row: a value for each column, by name. */
  row(values: BinaryCopyRow<Columns>): void;
  /** Rows appended so far. */
  readonly rows: number;
  /** Appends the trailer and returns the data: header, rows, trailer. */
  finish(): Buffer;
};

/** "PGCOPY\n\377\r\n\0", then flags (int32 0: no OIDs) and the header extension length (int32 0). */
const SIGNATURE = [0x50, 0x47, 0x43, 0x4f, 0x50, 0x59, 0x0a, 0xff, 0x0d, 0x0a, 0x00];
const HEADER_BYTES = SIGNATURE.length + 8;
const TWO_POW_32 = 2 ** 32;
const INT4_MIN = -(2 ** 31);
const INT4_MAX = 2 ** 31 - 1;

/** `COPY table (columns) FROM STDIN (FORMAT binary)` for these columns. */
export function binaryCopyStatement(table: string, columns: readonly BinaryCopyColumn[]): string {
  return `COPY ${table} (${columns.map((column) => column.name).join(", ")}) FROM STDIN (FORMAT binary)`;
}

/** A value of the wrong type for its column: a bug in the caller, never the client's input. */
function misuse(column: BinaryCopyColumn, value: unknown, expected: string): ServiceError {
  const got = typeof value === "number" ? `the number ${value}` : value instanceof Uint8Array ? "bytes" : typeof value;
  return new ServiceError({ code: "CA_INTERNAL", message: `Binary COPY: column ${column.name} (${column.type}) got ${got}; expected ${expected}.` });
}

/**
 * @example
 * ```ts
 * const columns = [{ name: "id", type: "text" }, { name: "leaf_index", type: "int4" }] as const;
 * const encoder = createBinaryCopyEncoder({ columns });
 * encoder.row({ id: "a", leaf_index: 0 });
 * await copyBinaryInto({ client, statement: binaryCopyStatement("t", columns), data: encoder.finish() });
 * ```
 */
export function createBinaryCopyEncoder<const Columns extends readonly BinaryCopyColumn[]>(
  parameters: CreateBinaryCopyEncoderParameters<Columns>,
): BinaryCopyEncoder<Columns> {
  const { columns } = parameters;

  if (columns.length === 0 || columns.length > 0x7fff) {
    throw new ServiceError({ code: "CA_INTERNAL", message: `Binary COPY: ${columns.length} columns; expected 1 to 32767.` });
  }
  let chunk = Buffer.allocUnsafe(Math.max(parameters.initialBytes ?? 1 << 16, HEADER_BYTES));
  let used = 0;
  let rows = 0;
  let finished = false;

  /** Makes room for `bytes` more: a larger Buffer (at least double) with what was written. */
  const reserve = (bytes: number) => {
    if (chunk.length - used >= bytes) return;
    const grown = Buffer.allocUnsafe(Math.max(chunk.length * 2, used + bytes));
    chunk.copy(grown, 0, 0, used);
    chunk = grown;
  };

  for (const byte of SIGNATURE) chunk[used++] = byte;
  chunk.writeInt32BE(0, used);
  chunk.writeInt32BE(0, used + 4);
  used += 8;

  function field(column: BinaryCopyColumn, value: BinaryCopyValue): void {
    if (value === null) {
      reserve(4);
      used = chunk.writeInt32BE(-1, used);
      return;
    }
    switch (column.type) {
      case "text": {
        if (typeof value !== "string") throw misuse(column, value, "a string or null");
        // At most 3 UTF-8 bytes per UTF-16 code unit: reserve that, write, then fill in the length.
        reserve(4 + value.length * 3);
        const bytes = chunk.write(value, used + 4, "utf8");
        chunk.writeInt32BE(bytes, used);
        used += 4 + bytes;
        return;
      }
      case "bytea": {
        if (!(value instanceof Uint8Array)) throw misuse(column, value, "a Uint8Array or null");
        reserve(4 + value.length);
        used = chunk.writeInt32BE(value.length, used);
        chunk.set(value, used);
        used += value.length;
        return;
      }
      case "int4": {
        if (typeof value !== "number" || !Number.isInteger(value) || value < INT4_MIN || value > INT4_MAX) {
          throw misuse(column, value, "a 32-bit integer or null");
        }
        reserve(8);
        used = chunk.writeInt32BE(4, used);
        used = chunk.writeInt32BE(value, used);
        return;
      }
      case "bool": {
        if (typeof value !== "boolean") throw misuse(column, value, "a boolean or null");
        reserve(5);
        used = chunk.writeInt32BE(1, used);
        chunk[used++] = value ? 1 : 0;
        return;
      }
      case "int8": {
        if (typeof value !== "number" || !Number.isSafeInteger(value)) throw misuse(column, value, "a safe integer or null");
        reserve(12);
        used = chunk.writeInt32BE(8, used);
        // Two's complement in two words: the high word signed, the low word unsigned.
        const high = Math.floor(value / TWO_POW_32);
        used = chunk.writeInt32BE(high, used);
        used = chunk.writeUInt32BE(value - high * TWO_POW_32, used);
        return;
      }
    }
  }

  return {
    row(values) {
      if (finished) throw new ServiceError({ code: "CA_INTERNAL", message: "Binary COPY: row() after finish()." });
      const start = used;
      try {
        reserve(2);
        used = chunk.writeInt16BE(columns.length, used);
        const named = values as Readonly<Record<string, BinaryCopyValue>>;
        for (const column of columns) field(column, named[column.name]!); // a missing one is undefined: refused
      } catch (error) {
        used = start; // the row is left out whole: the data stays well-formed
        throw error;
      }
      rows++;
    },
    get rows() {
      return rows;
    },
    finish() {
      if (!finished) {
        finished = true;
        reserve(2);
        used = chunk.writeInt16BE(-1, used);
      }
      return chunk.subarray(0, used);
    },
  };
}

/** Parameters of {@link copyBinaryInto}. */
export type CopyBinaryIntoParameters = {
  /** A client in the caller's transaction: the rows commit or roll back with it. */
  readonly client: ClientBase;
  /** From {@link binaryCopyStatement}. */
  readonly statement: string;
  /** From {@link BinaryCopyEncoder.finish}. */
  readonly data: Uint8Array;
  /** Bytes per CopyData message (default 1 MiB). */
  readonly pieceBytes?: number | undefined;
};

/**
 * Runs a binary COPY … FROM STDIN on `client` and returns the rows the server stored. A
 * server error (e.g. a unique violation, reported while the rows still stream in) or a cut
 * connection rejects with pg's error, as a failed query would.
 *
 * One piece is written at a time, the next after the socket drained: pg-copy-streams keeps
 * pieces queued behind a full socket and writes them on 'drain' even after the server
 * reported an error (its connection is gone by then), which would throw in an event handler.
 *
 * @example
 * ```ts
 * const rows = await copyBinaryInto({ client, statement, data: encoder.finish() });
 * ```
 */
export async function copyBinaryInto(parameters: CopyBinaryIntoParameters): Promise<number> {
  const { client, statement, data } = parameters;
  const pieceBytes = parameters.pieceBytes ?? 1 << 20;
  const stream = client.query(copyFrom(statement));
  // Listened from the first moment: the error can come before, during or after the data.
  let failure: Error | undefined;
  const failed = new Promise<never>((_, reject) =>
    stream.on("error", (error: Error) => {
      failure ??= error;
      reject(failure);
    }),
  );
  const sent = (async () => {
    for (let offset = 0; offset < data.length && failure === undefined; offset += pieceBytes) {
      const piece = data.subarray(offset, offset + pieceBytes);
      if (!stream.write(piece)) await once(stream, "drain");
    }
    if (failure !== undefined) throw failure;
    stream.end();
    await once(stream, "finish"); // after ReadyForQuery: the rows are in (uncommitted, in the caller's transaction)
  })();
  sent.catch(() => undefined); // its failure is also `failed`'s, which the race reports
  failed.catch(() => undefined);
  await Promise.race([sent, failed]);
  return stream.rowCount;
}
