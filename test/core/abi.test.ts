import { expect } from "chai";
import { readFileSync } from "node:fs";

import { renderAbiModule } from "../../scripts/generate-abi.ts";

describe("core/abi/credentialRegistryAbi.ts", () => {
  it("matches the compiled contract (regenerate with scripts/generate-abi.ts)", () => {
    // `hardhat test` compiles first, so the artifact is the current contract.
    const current = readFileSync("core/abi/credentialRegistryAbi.ts", "utf8");
    expect(current === renderAbiModule(), "core/abi is stale: run `node --import tsx scripts/generate-abi.ts`").to.equal(
      true,
    );
  });
});
