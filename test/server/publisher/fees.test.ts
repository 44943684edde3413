/** server/publisher/fees.ts: the fees of a replacement transaction. */
import { expect } from "chai";

import { replacementFees } from "../../../server/publisher/fees.ts";

describe("publisher: replacement fees", function () {
  it("raises both fees of the stuck transaction by 25% (plus one wei)", function () {
    expect(replacementFees({ stuck: { maxFeePerGas: 1_000n, maxPriorityFeePerGas: 100n }, estimate: {} })).to.deep.equal({
      maxFeePerGas: 1_251n,
      maxPriorityFeePerGas: 126n,
    });
  });

  it("takes the node's estimate when the market rose past the bump", function () {
    expect(
      replacementFees({ stuck: { maxFeePerGas: 1_000n, maxPriorityFeePerGas: 100n }, estimate: { maxFeePerGas: 5_000n, maxPriorityFeePerGas: 300n } }),
    ).to.deep.equal({ maxFeePerGas: 5_000n, maxPriorityFeePerGas: 300n });
  });

  it("never gives a max fee below the tip", function () {
    const fees = replacementFees({ stuck: { maxFeePerGas: 10n, maxPriorityFeePerGas: 10n }, estimate: { maxPriorityFeePerGas: 500n } });
    expect(fees.maxFeePerGas).to.equal(500n);
    expect(fees.maxPriorityFeePerGas).to.equal(500n);
  });
});
