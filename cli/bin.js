#!/usr/bin/env node
// The `credanchor` command. A plain-JS shim so `npx credanchor` works without a build
// step. Node >= 22.18 strips TypeScript types natively (the code base uses only erasable
// syntax), which starts ~0.4 s faster than a loader; older Node registers tsx's loader.
if (!process.features.typescript) {
  const { register } = await import("tsx/esm/api");
  register();
}
const { main } = await import("./main.ts");
process.exitCode = await main(process.argv);
