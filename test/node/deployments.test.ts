/**
 * node/deployments.ts: the one reader and writer of deployments/<name>.json files.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expect } from "chai";

import { CredanchorError } from "../../core/index.ts";
import { readDeploymentFile, readDeploymentFiles, recordRegistry } from "../../node/deployments.ts";

const V1 = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const V2 = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";

describe("node/deployments", function () {
  let dir: string;
  beforeEach(function () {
    dir = mkdtempSync(join(tmpdir(), "credanchor-deployments-"));
  });
  afterEach(function () {
    rmSync(dir, { recursive: true, force: true });
  });

  it("adds v2 beside the v1 an older version recorded, keeping v1's entry", function () {
    writeFileSync(join(dir, "localhost.json"), JSON.stringify({ chainId: 31337, address: V1, deployBlock: 1, transactionHash: "0x01" }));
    recordRegistry({ dir, name: "localhost", chainId: 31337, registry: { version: 2, contract: "CredentialRegistryV2", address: V2, deployBlock: 9 } });
    const json = JSON.parse(readFileSync(join(dir, "localhost.json"), "utf8"));
    expect(json.registries.v1).to.deep.equal({ contract: "CredentialRegistry", address: V1, deployBlock: 1, transactionHash: "0x01" });
    expect(json.registries.v2).to.deep.equal({ contract: "CredentialRegistryV2", address: V2, deployBlock: 9 });
    expect(readDeploymentFile({ dir, name: "localhost" })!.registries.v2!.address).to.equal(V2);
  });

  it("a folder scan skips other tools' files and broken ones; a named broken file is an error", function () {
    writeFileSync(join(dir, "localhost.json"), JSON.stringify({ chainId: 31337, address: V1 }));
    writeFileSync(join(dir, "deployed_addresses.json"), JSON.stringify({ "CredentialRegistryModule#CredentialRegistry": V1 }));
    writeFileSync(join(dir, "broken.json"), "{ not json");
    expect(readDeploymentFiles({ dir }).map((record) => record.name)).to.deep.equal(["localhost"]);
    expect(readDeploymentFile({ dir, name: "deployed_addresses" })).to.equal(undefined);
    expect(() => readDeploymentFile({ dir, name: "broken" }))
      .to.throw(CredanchorError)
      .with.property("code", "CA_DEPLOYMENT_RECORD_INVALID");
    expect(readDeploymentFiles({ dir: join(dir, "missing") })).to.deep.equal([]);
  });

  it("refuses a record name that is not a plain file name", function () {
    expect(() => readDeploymentFile({ dir, name: "../etc" })).to.throw(CredanchorError).with.property("code", "CA_INVALID_ARGUMENT");
  });
});
