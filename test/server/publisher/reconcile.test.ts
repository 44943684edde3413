/**
 * server/publisher/reconcile.ts one transition at a time: batches found `sending` or
 * `sent` (after a crash, a dropped transaction, a stuck one).
 */
import { expect } from "chai";
import type { Hex } from "viem";

import { reconcileSending, reconcileSent } from "../../../server/publisher/reconcile.ts";
import { recordSigned, sendClosed } from "../../../server/publisher/send.ts";
import { publisherFixture, type PublisherFixture } from "../helpers/publisherFixture.ts";

describe("publisher transitions: reconcile (sending and sent batches)", function () {
  let fixture: PublisherFixture;
  beforeEach(async function () {
    fixture = await publisherFixture({ resendAfterMs: 60_000 });
  });
  afterEach(async function () {
    await fixture.close();
  });

  async function sentBatch() {
    const closed = await fixture.closedBatch();
    await sendClosed(fixture.context, closed);
    return fixture.batch(closed.id);
  }

  it("rebroadcasts a batch recorded as sending (crash before the broadcast) byte for byte, then it is sent", async function () {
    const { chain, context, closedBatch, batch } = fixture;
    const sending = (await recordSigned(context, await closedBatch()))!;
    await reconcileSending(context, await batch(sending.id));
    expect(chain.broadcasts).to.deep.equal([sending.rawTx]);
    expect(await batch(sending.id)).to.include({ state: "sent", txHash: sending.txHash, nonce: 0 });
  });

  it("records the receipt of a sending batch whose transaction was mined before the crash, sending nothing new", async function () {
    const { chain, context, closedBatch, batch } = fixture;
    const sending = (await recordSigned(context, await closedBatch()))!;
    await chain.sendRawTransaction(sending.rawTx!);
    chain.mine();
    await reconcileSending(context, await batch(sending.id));
    expect(await batch(sending.id)).to.include({ state: "mined", txHash: sending.txHash });
    expect(chain.broadcasts).to.have.length(1);
  });

  it("rebroadcasts a sent transaction the node dropped while its nonce is still free", async function () {
    const { chain, context, batch } = fixture;
    const sent = await sentBatch();
    chain.drop(sent.txHash!);
    await reconcileSent(context, sent);
    expect([...chain.mempool.keys()]).to.deep.equal([sent.txHash]);
    expect((await batch(sent.id)).state).to.equal("sent");
  });

  it("sends anew, with the next nonce, a dropped transaction whose nonce another transaction used", async function () {
    const { chain, context, batch } = fixture;
    const sent = await sentBatch();
    chain.drop(sent.txHash!);
    chain.mineForeign(sent.nonce!);
    await reconcileSent(context, sent);
    expect(await batch(sent.id)).to.include({ state: "closed", lastError: "dropped or replaced", txHash: null });
    await sendClosed(context, await batch(sent.id));
    expect(await batch(sent.id)).to.include({ state: "sent", nonce: sent.nonce! + 1 });
  });

  it("leaves a pending transaction alone until resendAfterMs has passed", async function () {
    const { chain, context, clock, batch } = fixture;
    const sent = await sentBatch();
    clock.now += 59_000;
    await reconcileSent(context, sent);
    expect((await batch(sent.id)).txHash).to.equal(sent.txHash);
    expect(chain.broadcasts).to.have.length(1);
  });

  it("replaces a transaction stuck past resendAfterMs: same nonce, both fees raised by more than the 10% nodes require", async function () {
    const { chain, context, clock, batch } = fixture;
    const sent = await sentBatch();
    clock.now += 61_000;
    await reconcileSent(context, sent);
    const replaced = await batch(sent.id);
    expect(replaced.state).to.equal("sent");
    expect(replaced.txHash).to.not.equal(sent.txHash);
    expect(replaced.nonce).to.equal(sent.nonce);
    const before = chain.decode(sent.rawTx!);
    const after = chain.decode(replaced.rawTx!);
    expect(BigInt(after.maxFeePerGas) * 100n).to.be.greaterThanOrEqual(BigInt(before.maxFeePerGas) * 125n);
    expect(BigInt(after.maxPriorityFeePerGas) * 100n).to.be.greaterThanOrEqual(BigInt(before.maxPriorityFeePerGas) * 125n);
    // The node took the replacement in place of the stuck one.
    expect([...chain.mempool.keys()]).to.deep.equal([replaced.txHash]);
    chain.mine();
    await reconcileSent(context, replaced);
    expect(await batch(sent.id)).to.include({ state: "mined", txHash: replaced.txHash });
  });

  it("adopts the stuck transaction when it, not its replacement, gets mined", async function () {
    const { chain, context, clock, batch } = fixture;
    const sent = await sentBatch();
    clock.now += 61_000;
    await reconcileSent(context, sent);
    const replaced = await batch(sent.id);
    // A miner that still had the old one includes it instead.
    chain.drop(replaced.txHash!);
    await chain.sendRawTransaction(sent.rawTx!);
    chain.mine();
    await reconcileSent(context, replaced);
    expect(await batch(sent.id)).to.include({ state: "mined", txHash: sent.txHash as Hex });
  });
});
