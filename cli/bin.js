#!/usr/bin/env node
// The `credanchor` command. A plain-JS shim so `npx credanchor` works without a build
// step. Node >= 22.18 strips TypeScript types natively (the code base uses only erasable
// syntax), which starts ~0.4 s faster than a loader; older Node registers tsx's loader.
if (!process.features.typescript) {
  const { register } = await import("tsx/esm/api");
  register();
}
// A reader that went away (`credanchor verify issued/ | head`) ends the command quietly,
// with the status of a process killed by SIGPIPE (128 + 13), as other Unix tools end;
// without this, the next write dies with an EPIPE stack trace.
process.stdout.on("error", (error) => {
  if (error.code === "EPIPE") process.exit(141);
  throw error;
});
const { main } = await import("./main.ts");
process.exitCode = await main(process.argv);
