/**
 * The registry event index without a chain: the store's index methods, run against both
 * stores (SQLite file, fresh PostgreSQL database), and the fold from indexed events to one
 * credential's status.
 */
import { join } from "node:path";

import { expect } from "chai";

import { createRegistryIndexer } from "../../server/chain/indexer.ts";
import { credentialStatusFromEvents, leafIndicesOf } from "../../server/chain/registryEvents.ts";
import { createPostgresStore } from "../../server/store/postgres.ts";
import { createSqliteStore } from "../../server/store/sqlite.ts";
import type { RegistryEventRow, Store } from "../../server/store/types.ts";
import { createTestDatabase } from "./helpers/postgres.ts";
import { tempDir } from "./helpers/processes.ts";

/** Each store kind: opens a store on a fresh database, and drops that database afterwards. */
const storeKinds: readonly { readonly name: string; open(): Promise<{ store: Store; drop(): Promise<void> }> }[] = [
  {
    name: "SQLite",
    open: async () => ({ store: createSqliteStore({ path: join(tempDir(), "db.sqlite"), backgroundCheckpoints: false }), drop: async () => undefined }),
  },
  {
    name: "PostgreSQL",
    async open() {
      const database = await createTestDatabase();
      return { store: await createPostgresStore({ url: database.url, poolSize: 2 }), drop: () => database.drop() };
    },
  },
];

const BATCH = `0x${"ab".repeat(32)}` as const;
const OTHER_BATCH = `0x${"cd".repeat(32)}` as const;
const ANCHORER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
const ACTOR = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as const;

let position = 0;
/** An indexed event at the next position (block = position, one log per block). */
function event(name: RegistryEventRow["name"], fields: Partial<RegistryEventRow> & { args?: Record<string, unknown> } = {}): RegistryEventRow {
  position++;
  return {
    blockNumber: position,
    blockHash: `0x${position.toString(16).padStart(64, "0")}`,
    logIndex: 0,
    txHash: `0x${(position + 1000).toString(16).padStart(64, "0")}`,
    timestamp: 1_700_000_000 + position * 12,
    name,
    institutionId: 1,
    chainBatchId: null,
    wordIndex: null,
    actor: ACTOR,
    ...fields,
    args: fields.args ?? {},
  };
}
const anchored = () => event("BatchAnchored", { chainBatchId: BATCH, args: { anchorer: ANCHORER, institutionId: 1, batchId: BATCH } });
const window = (name: "CredentialsRevoked" | "CredentialsSuspended" | "CredentialsReinstated", wordIndex: number, mask: bigint, reason: number) =>
  event(name, { chainBatchId: BATCH, wordIndex, args: { batchId: BATCH, wordIndex, mask: mask.toString(), reason } });

