/**
 * The CLI in a pipeline whose reader stops early (`credanchor verify issued/ | head`).
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

import { expect } from "chai";

import { freePort, repoRoot, tempDir } from "../server/helpers/processes.ts";

describe("credanchor in a pipeline", function () {
  this.timeout(60_000);

  it("ends quietly when stdout is closed early (verify | head), without an EPIPE stack trace", async function () {
    const dir = tempDir("credanchor-pipe-");
    // Enough one-line results to outlast the reader: not credentials, so no chain is needed.
    for (let i = 0; i < 2_000; i++) writeFileSync(join(dir, `c${i}.json`), "{}");
    const port = await freePort(); // nothing listens: the RPC is never needed for these
    const child = spawn(process.execPath, [join(repoRoot, "cli/bin.js"), "verify", dir, "--rpc", `http://127.0.0.1:${port}`], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    let firstLine = "";
    child.stdout.once("data", (chunk: Buffer) => {
      firstLine = chunk.toString().split("\n")[0]!;
      child.stdout.destroy(); // like `head -1` exiting
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", (exitCode) => resolve(exitCode)));
    expect(firstLine).to.include("c");
    expect(stderr).to.not.match(/EPIPE|Error|\bat /);
    expect(code).to.equal(141);
  });
});
