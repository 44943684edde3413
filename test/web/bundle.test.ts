/**
 * The page's bundle (scripts/build-web.ts): what the served page loads at once, and the
 * size budget of issue 13 (all page JavaScript, the in-page verifier included, at most
 * 250 KB gzipped; scripts/web-size.ts measures it, BENCHMARKS.md section 6 records it).
 */
import { expect } from "chai";

import { bundleForBrowser, pageEntryOutput } from "../../scripts/build-web.ts";
import { measureWebSize } from "../../scripts/web-size.ts";

describe("page bundle", function () {
  this.timeout(120_000);

  it("the page loads at once only the entry's static imports, never the in-page verifier it loads on demand", async () => {
    const { metafile } = await bundleForBrowser({ write: false });
    const entry = pageEntryOutput(metafile);
    expect(metafile.outputs[entry.file]!.entryPoint).to.equal("web/src/main.ts");
    for (const direct of metafile.outputs[entry.file]!.imports.filter((imported) => imported.kind === "import-statement")) {
      expect(entry.staticImports).to.include(direct.path);
    }
    const loadedAtOnce = entry.staticImports.flatMap((chunk) => Object.keys(metafile.outputs[chunk]!.inputs));
    expect(loadedAtOnce.filter((input) => input.startsWith("core/verify/") || input.includes("node_modules/viem/"))).to.deep.equal([]);
  });

  it("all page JavaScript stays within 250 KB gzipped", async () => {
    const { totalGzip } = await measureWebSize();
    expect(totalGzip).to.be.at.most(250_000);
  });
});
