/**
 * core/ must run in a browser unchanged: no `node:*` modules, no `Buffer`, no Node-only
 * dependency. Two independent guards: the source scan catches the habit early with a
 * file and line, and the esbuild browser bundle of the web verifier (core + viem + deps)
 * fails on anything Node-only a dependency drags in.
 */
import { expect } from "chai";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

import { bundleForBrowser } from "../../scripts/build-web.ts";

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

describe("core is browser-safe", () => {
  it("no core source imports node:* or uses Buffer or process", () => {
    const offences: string[] = [];
    for (const file of sourceFiles("core")) {
      readFileSync(file, "utf8")
        .split("\n")
        .forEach((line, index) => {
          const code = line.replace(/\/\/.*$/, "");
          if (/^\s*(\/\*|\*)/.test(code)) return; // a doc comment line
          if (/from\s+["']node:|import\(["']node:|\bBuffer\s*[.(]|\bprocess\.|require\(/.test(code)) {
            offences.push(`${file}:${index + 1}: ${line.trim()}`);
          }
        });
    }
    expect(offences, offences.join("\n")).to.deep.equal([]);
  });

  it("the web verifier bundles core for the browser platform without Node built-ins", async () => {
    const result = await bundleForBrowser({ write: false });
    expect(result.errors).to.deep.equal([]);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((input) => input.startsWith("core/verify/"))).to.equal(true);
    expect(inputs.filter((input) => input.startsWith("node:"))).to.deep.equal([]);
  });
});
