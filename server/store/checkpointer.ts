/**
 * Worker thread that checkpoints the SQLite WAL into the database file on its own
 * connection, so the main thread's write transactions do not pay for it (measured: about
 * 40% of intake's insert time at 100k+ rows).
 *
 * PASSIVE checkpoints never block writers, but under sustained intake they never finish
 * either: frames are appended while one runs, so the WAL is never wholly copied when the
 * next write begins, and SQLite only rewinds a wholly copied WAL. It then grows without
 * bound (measured: 1.1 GB after 30 s of bulk intake, every commit extending the file). So
 * once the WAL holds more than `maxWalFrames`, a RESTART checkpoint waits for the current
 * write transaction, copies the remainder (most of it is copied already by then) while new
 * writers wait, and makes the next writer start over at the beginning of the file: the WAL
 * stays at about that size and commits overwrite pages the kernel already has.
 */
import { DatabaseSync } from "node:sqlite";
import { workerData } from "node:worker_threads";

import { serveParent } from "../threads.ts";

const { path, intervalMs, maxWalFrames = 4096 } = workerData as { path: string; intervalMs: number; maxWalFrames?: number };
const db = new DatabaseSync(path, { timeout: 5_000 });
db.exec("PRAGMA wal_autocheckpoint = 0");
const passive = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
const restart = db.prepare("PRAGMA wal_checkpoint(RESTART)");
const timer = setInterval(() => {
  try {
    const { log } = passive.get() as { log: number };
    if (log > maxWalFrames) restart.get();
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
