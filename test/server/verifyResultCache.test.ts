/**
 * The public verify result cache (server/verifyResultCache.ts): a report is reused for
 * the same bytes and options only, while fresh; failures and "error" reports never are.
 * Freshness is driven by the ttl given (0 = never fresh, an hour = always), not by sleeps.
 */
import { expect } from "chai";

import { createVerifyResultCache } from "../../server/verifyResultCache.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

describe("verify result cache", function () {
  it("computes once for the same bytes and variant while fresh, sharing a computation in flight", async function () {
    const cached = createVerifyResultCache({ ttlMs: 3_600_000 });
    let computed = 0;
    const compute = async () => ({ status: "valid", n: ++computed });
    const [a, b] = await Promise.all([cached({ body: bytes("{}"), variant: "report", compute }), cached({ body: bytes("{}"), variant: "report", compute })]);
    const c = await cached({ body: bytes("{}"), variant: "report", compute });
    expect([a.n, b.n, c.n]).to.deep.equal([1, 1, 1]);
  });

  it("computes again for other bytes, another variant, or once the ttl has passed", async function () {
    const fresh = createVerifyResultCache({ ttlMs: 3_600_000 });
    let computed = 0;
    const compute = async () => ({ status: "valid", n: ++computed });
    await fresh({ body: bytes('{"a":1}'), variant: "report", compute });
    expect((await fresh({ body: bytes('{"a":2}'), variant: "report", compute })).n).to.equal(2);
    expect((await fresh({ body: bytes('{"a":1}'), variant: "history", compute })).n).to.equal(3);
    const stale = createVerifyResultCache({ ttlMs: 0 });
    await stale({ body: bytes("{}"), variant: "report", compute });
    expect((await stale({ body: bytes("{}"), variant: "report", compute })).n).to.equal(5);
  });

  it("keeps neither a report that could not read the chain nor a failure", async function () {
    const cached = createVerifyResultCache({ ttlMs: 3_600_000 });
    let computed = 0;
    const unreachable = async () => ({ status: "error", n: ++computed });
    await cached({ body: bytes("{}"), variant: "report", compute: unreachable });
    expect((await cached({ body: bytes("{}"), variant: "report", compute: unreachable })).n).to.equal(2);
    const failing = async (): Promise<{ status: string; n: number }> => {
      computed++;
      throw new Error("RPC down");
    };
    await cached({ body: bytes("[]"), variant: "report", compute: failing }).catch(() => undefined);
    const after = await cached({ body: bytes("[]"), variant: "report", compute: async () => ({ status: "valid", n: ++computed }) });
    expect(after.n).to.equal(4);
  });
});
