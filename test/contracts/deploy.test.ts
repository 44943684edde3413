/**
 * scripts/deploy.ts and ignition/modules/CredentialRegistry.ts against the in-process network.
 * (Mirrors scripts/ and ignition/; kept under test/contracts/ with the other registry tests.)
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { network } from "hardhat";

import { parseDeploymentRecord } from "../../core/deployment.ts";
import CredentialRegistryModule from "../../ignition/modules/CredentialRegistry.js";
import { readDeploymentFile } from "../../node/deployments.ts";
import { DEFAULT_ADMIN_TRANSFER_DELAY, deploymentFileName, deployRegistries, deployRegistry, writeDeployment } from "../../scripts/deploy.js";

const { ethers, ignition, networkName } = await network.create();

describe("deployment", function () {
  let directory: string;
  beforeEach(async function () {
    directory = await mkdtemp(path.join(tmpdir(), "credanchor-deploy-"));
  });
  afterEach(async function () {
    await rm(directory, { recursive: true, force: true });
  });

  describe("scripts/deploy.ts", function () {
    it("deploys v1 and v2 with the given governance and writes one record of both that matches the chain", async function () {
      const [deployer, governance] = await ethers.getSigners();
      const { v1, v2, record } = await deployRegistries({
        ethers,
        governanceAdmin: governance!.address,
        adminTransferDelay: 600,
        actionDelay: 3600,
        massRevocationThreshold: 500,
      });
      const file = await writeDeployment({ directory, networkName, record });
      expect(path.basename(file)).to.equal("hardhat.json"); // the in-process network is "default"

      const json = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
      expect(json).to.include({ format: "credanchor-deployment-v2", chainId: Number((await ethers.provider.getNetwork()).chainId) });
      expect(Object.keys(json.registries as object)).to.deep.equal(["v1", "v2"]);
      const read = readDeploymentFile({ dir: directory, name: "hardhat" })!;
      expect(read.registries).to.deep.equal(record.registries);

      for (const [entry, contract] of [
        [read.registries.v1!, "CredentialRegistry"],
        [read.registries.v2!, "CredentialRegistryV2"],
      ] as const) {
        expect(entry.contract).to.equal(contract);
        expect(entry.deployer).to.equal(deployer!.address);
        expect(entry.compiler!.version).to.match(/^0\.8\.30\+commit\.[0-9a-f]{8}$/);
        expect(entry.compiler).to.deep.include({ optimizer: { enabled: true, runs: 10_000 }, evmVersion: "prague" });
        const receipt = await ethers.provider.getTransactionReceipt(entry.transactionHash!);
        expect(receipt!.contractAddress).to.equal(entry.address);
        expect(receipt!.blockNumber).to.equal(entry.deployBlock);
        expect(await ethers.provider.getCode(entry.address, entry.deployBlock! - 1)).to.equal("0x");
        expect(await ethers.provider.getCode(entry.address, entry.deployBlock!)).to.not.equal("0x");
        expect(entry).to.deep.include({ governanceAdmin: governance!.address, adminTransferDelay: 600 });
      }
      expect(read.registries.v2).to.deep.include({ actionDelay: 3600, massRevocationThreshold: 500 });

      expect(await v1.registry.defaultAdmin()).to.equal(governance!.address);
      expect(await v1.registry.hasRole(await v1.registry.GOVERNOR_ROLE(), governance!.address)).to.equal(true);
      expect(await v1.registry.defaultAdminDelay()).to.equal(600n);
      expect(await v2.registry.defaultAdmin()).to.equal(governance!.address);
      expect(await v2.registry.REGISTRY_VERSION()).to.equal(2n);
      expect(await v2.registry.actionDelay()).to.equal(3600n);
      expect(await v2.registry.massRevocationThreshold()).to.equal(500n);
    });

    it("defaults the governance admin to the deployer and the delay to three days", async function () {
      const [deployer] = await ethers.getSigners();
      const { registry, deployment } = await deployRegistry({ ethers });
      expect(await registry.defaultAdmin()).to.equal(deployer!.address);
      expect(await registry.defaultAdminDelay()).to.equal(DEFAULT_ADMIN_TRANSFER_DELAY);
      expect(deployment.adminTransferDelay).to.equal(259_200);
    });

    it("names the record after the network", function () {
      expect(deploymentFileName("localhost")).to.equal("localhost.json");
      expect(deploymentFileName("sepolia")).to.equal("sepolia.json");
      expect(deploymentFileName("default")).to.equal("hardhat.json");
    });

    it("writes a record every reader parses back unchanged", async function () {
      const { record } = await deployRegistries({ ethers });
      const file = await writeDeployment({ directory, networkName: "localhost", record });
      expect(parseDeploymentRecord({ json: JSON.parse(await readFile(file, "utf8")) })).to.deep.equal(record);
    });
  });

  describe("ignition/modules/CredentialRegistry.ts", function () {
    it("deploys v1 and v2 with the module parameters", async function () {
      const [, governance] = await ethers.getSigners();
      const { registry, registryV2 } = await ignition.deploy(CredentialRegistryModule, {
        parameters: { CredentialRegistryModule: { governanceAdmin: governance!.address, adminTransferDelay: 42, actionDelay: 7, massRevocationThreshold: 9 } },
      });
      expect(await registry.getFunction("defaultAdmin")()).to.equal(governance!.address);
      expect(await registry.getFunction("defaultAdminDelay")()).to.equal(42n);
      expect(await registryV2.getFunction("defaultAdmin")()).to.equal(governance!.address);
      expect(await registryV2.getFunction("actionDelay")()).to.equal(7n);
      expect(await registryV2.getFunction("massRevocationThreshold")()).to.equal(9n);
    });

    it("defaults to the first account and a three-day delay", async function () {
      const [deployer] = await ethers.getSigners();
      const { registry } = await ignition.deploy(CredentialRegistryModule);
      expect(await registry.getFunction("defaultAdmin")()).to.equal(deployer!.address);
      expect(await registry.getFunction("defaultAdminDelay")()).to.equal(DEFAULT_ADMIN_TRANSFER_DELAY);
    });
  });
});
