import { expect } from "chai";

import { ServiceError } from "../../server/errors.ts";
import { createGroupedCalls } from "../../server/groupedCalls.ts";

/** The next turn of the event loop (after the groups scheduled in this one ran). */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe("grouped calls (groupedCalls.ts)", function () {
  it("answers calls made in the same turn with one bulk call, each caller its own output", async function () {
    const groups: number[][] = [];
    const double = createGroupedCalls({ run: async (inputs: number[]) => (groups.push(inputs), inputs.map((n) => n * 2)) });
    const outputs = await Promise.all([1, 2, 3, 2].map(double));
    expect(outputs).to.deep.equal([2, 4, 6, 4]);
    expect(groups).to.deep.equal([[1, 2, 3, 2]]);
  });

  it("starts a new group for calls of a later turn", async function () {
    const groups: string[][] = [];
    const echo = createGroupedCalls({ run: async (inputs: string[]) => (groups.push(inputs), inputs) });
    const first = echo("a");
    await nextTurn();
    const second = echo("b");
    expect(await Promise.all([first, second])).to.deep.equal(["a", "b"]);
    expect(groups).to.deep.equal([["a"], ["b"]]);
  });

  it("splits a crowd into groups of at most maxGroup, in arrival order, and answers every call", async function () {
    const groups: number[][] = [];
    const identity = createGroupedCalls({ maxGroup: 3, run: async (inputs: number[]) => (groups.push(inputs), inputs) });
    const inputs = Array.from({ length: 8 }, (_, i) => i);
    expect(await Promise.all(inputs.map(identity))).to.deep.equal(inputs);
    expect(groups).to.deep.equal([[0, 1, 2], [3, 4, 5], [6, 7]]);
  });

  it("rejects every caller of a failed group with its error, and only that group's", async function () {
    const failure = new Error("database down");
    let calls = 0;
    const flaky = createGroupedCalls({
      maxGroup: 2,
      run: async (inputs: number[]) => {
        if (calls++ === 0) throw failure;
        return inputs;
      },
    });
    const results = await Promise.allSettled([1, 2, 3].map(flaky));
    expect(results.map((result) => result.status)).to.deep.equal(["rejected", "rejected", "fulfilled"]);
    expect((results[0] as PromiseRejectedResult).reason).to.equal(failure);
    expect((results[1] as PromiseRejectedResult).reason).to.equal(failure);
    expect((results[2] as PromiseFulfilledResult<number>).value).to.equal(3);
  });

  it("rejects the callers when the bulk function throws before its first await", async function () {
    const failure = new Error("thrown synchronously");
    const broken = createGroupedCalls<number, number>({
      run: () => {
        throw failure;
      },
    });
    const results = await Promise.allSettled([broken(1), broken(2)]);
    expect(results.every((result) => result.status === "rejected" && result.reason === failure)).to.equal(true);
  });

  it("rejects the group with CA_INTERNAL when the bulk function answers the wrong number of outputs", async function () {
    const short = createGroupedCalls({ run: async (inputs: number[]) => inputs.slice(1) });
    const results = await Promise.allSettled([short(1), short(2)]);
    for (const result of results) {
      expect(result.status).to.equal("rejected");
      expect((result as PromiseRejectedResult).reason).to.be.instanceOf(ServiceError).with.property("code", "CA_INTERNAL");
    }
  });
});
