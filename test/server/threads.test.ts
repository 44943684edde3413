/**
 * Worker lifecycle (server/threads.ts) on the service's real worker scripts: a worker
 * stopped at any moment, even before its modules have loaded, exits by itself (code 0)
 * instead of being terminated (code 1), and jobs sent before it is ready are answered.
 */
import { expect } from "chai";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

import { buildTree, keccakReady } from "../../core/index.ts";
import { startManagedWorker } from "../../server/threads.ts";
import { createHashPool } from "../../server/hashing/pool.ts";
import { createSqliteStore } from "../../server/store/sqlite.ts";
import { tempDir } from "./helpers/processes.ts";

const hashWorker = new URL("../../server/hashing/worker.ts", import.meta.url);
const checkpointer = new URL("../../server/store/checkpointer.ts", import.meta.url);

const exitCode = (worker: import("node:worker_threads").Worker) =>
  new Promise<number>((resolve) => worker.once("exit", (code) => resolve(code)));

describe("worker threads: ready signal and graceful stop", function () {
  it("lets a hash worker stopped right after start (still loading) exit on its own", async function () {
    const thread = startManagedWorker({ url: hashWorker });
    const code = exitCode(thread.worker);
    await thread.stop();
    expect(await code).to.equal(0);
  });

  it("lets the checkpointer stopped right after start exit on its own, closing its connection", async function () {
    const store = createSqliteStore({ path: join(tempDir(), "db.sqlite"), backgroundCheckpoints: false });
    await store.close();
    const thread = startManagedWorker({
      url: checkpointer,
      options: { workerData: { path: join(tempDir(), "checkpointed.sqlite"), intervalMs: 50 } },
    });
    const code = exitCode(thread.worker);
    await thread.stop();
    expect(await code).to.equal(0);
  });

  it("answers a job posted before the worker reported ready, then stops on request", async function () {
    await keccakReady;
    const thread = startManagedWorker({ url: hashWorker });
    const leaves = new Uint8Array(32 * 5).map((_, i) => (i * 7) & 0xff);
    const answer = new Promise<any>((resolve) => thread.worker.on("message", (message) => message?.id === 1 && resolve(message)));
    thread.worker.postMessage({ id: 1, kind: "tree", leaves });
    const message = await answer;
    expect(message.result).to.deep.equal(buildTree({ leaves }).nodes);
    const code = exitCode(thread.worker);
    await Promise.all([thread.stop(), thread.stop()]);
    expect(await code).to.equal(0);
  });

  it("survives pools and stores opened and closed at every moment of their start-up", async function () {
    this.timeout(60_000);
    for (let i = 0; i < 4; i++) {
      const pool = createHashPool({ size: 2 });
      const store = createSqliteStore({ path: join(tempDir(), "db.sqlite") });
      await new Promise((resolve) => setTimeout(resolve, i * 10));
      await Promise.all([pool.close(), store.close()]);
    }
  });

  it("restarts a worker that fails at start-up with a growing delay, never in a tight loop", async function () {
    this.timeout(30_000);
    const broken = join(tempDir(), "broken-worker.mjs");
    writeFileSync(broken, 'throw new Error("this worker cannot load");\n');
    const pool = createHashPool({ size: 2, workerUrl: pathToFileURL(broken) });
    // Over 2 s, restarts wait 100, 200, 400, 800 ms... (one counter for the pool): at most
    // 2 first starts + 5 restarts however fast the machine; a slow one makes fewer.
    // Restarting at once (and twice per death, on "error" and "exit") made hundreds.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const { starts } = pool.stats();
    await pool.close();
    expect(starts).to.be.at.most(8);
    expect(pool.stats().live).to.be.at.most(2);
  });
});
