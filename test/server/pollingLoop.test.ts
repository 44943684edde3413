/** server/pollingLoop.ts: the loop the publisher and the registry index run in. */
import { expect } from "chai";

import { createPollingLoop } from "../../server/pollingLoop.ts";

describe("polling loop", function () {
  it("doubles the wait after each failed pass, up to the cap", async function () {
    const waits: number[] = [];
    let passes = 0;
    let finished!: () => void;
    const done = new Promise<void>((resolve) => (finished = resolve));
    const loop = createPollingLoop({
      pollIntervalMs: 1,
      maxBackoffMs: 8,
      async pass() {
        passes++;
        if (passes === 7) finished();
        if (passes <= 5) throw new Error(`pass ${passes} failed`);
      },
      onError: (_error, retryInMs) => waits.push(retryInMs),
    });
    loop.start();
    await done;
    await loop.stop();
    expect(waits).to.deep.equal([2, 4, 8, 8, 8]);
  });

  it("runs the next pass at once when kicked, instead of waiting the interval", async function () {
    let passes = 0;
    let second!: () => void;
    const secondPass = new Promise<void>((resolve) => (second = resolve));
    const loop = createPollingLoop({
      pollIntervalMs: 3_600_000, // an hour: only a kick can start the second pass within the test's timeout
      async pass() {
        passes++;
        if (passes === 2) second();
      },
      onError: () => undefined,
    });
    loop.start();
    while (passes < 1) await new Promise((resolve) => setImmediate(resolve));
    loop.kick();
    await secondPass;
    await loop.stop();
    expect(passes).to.equal(2);
  });

  it("stops without waiting out the interval", async function () {
    let passes = 0;
    const loop = createPollingLoop({ pollIntervalMs: 3_600_000, pass: async () => void passes++, onError: () => undefined });
    loop.start();
    while (passes < 1) await new Promise((resolve) => setImmediate(resolve));
    await loop.stop(); // resolves now, not in an hour
    expect(passes).to.equal(1);
  });
});
