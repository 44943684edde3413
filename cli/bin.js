#!/usr/bin/env node
// The `credanchor` command. A plain-JS shim so `npx credanchor` works without a build
// step: it registers tsx's loader, then runs the TypeScript entry point.
import { register } from "tsx/esm/api";

register();
const { main } = await import("./main.ts");
process.exitCode = await main(process.argv);
