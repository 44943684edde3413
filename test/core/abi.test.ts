import { expect } from "chai";
import { readFileSync } from "node:fs";

import { abiModules, renderAbiModule } from "../../scripts/generate-abi.ts";

describe("core/abi", () => {
  for (const module of abiModules) {
    it(`${module.out} matches the compiled ${module.contract} (regenerate with scripts/generate-abi.ts)`, () => {
      // `hardhat test` compiles first, so the artifact is the current contract.
      const current = readFileSync(module.out, "utf8");
      expect(current === renderAbiModule(module), `${module.out} is stale: run \`node --import tsx scripts/generate-abi.ts\``).to.equal(
        true,
      );
    });
  }
});
