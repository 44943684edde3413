/**
 * Core's schemas use `zod/mini`, which loads no locale; core/zodMessages.ts installs zod's
 * English messages. Checked in a fresh process that loads core alone: within the test run,
 * some other module may already have imported `zod` (which installs them too) and hide a
 * missing install.
 */
import { execFileSync } from "node:child_process";

import { expect } from "chai";

describe("zod messages in core", () => {
  it("a schema issue without a message of our own reads in English when core is loaded alone", () => {
    const program = `
      import { parsePathwayDefinition } from "./core/pathway/definition.ts";
      try {
        parsePathwayDefinition({ definition: { format: "credanchor-pathway-v1", surplus: 1 } });
      } catch (error) {
        process.stdout.write(JSON.stringify(error.details));
      }`;
    const output = execFileSync(process.execPath, ["--input-type=module", "-e", program], { encoding: "utf8" });
    const details = JSON.parse(output) as { path: string; message: string }[];
    expect(details).to.deep.include({ path: "$", message: 'Unrecognized key: "surplus"' });
  });
});
