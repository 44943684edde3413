/**
 * server/publisher/pass.ts through createPublisherOn: one pass moves every batch in
 * flight in the right order, and the health /readyz reports follows outages.
 */
import { expect } from "chai";

import { createPublisherOn } from "../../../server/publisher.ts";
import { recordSigned } from "../../../server/publisher/send.ts";
import { publisherFixture, rejectionOf, type PublisherFixture } from "../helpers/publisherFixture.ts";

describe("publisher: a pass over the batches in flight", function () {
  let fixture: PublisherFixture;
  beforeEach(async function () {
    fixture = await publisherFixture();
  });
  afterEach(async function () {
    await fixture.close();
  });

  const publisherOf = (f: PublisherFixture) =>
    createPublisherOn({ store: f.store, anchorChain: f.chain, confirmations: 1, pollIntervalMs: 100, now: () => f.clock.now });

  it("takes a closed batch to anchored over two passes with one confirmation (send, then receipt and confirmation)", async function () {
    const publisher = publisherOf(fixture);
    const closed = await fixture.closedBatch();
    await publisher.tick();
    expect((await fixture.batch(closed.id)).state).to.equal("sent");
    fixture.chain.mine();
    await publisher.tick();
    expect((await fixture.batch(closed.id)).state).to.equal("anchored");
    expect(publisher.health()).to.include({ rpcUp: true, lastError: undefined });
  });

  it("after a restart with a batch left in sending, broadcasts it with its recorded nonce and gives a new batch the next one", async function () {
    const publisher = publisherOf(fixture);
    const leftOver = (await recordSigned(fixture.context, await fixture.closedBatch()))!;
    const fresh = await fixture.closedBatch();
    await publisher.tick();
    expect(await fixture.batch(leftOver.id)).to.include({ state: "sent", nonce: 0, txHash: leftOver.txHash });
    expect(await fixture.batch(fresh.id)).to.include({ state: "sent", nonce: 1 });
  });

  it("reports the RPC down when a pass cannot reach it, and clears the error after a pass that succeeds", async function () {
    const publisher = publisherOf(fixture);
    await publisher.tick();
    fixture.chain.down = true;
    const error = await rejectionOf(publisher.tick());
    expect(error.name).to.equal("RpcUnavailableError");
    expect(publisher.health().rpcUp).to.equal(false);
    expect(publisher.health().lastError).to.match(/unavailable/);
    fixture.chain.down = false;
    await publisher.tick();
    expect(publisher.health()).to.include({ rpcUp: true, lastError: undefined });
  });

  it("keeps the error of a failing batch in the health until a pass runs clean", async function () {
    const failing = { ...fixture.chain, signAnchor: async () => { throw new Error("signer unavailable"); } };
    const publisher = createPublisherOn({ store: fixture.store, anchorChain: failing, confirmations: 1, pollIntervalMs: 100, now: () => fixture.clock.now });
    const closed = await fixture.closedBatch();
    await publisher.tick();
    expect(publisher.health()).to.include({ rpcUp: true, lastError: "signer unavailable" });
    expect((await fixture.batch(closed.id)).state).to.equal("closed");
    await publisherOf(fixture).tick(); // the same store with a working signer
    expect((await fixture.batch(closed.id)).state).to.equal("sent");
  });
});
