/**
 * scripts/deploy.ts and ignition/modules/CredentialRegistry.ts against the in-process network.
 * (Mirrors scripts/ and ignition/; kept under test/contracts/ with the other registry tests.)
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";
import { network } from "hardhat";

import CredentialRegistryModule from "../../ignition/modules/CredentialRegistry.js";
import {
  DEFAULT_ADMIN_TRANSFER_DELAY,
  deploymentFileName,
  deployRegistry,
  writeDeployment,
  type DeploymentRecord,
} from "../../scripts/deploy.js";

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
    it("deploys with the given governance and writes a record that matches the chain", async function () {
      const [deployer, governance] = await ethers.getSigners();
      const { registry, deployment } = await deployRegistry({
        ethers,
        governanceAdmin: governance!.address,
        adminTransferDelay: 600,
      });
      const file = await writeDeployment({ directory, networkName, deployment });
      expect(path.basename(file)).to.equal("hardhat.json"); // the in-process network is "default"

      const record = JSON.parse(await readFile(file, "utf8")) as DeploymentRecord;
      expect(record).to.deep.equal(deployment);
      expect(Object.keys(record)).to.include.members([
        "chainId",
        "address",
        "deployBlock",
        "transactionHash",
        "deployer",
        "contract",
        "compiler",
      ]);
      expect(record.chainId).to.be.a("number").and.equal(Number((await ethers.provider.getNetwork()).chainId));
      expect(record.contract).to.equal("CredentialRegistry");
      expect(record.deployer).to.equal(deployer!.address);
      expect(record.compiler.version).to.match(/^0\.8\.30\+commit\.[0-9a-f]{8}$/);
      expect(record.compiler).to.deep.include({ optimizer: { enabled: true, runs: 10_000 }, evmVersion: "prague" });

      const receipt = await ethers.provider.getTransactionReceipt(record.transactionHash);
      expect(receipt!.contractAddress).to.equal(record.address);
      expect(receipt!.blockNumber).to.equal(record.deployBlock);
      expect(await ethers.provider.getCode(record.address, record.deployBlock - 1)).to.equal("0x");
      expect(await ethers.provider.getCode(record.address, record.deployBlock)).to.not.equal("0x");

      expect(await registry.defaultAdmin()).to.equal(governance!.address);
      expect(await registry.hasRole(await registry.GOVERNOR_ROLE(), governance!.address)).to.equal(true);
      expect(await registry.defaultAdminDelay()).to.equal(600n);
      expect(record).to.deep.include({ governanceAdmin: governance!.address, adminTransferDelay: 600 });
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
  });

  describe("ignition/modules/CredentialRegistry.ts", function () {
    it("deploys with the module parameters", async function () {
      const [, governance] = await ethers.getSigners();
      const { registry } = await ignition.deploy(CredentialRegistryModule, {
        parameters: { CredentialRegistryModule: { governanceAdmin: governance!.address, adminTransferDelay: 42 } },
      });
      expect(await registry.getFunction("defaultAdmin")()).to.equal(governance!.address);
      expect(await registry.getFunction("defaultAdminDelay")()).to.equal(42n);
    });

    it("defaults to the first account and a three-day delay", async function () {
      const [deployer] = await ethers.getSigners();
      const { registry } = await ignition.deploy(CredentialRegistryModule);
      expect(await registry.getFunction("defaultAdmin")()).to.equal(deployer!.address);
      expect(await registry.getFunction("defaultAdminDelay")()).to.equal(DEFAULT_ADMIN_TRANSFER_DELAY);
    });
  });
});