describe("registry event index", function () {
  for (const kind of storeKinds) describe(`store: ${kind.name}`, function () {
    let store: Store;
    let drop: () => Promise<void>;
    beforeEach(async function () {
      ({ store, drop } = await kind.open());
    });
    afterEach(async function () {
      await store.close();
      await drop();
    });

    it("appends events with their cursor, ignores a position stored twice, and maps anchored batches to their institution", async function () {
      const first = [anchored(), window("CredentialsRevoked", 0, 1n << 3n, 1)];
      await store.appendRegistryEvents({ events: first, cursor: { blockNumber: first[1]!.blockNumber, blockHash: first[1]!.blockHash } });
      await store.appendRegistryEvents({ events: first, cursor: { blockNumber: first[1]!.blockNumber, blockHash: first[1]!.blockHash } });
      expect(await store.listRegistryEvents({ limit: 10 })).to.deep.equal(first);
      expect(await store.getIndexCursor()).to.deep.equal({ blockNumber: first[1]!.blockNumber, blockHash: first[1]!.blockHash });
      expect(await store.institutionOfChainBatch(BATCH)).to.equal(1);
      expect(await store.institutionOfChainBatch(OTHER_BATCH)).to.equal(undefined);
    });

    it("lists a credential's events: its window and batch, and its institution's, never another window's or batch's", async function () {
      const mine = [
        anchored(),
        window("CredentialsRevoked", 1, 1n, 2),
        event("InstitutionSuspended", { args: { institutionId: 1, reason: 6 } }),
        event("BatchRevoked", { chainBatchId: BATCH, args: { batchId: BATCH, reason: 5 } }),
      ];
      const others = [
        window("CredentialsRevoked", 0, 1n, 2),
        event("CredentialsSuspended", { chainBatchId: OTHER_BATCH, wordIndex: 1, args: { mask: "1", reason: 8 } }),
        event("InstitutionSuspended", { institutionId: 2, args: { institutionId: 2, reason: 6 } }),
      ];
      const all = [...mine, ...others].sort((a, b) => a.blockNumber - b.blockNumber);
      await store.appendRegistryEvents({ events: all, cursor: { blockNumber: position, blockHash: all.at(-1)!.blockHash } });
      const listed = await store.listCredentialEvents({ institutionId: 1, chainBatchId: BATCH, wordIndex: 1 });
      expect(listed.map((row) => row.blockNumber)).to.deep.equal(mine.map((row) => row.blockNumber));
    });

    it("rewinds the events after a block (reorg) and pages through what is left in chain order", async function () {
      const events = [anchored(), window("CredentialsSuspended", 0, 1n, 8), window("CredentialsReinstated", 0, 1n, 0)];
      await store.appendRegistryEvents({ events, cursor: { blockNumber: events[2]!.blockNumber, blockHash: events[2]!.blockHash } });
      await store.rewindRegistryEvents({ afterBlock: events[1]!.blockNumber, cursor: { blockNumber: events[1]!.blockNumber, blockHash: events[1]!.blockHash } });
      expect((await store.listRegistryEvents({ limit: 10 })).map((row) => row.name)).to.deep.equal(["BatchAnchored", "CredentialsSuspended"]);
      const page = await store.listRegistryEvents({ after: { blockNumber: events[0]!.blockNumber, logIndex: 0 }, limit: 10 });
      expect(page.map((row) => row.name)).to.deep.equal(["CredentialsSuspended"]);
      expect((await store.getIndexCursor())!.blockNumber).to.equal(events[1]!.blockNumber);
    });

    it("rebinds to a fresh chain: identity and cursor set, old events and batches gone, in one call", async function () {
      await store.appendRegistryEvents({ events: [anchored()], cursor: { blockNumber: position, blockHash: `0x${"11".repeat(32)}` } });
      const identity = { chainId: 31337, genesisHash: `0x${"22".repeat(32)}` as const, registryAddress: ACTOR, deployBlock: 1 };
      await store.rebindChain({ identity, cursor: { blockNumber: 0, blockHash: `0x${"00".repeat(32)}` } });
      expect(await store.listRegistryEvents({ limit: 10 })).to.deep.equal([]);
      expect(await store.institutionOfChainBatch(BATCH)).to.equal(undefined);
      expect(await store.getChainIdentity()).to.deep.equal(identity);
      expect((await store.getIndexCursor())!.blockNumber).to.equal(0);
    });
  });

  describe("indexer sharing its cursor with another replica", function () {
    it("does not take a cursor another replica moved past the head it read for a reorg", async function () {
      const store = createSqliteStore({ path: join(tempDir(), "db.sqlite"), backgroundCheckpoints: false });
      try {
        const hashOf = (blockNumber: number) => `0x${blockNumber.toString(16).padStart(64, "0")}` as const;
        const early = { ...anchored(), blockNumber: 2, blockHash: hashOf(2) };
        await store.appendRegistryEvents({ events: [early], cursor: { blockNumber: 3, blockHash: hashOf(3) } });
        const late = { ...window("CredentialsRevoked", 0, 1n, 1), blockNumber: 9, blockHash: hashOf(9) };
        // The chain as this replica's RPC sees it: head 5. While it asks, another replica
        // (with a fresher head) stores block 9's revocation and moves the cursor to 10.
        const client = {
          async getBlockNumber() {
            await store.appendRegistryEvents({ events: [late], cursor: { blockNumber: 10, blockHash: hashOf(10) } });
            return 5n;
          },
          getBlock: async ({ blockNumber }: { blockNumber: bigint }) => ({ number: blockNumber, hash: hashOf(Number(blockNumber)), timestamp: 1_700_000_000n }),
          getLogs: async () => [],
        };
        const indexer = createRegistryIndexer({ store, client: client as never, registry: ACTOR, fromBlock: 1, pollIntervalMs: 1_000 });
        await indexer.tick();
        expect((await store.listRegistryEvents({ limit: 10 })).map((row) => row.blockNumber), "no event deleted").to.deep.equal([2, 9]);
      } finally {
        await store.close();
      }
    });
  });

  describe("credentialStatusFromEvents", function () {
    it("is unknownBatch until the anchoring is indexed", function () {
      expect(credentialStatusFromEvents({ events: [window("CredentialsRevoked", 0, 1n, 1)], leafIndex: 0 }).status).to.equal("unknownBatch");
    });

    it("reads only the credential's own bit of a window's mask", function () {
      const events = [anchored(), window("CredentialsRevoked", 1, (1n << 0n) | (1n << 255n), 2)];
      expect(leafIndicesOf(events[1]!)).to.deep.equal([256, 511]);
      expect(credentialStatusFromEvents({ events, leafIndex: 511 }).status).to.equal("revoked");
      const spared = credentialStatusFromEvents({ events, leafIndex: 257 });
      expect(spared).to.deep.equal({ status: "valid", decidedBy: null, history: [] });
    });

    it("keeps suspension, reinstatement and suspension again in its history, and decides by the last", function () {
      const events = [anchored(), window("CredentialsSuspended", 0, 1n, 8), window("CredentialsReinstated", 0, 1n, 0), window("CredentialsSuspended", 0, 1n, 9)];
      const folded = credentialStatusFromEvents({ events, leafIndex: 0 });
      expect(folded.status).to.equal("suspended");
      expect(folded.history.map((entry) => entry.event)).to.deep.equal(["suspended", "reinstated", "suspended"]);
      expect(folded.decidedBy).to.deep.include({ event: "suspended", reason: { code: 9, text: folded.decidedBy!.reason.text }, transactionHash: events[3]!.txHash });
      expect(folded.decidedBy!.at).to.equal(new Date(events[3]!.timestamp * 1000).toISOString());
    });

    it("counts a key compromise only for the key that anchored the batch, and only from its cut-off", function () {
      const anchor = anchored();
      const compromise = (account: string, compromisedFrom: number) =>
        event("AnchoringKeyCompromised", { args: { institutionId: 1, account, compromisedFrom } });
      expect(credentialStatusFromEvents({ events: [anchor, compromise(ACTOR, 1)], leafIndex: 0 }).status).to.equal("valid");
      expect(credentialStatusFromEvents({ events: [anchor, compromise(ANCHORER, anchor.timestamp + 1)], leafIndex: 0 }).status).to.equal("valid");
      expect(credentialStatusFromEvents({ events: [anchor, compromise(ANCHORER, anchor.timestamp)], leafIndex: 0 }).status).to.equal("anchoringKeyCompromised");
    });
  });
});
