import { createRequire } from "node:module";

import hardhatToolboxMochaEthers from "@nomicfoundation/hardhat-toolbox-mocha-ethers";
import { defineConfig } from "hardhat/config";

const require = createRequire(import.meta.url);

/**
 * The compiler comes from the exactly pinned `solc` npm package (soljson.js), so
 * builds work offline and every machine compiles with the same bytes. The version
 * string must equal the package's version; contracts pin it with `pragma`.
 */
const SOLC_VERSION = "0.8.30";

export default defineConfig({
  plugins: [hardhatToolboxMochaEthers],
  solidity: {
    version: SOLC_VERSION,
    path: require.resolve("solc/soljson.js"),
    settings: {
      optimizer: { enabled: true, runs: 10_000 },
      evmVersion: "prague",
    },
  },
  networks: {
    localhost: {
      type: "http",
      chainType: "l1",
      url: process.env.CREDANCHOR_RPC_URL ?? "http://127.0.0.1:8545",
    },
  },
  test: {
    solidity: {
      fuzz: { runs: Number(process.env.FUZZ_RUNS ?? 256) },
      fsPermissions: { readFile: ["test/vectors/merkle-v1.json"] },
    },
    mocha: { timeout: 120_000 },
  },
});
