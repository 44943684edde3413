/**
 * Compiler warnings are errors: Hardhat 3 prints solc warnings but builds anyway, so this
 * test reads every build-info output of the current build and fails on any diagnostic.
 */
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

type SolcDiagnostic = {
  severity: string;
  type: string;
  errorCode?: string;
  formattedMessage?: string;
  message: string;
  sourceLocation?: { file: string };
};

/**
 * The one tolerated diagnostic: solc's code-size warning (5574) on Solidity *test* contracts,
 * which embed the registry's creation code and are never deployed outside the test runner.
 */
function tolerated(diagnostic: SolcDiagnostic): boolean {
  return diagnostic.errorCode === "5574" && (diagnostic.sourceLocation?.file ?? "").startsWith("project/test/");
}

describe("solc diagnostics", () => {
  it("the contracts and Solidity tests compile without a single warning", () => {
    const directory = join("artifacts", "build-info");
    const outputs = readdirSync(directory).filter((name) => name.endsWith(".output.json"));
    expect(outputs.length, "no build-info output: did the build run?").to.be.greaterThan(0);
    const diagnostics = outputs.flatMap((name) => {
      const output = JSON.parse(readFileSync(join(directory, name), "utf8")) as {
        output?: { errors?: SolcDiagnostic[] };
      };
      return (output.output?.errors ?? []).filter((diagnostic) => !tolerated(diagnostic));
    });
    expect(diagnostics.map((entry) => entry.formattedMessage ?? entry.message)).to.deep.equal([]);
  });
});
