/**
 * server/publisher/nonces.ts: the next nonce after a restart, when the store knows of a
 * signed transaction the node never saw, and when the node is ahead of the store.
 */
import { expect } from "chai";
import { join } from "node:path";

import { nextNonce } from "../../../server/publisher/nonces.ts";
import { recordSigned } from "../../../server/publisher/send.ts";
import { publisherFixture } from "../helpers/publisherFixture.ts";
import { tempDir } from "../helpers/processes.ts";

describe("publisher transitions: nonces", function () {
  it("after a restart, gives a new transaction a nonce past one recorded but never broadcast", async function () {
    const path = join(tempDir("credanchor-nonces-"), "publisher.db");
    const before = await publisherFixture({ path });
    const recorded = (await recordSigned(before.context, await before.closedBatch()))!;
    expect(recorded.nonce).to.equal(0);
    await before.close(); // the process dies between recording and broadcasting

    const after = await publisherFixture({ path });
    try {
      expect(await after.chain.transactionCount("pending")).to.equal(0); // the node never saw it
      expect(await nextNonce(after.context)).to.equal(1);
      const second = (await recordSigned(after.context, await after.closedBatch()))!;
      expect(second.nonce).to.equal(1);
    } finally {
      await after.close();
    }
  });

  it("follows the node's pending count when it is ahead (the key sent transactions elsewhere)", async function () {
    const fixture = await publisherFixture();
    try {
      fixture.chain.mineForeign(0);
      fixture.chain.mineForeign(1);
      expect(await nextNonce(fixture.context)).to.equal(2);
    } finally {
      await fixture.close();
    }
  });
});
