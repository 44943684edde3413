import { expect } from "chai";

import { eventually } from "./helpers/chain.ts";
import { sampleCredential } from "./helpers/credentials.ts";
import { startFixture, type Fixture } from "./helpers/fixture.ts";

describe("batching: by size, by time, on demand", function () {
  let bySize: Fixture;
  let byTime: Fixture;

  before(async function () {
    bySize = await startFixture({ secondInstitution: false, env: { CREDANCHOR_BATCH_MAX_SIZE: "3", CREDANCHOR_BATCH_MAX_WAIT_MS: "600000" } });
    byTime = await startFixture({
      node: bySize.node,
      anchorerIndex: 6,
      revokerIndex: 7,
      secondInstitution: false,
      env: { CREDANCHOR_BATCH_MAX_SIZE: "1000", CREDANCHOR_BATCH_MAX_WAIT_MS: "400" },
    });
  });
  after(async function () {
    await byTime?.stop();
    await bySize?.stop();
  });

  const batches = async (fixture: Fixture) => (await fixture.request("GET", "/v1/batches")).body.batches as any[];

  it("spills into a new batch when one reaches maxSize, and anchors full batches without waiting", async function () {
    const { body } = await bySize.request("POST", "/v1/credentials", {
      body: { credentials: Array.from({ length: 7 }, (_, i) => sampleCredential({ n: i })) },
    });
    expect(body.credentials.map((c: any) => [c.batch, c.leafIndex])).to.deep.equal([
      [1, 0], [1, 1], [1, 2], [2, 0], [2, 1], [2, 2], [3, 0],
    ]);
    const anchored = await eventually(async () => {
      const list = await batches(bySize);
      const states = Object.fromEntries(list.map((b) => [b.id, b.state]));
      return states[1] === "anchored" && states[2] === "anchored" ? list : undefined;
    });
    expect(anchored.find((b) => b.id === 3)).to.include({ state: "open", size: 1 });
    expect(anchored.find((b) => b.id === 1)).to.include({ size: 3 });
  });

  it("closes a partly filled batch on demand, and answers 200 when there is nothing to close", async function () {
    const close = await bySize.request("POST", "/v1/batches/close");
    expect(close.status).to.equal(202);
    expect(close.body.batch).to.include({ id: 3, size: 1 });
    await eventually(async () => ((await batches(bySize)).find((b) => b.id === 3)?.state === "anchored" ? true : undefined));
    const nothing = await bySize.request("POST", "/v1/batches/close");
    expect(nothing.status).to.equal(200);
    expect(nothing.body).to.include({ closed: false });
  });

  it("closes a batch once its oldest credential has waited maxWaitMs", async function () {
    const started = Date.now();
    await byTime.request("POST", "/v1/credentials", { body: sampleCredential({ n: 1 }) });
    await new Promise((resolve) => setTimeout(resolve, 150));
    await byTime.request("POST", "/v1/credentials", { body: sampleCredential({ n: 2 }) });
    const batch = await eventually(async () => {
      const [first] = await batches(byTime);
      return first?.state === "anchored" ? first : undefined;
    }, 10_000);
    expect(batch.size).to.equal(2);
    expect(Date.parse(batch.closedAt) - started).to.be.at.least(380);
    const next = await byTime.request("POST", "/v1/credentials", { body: sampleCredential({ n: 3 }) });
    expect(next.body.batch).to.equal(batch.id + 1);
  });
});
