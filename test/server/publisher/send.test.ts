/**
 * server/publisher/send.ts one transition at a time, on an in-memory chain and a real
 * store: closed → sending (recorded before broadcast) → sent → mined, and the refusals
 * on the way (simulated revert, nonce taken, node refusal, batch already anchored).
 */
import { expect } from "chai";

import { retryDelayMs } from "../../../server/publisher/context.ts";
import { broadcast, recordSigned, sendClosed } from "../../../server/publisher/send.ts";
import { reconcileSent } from "../../../server/publisher/reconcile.ts";
import { CLEARED } from "../../../server/publisher/context.ts";
import { publisherFixture, rejectionOf, type PublisherFixture } from "../helpers/publisherFixture.ts";

describe("publisher transitions: send (closed → sending → sent → mined)", function () {
  let fixture: PublisherFixture;
  beforeEach(async function () {
    fixture = await publisherFixture();
  });
  afterEach(async function () {
    await fixture.close();
  });

  it("records nonce, signed transaction and its hash (sending) before anything is broadcast", async function () {
    const { chain, context, closedBatch, batch } = fixture;
    const closed = await closedBatch();
    // A crash right before the broadcast (the before-send fault point), without killing the test process.
    const crashing = { ...context, faults: { hit: (point: string) => { if (point === "before-send") throw new Error("crash"); } } };
    expect((await rejectionOf(sendClosed(crashing, closed))).message).to.equal("crash");
    const stored = await batch(closed.id);
    expect(stored.state).to.equal("sending");
    expect(stored).to.include({ nonce: 0, fromAddress: chain.sender, attempts: 1 });
    expect(chain.decode(stored.rawTx!)).to.include({ chainBatchId: closed.chainBatchId, nonce: 0 });
    expect(chain.broadcasts).to.have.length(0);
  });

  it("broadcasts the recorded transaction (sent), and records the block once it is mined", async function () {
    const { chain, context, closedBatch, batch } = fixture;
    const closed = await closedBatch();
    await sendClosed(context, closed);
    const sent = await batch(closed.id);
    expect(sent.state).to.equal("sent");
    expect(sent.sentAt).to.equal(fixture.clock.now);
    expect(chain.broadcasts).to.deep.equal([sent.rawTx]);
    expect([...chain.mempool.keys()]).to.deep.equal([sent.txHash]);

    const block = chain.mine();
    await reconcileSent(context, sent);
    const mined = await batch(closed.id);
    expect(mined).to.include({ state: "mined", blockNumber: block, txHash: sent.txHash, txIndex: 0 });
    expect(chain.registry.get(closed.chainBatchId!)).to.equal(sent.txHash);
  });

  it("leaves a batch the registry refuses in closed, with the revert as its error and a backoff, sending nothing", async function () {
    const { chain, context, closedBatch, batch } = fixture;
    chain.revertReason = "CredentialRegistryUnauthorized";
    const closed = await closedBatch();
    await sendClosed(context, closed);
    const refused = await batch(closed.id);
    expect(refused).to.include({ state: "closed", attempts: 1, lastError: "reverted: CredentialRegistryUnauthorized", txHash: null });
    expect(refused.nextAttemptAt).to.equal(fixture.clock.now + retryDelayMs(context.pollIntervalMs, 1));
    expect(chain.broadcasts).to.have.length(0);
  });

  it("adopts a batch the registry already holds instead of sending it again", async function () {
    const { chain, context, store, closedBatch, batch } = fixture;
    const closed = await closedBatch();
    await sendClosed(context, closed);
    const first = await batch(closed.id);
    chain.mine();
    // The store lost track of the transaction (as after a restore from an older backup).
    await store.transitionBatch({ id: closed.id, from: ["sent"], to: "closed", patch: CLEARED });
    await sendClosed(context, await batch(closed.id));
    const adopted = await batch(closed.id);
    expect(adopted).to.include({ state: "mined", txHash: first.txHash });
    expect(chain.broadcasts).to.have.length(1);
  });

  it("retries later, never sending twice, while the registry has the batch but its event is not visible yet", async function () {
    const { chain, context, store, closedBatch, batch } = fixture;
    const closed = await closedBatch();
    await sendClosed(context, closed);
    chain.mine();
    await store.transitionBatch({ id: closed.id, from: ["sent"], to: "closed", patch: CLEARED });
    chain.logsVisible = false;
    await sendClosed(context, await batch(closed.id));
    // The simulation says "already anchored" and there is nothing to adopt yet: retried after a backoff.
    expect(await batch(closed.id)).to.include({ state: "closed", lastError: "reverted: CredentialRegistryBatchAlreadyAnchored" });
    expect(chain.broadcasts).to.have.length(1);
  });

  it("sends a batch again (closed) when another transaction took its nonce before the broadcast", async function () {
    const { chain, context, closedBatch, batch } = fixture;
    const closed = await closedBatch();
    const sending = (await recordSigned(context, closed))!;
    chain.mineForeign(sending.nonce!);
    await broadcast(context, sending);
    const back = await batch(closed.id);
    expect(back).to.include({ state: "closed", lastError: "nonce taken by another transaction", nonce: null, rawTx: null });
    expect(back.nextAttemptAt).to.equal(null); // sent again at once, not after a backoff
  });

  it("treats a node that already has the transaction as sent", async function () {
    const { chain, context, closedBatch, batch } = fixture;
    const sending = (await recordSigned(context, await closedBatch()))!;
    await chain.sendRawTransaction(sending.rawTx!);
    await broadcast(context, sending);
    expect((await batch(sending.id)).state).to.equal("sent");
  });

  it("fails with backoff when the node refuses the transaction for another reason", async function () {
    const { context, closedBatch, batch } = fixture;
    const refusing = { ...context, chain: { ...context.chain, sendRawTransaction: async () => { throw new Error("insufficient funds for gas * price + value"); } } };
    const closed = await closedBatch();
    await sendClosed(refusing, closed);
    const failed = await batch(closed.id);
    expect(failed).to.include({ state: "closed", attempts: 1, rawTx: null });
    expect(failed.lastError).to.equal("send failed: insufficient funds for gas * price + value");
    expect(failed.nextAttemptAt).to.be.greaterThan(fixture.clock.now);
  });

  it("lets a transport failure through (the pass ends and backs off) without changing the batch", async function () {
    const { chain, context, closedBatch, batch } = fixture;
    const closed = await closedBatch();
    chain.down = true;
    expect((await rejectionOf(sendClosed(context, closed))).name).to.equal("RpcUnavailableError");
    expect((await batch(closed.id)).state).to.equal("closed");
  });
});
