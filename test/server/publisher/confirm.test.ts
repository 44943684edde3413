/**
 * server/publisher/confirm.ts: mined → anchored after the configured confirmations, and
 * the reorg rewind (→ closed and sent again, or mined again in the block that re-included it).
 */
import { expect } from "chai";

import { confirm, REORG_REASON } from "../../../server/publisher/confirm.ts";
import { reconcileSent } from "../../../server/publisher/reconcile.ts";
import { sendClosed } from "../../../server/publisher/send.ts";
import { publisherFixture, type PublisherFixture } from "../helpers/publisherFixture.ts";

describe("publisher transitions: confirm and reorg rewind (mined batches)", function () {
  let fixture: PublisherFixture;
  beforeEach(async function () {
    fixture = await publisherFixture({ confirmations: 3 });
  });
  afterEach(async function () {
    await fixture.close();
  });

  async function minedBatch() {
    const closed = await fixture.closedBatch();
    await sendClosed(fixture.context, closed);
    fixture.chain.mine();
    await reconcileSent(fixture.context, await fixture.batch(closed.id));
    const mined = await fixture.batch(closed.id);
    expect(mined.state).to.equal("mined");
    return mined;
  }

  it("stays mined until the anchoring block is `confirmations` deep, then anchored", async function () {
    const { chain, context, clock, batch } = fixture;
    const mined = await minedBatch();
    chain.mineEmpty(1);
    await confirm(context, mined, await chain.headBlockNumber()); // 2 of 3
    expect((await batch(mined.id)).state).to.equal("mined");
    chain.mineEmpty(1);
    await confirm(context, mined, await chain.headBlockNumber()); // 3 of 3
    expect(await batch(mined.id)).to.include({ state: "anchored", anchoredAt: clock.now });
  });

  it("sends the batch again (closed) when a reorg removed its anchoring transaction, and anchors it on the new branch", async function () {
    const { chain, context, batch } = fixture;
    const mined = await minedBatch();
    chain.reorg(1);
    await confirm(context, mined, await chain.headBlockNumber());
    expect(await batch(mined.id)).to.include({ state: "closed", lastError: REORG_REASON, txHash: null, blockHash: null });
    await sendClosed(context, await batch(mined.id));
    chain.mine();
    await reconcileSent(context, await batch(mined.id));
    expect((await batch(mined.id)).state).to.equal("mined");
    expect(chain.registry.has(mined.chainBatchId!)).to.equal(true);
  });

  it("records the new block when a reorg re-included the transaction elsewhere", async function () {
    const { chain, context, batch } = fixture;
    const mined = await minedBatch();
    chain.reorg(1);
    chain.mineEmpty(1); // the new branch is different from the old one
    await chain.sendRawTransaction(mined.rawTx!);
    chain.mine();
    await confirm(context, mined, await chain.headBlockNumber());
    const moved = await batch(mined.id);
    expect(moved).to.include({ state: "mined", txHash: mined.txHash, blockNumber: mined.blockNumber! + 1 });
    expect(moved.blockHash).to.not.equal(mined.blockHash);
  });
});
