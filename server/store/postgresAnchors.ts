/**
 * Store.getCredentialAnchor on PostgreSQL: the proof-query hot path (thousands a second,
 * from every replica). Lookups that arrive in the same turn of the event loop share one
 * query, `WHERE id = ANY($1)` (groupedCalls.ts): PostgreSQL plans, locks and answers once
 * per group instead of once per request, and the replica sends and parses one message
 * pair. Each caller still gets only its own institution's credential: the query returns
 * each row's institution and a row of another institution answers `undefined`, as the
 * one-row query's `AND institution_id = $2` did.
 *
 * Batches come from a cache of anchored batches (safe across replicas: `anchored` is the
 * last state, no publisher moves a batch out of it; transitionBatch evicts anyway), and a
 * group's missing batches are read in one more query.
 */
import { createGroupedCalls } from "../groupedCalls.ts";
import { SELECT_BATCH, toBatch, type Row } from "./sqliteRows.ts";
import type { BatchRow, CredentialAnchorRow } from "./types.ts";

/** Runs a query and returns its rows as arrays, in column order; unavailability is the caller's 503. */
export type QueryArrays = (text: string, values: readonly unknown[], name: string) => Promise<unknown[][]>;
/** Runs a query and returns its rows as objects. */
export type QueryRows = (text: string, values: readonly unknown[], name: string) => Promise<Row[]>;

/** Parameters of {@link createPostgresAnchorLookup}. */
export type CreatePostgresAnchorLookupParameters = {
  readonly queryArrays: QueryArrays;
  readonly query: QueryRows;
  /** Most lookups in one query (default 128). */
  readonly maxGroup?: number | undefined;
};

/** The lookup and its batch cache. */
export type PostgresAnchorLookup = {
  lookup(parameters: { institutionId: number; id: string }): Promise<CredentialAnchorRow | undefined>;
  /** Drops a batch from the cache (its row is about to change). */
  forgetBatch(id: number): void;
};

/** Anchored batches kept at most; past it the cache starts afresh. */
const MAX_CACHED_BATCHES = 100_000;

// Hashes as 0x hex straight from the server (encode() in C): no Buffer per column, no hex loop here.
const SELECT_ANCHORS = `SELECT id, institution_id, leaf_index, '0x' || encode(credential_hash, 'hex'), '0x' || encode(salt, 'hex'), batch_id
  FROM credentials WHERE id = ANY($1::text[])`;

/**
 * @example
 * ```ts
 * const anchors = createPostgresAnchorLookup({ queryArrays, query });
 * const anchor = await anchors.lookup({ institutionId: 1, id });
 * ```
 */
export function createPostgresAnchorLookup(parameters: CreatePostgresAnchorLookupParameters): PostgresAnchorLookup {
  const { queryArrays, query } = parameters;
  const anchoredBatches = new Map<number, BatchRow>();

  async function lookupGroup(keys: { institutionId: number; id: string }[]): Promise<(CredentialAnchorRow | undefined)[]> {
    const ids = keys.length === 1 ? [keys[0]!.id] : [...new Set(keys.map((key) => key.id))];
    const rows = await queryArrays(SELECT_ANCHORS, [ids], "get-anchors");
    const byId = new Map<string, unknown[]>();
    const missing = new Set<number>();
    for (const row of rows) {
      byId.set(row[0] as string, row);
      if (!anchoredBatches.has(row[5] as number)) missing.add(row[5] as number);
    }
    // Batches not (yet) anchored are read for this group only: their rows still change.
    const fresh = new Map<number, BatchRow>();
    if (missing.size > 0) {
      for (const row of await query(`${SELECT_BATCH} WHERE b.id = ANY($1::bigint[])`, [[...missing]], "get-batches-by-id")) {
        const batch = toBatch(row);
        fresh.set(batch.id, batch);
        if (batch.state === "anchored") {
          if (anchoredBatches.size >= MAX_CACHED_BATCHES) anchoredBatches.clear();
          anchoredBatches.set(batch.id, batch);
        }
      }
    }
    return keys.map(({ institutionId, id }) => {
      const row = byId.get(id);
      if (row === undefined || row[1] !== institutionId) return undefined;
      const batchId = row[5] as number;
      return {
        id: row[0] as string,
        leafIndex: row[2] as number,
        credentialHash: row[3] as `0x${string}`,
        salt: row[4] as `0x${string}`,
        batch: (fresh.get(batchId) ?? anchoredBatches.get(batchId))!,
      };
    });
  }

  const lookup = createGroupedCalls({ maxGroup: parameters.maxGroup ?? 128, run: lookupGroup });
  return { lookup, forgetBatch: (id) => void anchoredBatches.delete(id) };
}
