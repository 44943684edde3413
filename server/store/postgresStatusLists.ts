/**
 * Status list reservations of the PostgreSQL store (Store.reserveStatusPositions), safe with
 * any number of replicas reserving at once: positions come from the institution's newest
 * `status_lists` row, locked (SELECT … FOR UPDATE) and grown in the transaction, so two
 * replicas never hand out the same position. A new list is inserted with ON CONFLICT DO
 * NOTHING on (institution_id, list_number): when another replica created it first, the
 * insert waits for that transaction and then the loop locks the list it created.
 */
import type { PoolClient } from "pg";

import type { StatusListReservation } from "./types.ts";

/** Parameters of {@link reserveStatusPositionsOnce} (those of Store.reserveStatusPositions). */
export type ReserveStatusPositionsParameters = {
  readonly institutionId: number;
  readonly count: number;
  readonly listLength: number;
  readonly now: number;
  readonly newSeed: () => Uint8Array;
};

type ListRow = { list_number: number; seed: Uint8Array; assigned: number };

/**
 * One reservation transaction on `client` (BEGIN/COMMIT are the caller's).
 *
 * @example
 * ```ts
 * await client.query("BEGIN");
 * const reservations = await reserveStatusPositionsOnce(client, { institutionId: 1, count: 3, listLength: 131_072, now, newSeed });
 * await client.query("COMMIT");
 * ```
 */
export async function reserveStatusPositionsOnce(client: PoolClient, parameters: ReserveStatusPositionsParameters): Promise<StatusListReservation[]> {
  const { institutionId, count, listLength, now, newSeed } = parameters;
  const newest = async (): Promise<ListRow | undefined> =>
    (
      await client.query({
        name: "status-lock-newest",
        text: "SELECT list_number, seed, assigned FROM status_lists WHERE institution_id = $1 ORDER BY list_number DESC LIMIT 1 FOR UPDATE",
        values: [institutionId],
      })
    ).rows[0] as ListRow | undefined;

  const reservations: StatusListReservation[] = [];
  let current = await newest();
  let left = count;
  while (left > 0) {
    if (current === undefined || current.assigned >= listLength) {
      const listNumber = current === undefined ? 0 : current.list_number + 1;
      const seed = newSeed();
      const inserted = await client.query({
        name: "status-new-list",
        text: `INSERT INTO status_lists (institution_id, list_number, seed, assigned, created_at) VALUES ($1, $2, $3, 0, $4)
               ON CONFLICT (institution_id, list_number) DO NOTHING RETURNING list_number, seed, assigned`,
        values: [institutionId, listNumber, Buffer.from(seed.buffer, seed.byteOffset, seed.byteLength), now],
      });
      // Nothing inserted: another replica created that list (and committed): lock theirs.
      current = (inserted.rows[0] as ListRow | undefined) ?? (await newest());
      continue;
    }
    const take = Math.min(left, listLength - current.assigned);
    await client.query({
      name: "status-grow",
      text: "UPDATE status_lists SET assigned = assigned + $1 WHERE institution_id = $2 AND list_number = $3",
      values: [take, institutionId, current.list_number],
    });
    reservations.push({ listNumber: current.list_number, seed: new Uint8Array(current.seed), firstPosition: current.assigned, count: take });
    current = { ...current, assigned: current.assigned + take };
    left -= take;
  }
  return reservations;
}
