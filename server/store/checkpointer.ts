/**
 * Worker thread that checkpoints the SQLite WAL into the database file on its own
 * connection, so the main thread's write transactions do not pay for it (measured: about
 * 40% of intake's insert time at 100k+ rows).
 *
 * PASSIVE checkpoints never block writers, but under sustained intake they never finish
 * either: frames are appended while one runs, so the WAL is never wholly copied when the
 * next write begins, and SQLite only rewinds a wholly copied WAL. It then grows without
 * bound (measured: 1.1 GB after 30 s of bulk intake, every commit extending the file). So
 * once the WAL holds more than `maxWalFrames`, this thread sets `rewindWanted` and the
 * store's writer runs a RESTART checkpoint after its next commit (sqlite.ts rewindWal): the
 * WAL stays at about that size and commits overwrite pages the kernel already has. A
 * RESTART from this thread instead waits for the write lock, which back-to-back intake
 * transactions may never leave free; it is the fallback when no flag is shared.
  */
import { DatabaseSync } from "node:sqlite";
import { workerData } from "node:worker_threads";

import { serveParent } from "../threads.ts";

const { path, intervalMs, maxWalFrames = 4096, rewindWanted } = workerData as {
  path: string;
  intervalMs: number;
  maxWalFrames?: number;
  rewindWanted?: Int32Array;
};
const db = new DatabaseSync(path, { timeout: 5_000 });
db.exec("PRAGMA wal_autocheckpoint = 0");
const passive = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
const restart = db.prepare("PRAGMA wal_checkpoint(RESTART)");
const timer = setInterval(() => {
  try {
    const { log } = passive.get() as { log: number };
    if (log <= maxWalFrames) return;
    if (rewindWanted !== undefined) Atomics.store(rewindWanted, 0, 1);
    else restart.get();
  } catch {
    // busy: try again next interval
  }
}, intervalMs);
serveParent({
  onMessage: () => {},
  onStop: () => {
    clearInterval(timer);
    db.close();
  },
});
