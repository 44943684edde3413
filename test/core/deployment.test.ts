/**
 * core/deployment.ts: the one definition of deployments/<network>.json. Records of the
 * shapes older versions wrote (scripts/deploy.ts, `credanchor deploy`, dev mode) still read
 * as a v1 registry; the current format names v1 and v2.
 */
import { expect } from "chai";

import {
  CredanchorError,
  anchoringRegistryOf,
  formatDeploymentRecord,
  parseDeploymentRecord,
  registriesOf,
  withRegistry,
} from "../../core/index.ts";

const V1 = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const V2 = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
const TX = `0x${"ab".repeat(32)}`;

describe("core/deployment", function () {
  describe("reads the shapes older versions wrote as a v1 registry", function () {
    it("scripts/deploy.ts and `credanchor deploy`: { chainId, address, deployBlock, transactionHash }", function () {
      const record = parseDeploymentRecord({
        json: { chainId: 31337, address: V1, deployBlock: 1, transactionHash: TX, deployer: V1, contract: "CredentialRegistry", governanceAdmin: V1, adminTransferDelay: 259200 },
      });
      expect(record).to.deep.equal({
        chainId: 31337,
        registries: { v1: { version: 1, contract: "CredentialRegistry", address: V1, deployBlock: 1, transactionHash: TX, deployer: V1, governanceAdmin: V1, adminTransferDelay: 259200 } },
      });
      expect(record!.registries.v2).to.equal(undefined);
    });

    it("dev mode: { registry, CredentialRegistry: { address, blockNumber, transactionHash, deployer } }", function () {
      const record = parseDeploymentRecord({
        json: { network: "localhost", chainId: 31337, registry: V1, CredentialRegistry: { address: V1, deployer: V1, transactionHash: TX, blockNumber: 3 }, writtenBy: "credanchor service (dev mode)" },
      });
      expect(record!.registries.v1).to.deep.include({ address: V1, deployBlock: 3, transactionHash: TX, deployer: V1 });
      expect(record!.writtenBy).to.equal("credanchor service (dev mode)");
    });

    it("`contracts.CredentialRegistry.address` and `registry.address`", function () {
      expect(parseDeploymentRecord({ json: { chainId: 5, contracts: { CredentialRegistry: { address: V1 } } } })!.registries.v1!.address).to.equal(V1);
      expect(parseDeploymentRecord({ json: { chainId: 5, registry: { address: V1 } } })!.registries.v1!.address).to.equal(V1);
    });
  });

  it("is not a record without a chain id or an address (another tool's file is skipped, not an error)", function () {
    expect(parseDeploymentRecord({ json: { address: V1 } })).to.equal(undefined);
    expect(parseDeploymentRecord({ json: { chainId: 1 } })).to.equal(undefined);
    expect(parseDeploymentRecord({ json: [] })).to.equal(undefined);
    expect(parseDeploymentRecord({ json: { "CredentialRegistryModule#CredentialRegistry": V1 } })).to.equal(undefined);
  });

  it("names the wrong field of a current-format record (CA_DEPLOYMENT_RECORD_INVALID)", function () {
    const attempt = (json: unknown) => {
      try {
        parseDeploymentRecord({ json });
      } catch (error) {
        return error as CredanchorError;
      }
      throw new Error("no error");
    };
    const badAddress = attempt({ format: "credanchor-deployment-v2", chainId: 1, registries: { v2: { address: "0x12" } } });
    expect(badAddress.code).to.equal("CA_DEPLOYMENT_RECORD_INVALID");
    expect(badAddress.details).to.deep.equal([{ path: "$.registries.v2.address", message: "is not a 20-byte 0x address", expected: "0x followed by 40 hex digits" }]);
    expect(attempt({ format: "credanchor-deployment-v2", chainId: "1", registries: { v1: { address: V1 } } }).details).to.deep.include({ path: "$.chainId", message: "is not a positive integer", expected: "JSON number, e.g. 31337" });
    expect(attempt({ format: "credanchor-deployment-v2", chainId: 1, registries: {} }).message).to.include("$.registries names no registry");
    expect(attempt({ format: "credanchor-deployment-v2", chainId: 1, registries: { v1: { address: V1, deployBlock: -1 } } }).details).to.deep.include({ path: "$.registries.v1.deployBlock", message: "is not a non-negative integer", expected: "JSON number" });
  });

  it("writes both versions and reads them back unchanged; new anchoring goes to v2, verifiers trust both", function () {
    const v1Only = parseDeploymentRecord({ json: { chainId: 31337, address: V1, deployBlock: 1 } })!;
    expect(anchoringRegistryOf({ record: v1Only })!.address).to.equal(V1);
    const both = withRegistry({ record: v1Only, chainId: 31337, registry: { version: 2, contract: "CredentialRegistryV2", address: V2, deployBlock: 2, actionDelay: 172800 } });
    const json = JSON.parse(JSON.stringify(formatDeploymentRecord({ record: both })));
    expect(json).to.deep.equal({
      format: "credanchor-deployment-v2",
      chainId: 31337,
      registries: {
        v1: { contract: "CredentialRegistry", address: V1, deployBlock: 1 },
        v2: { contract: "CredentialRegistryV2", address: V2, deployBlock: 2, actionDelay: 172800 },
      },
    });
    const read = parseDeploymentRecord({ json })!;
    expect(read).to.deep.equal(both);
    expect(anchoringRegistryOf({ record: read })!.address).to.equal(V2);
    expect(registriesOf({ record: read }).map((entry) => [entry.version, entry.address])).to.deep.equal([[1, V1], [2, V2]]);
  });

  it("replaces, not merges, a record of another chain", function () {
    const other = parseDeploymentRecord({ json: { chainId: 1, address: V1 } })!;
    const next = withRegistry({ record: other, chainId: 31337, registry: { version: 2, contract: "CredentialRegistryV2", address: V2 } });
    expect(registriesOf({ record: next }).map((entry) => entry.address)).to.deep.equal([V2]);
  });
});
