/**
 * Worker thread that checkpoints the SQLite WAL into the database file on its own
 * connection, so the main thread's write transactions do not pay for copying pages
 * (measured: about 40% of intake's insert time at 100k+ rows).
 *
 * It runs PASSIVE checkpoints only: they never block the writer. They do not bound the WAL
 * either (under sustained intake frames arrive while one runs, so the WAL is never wholly
 * copied and never starts over); the writer does that itself after its commits (sqlite.ts
 * `boundWal`), so the bound holds however late this thread gets scheduled.
 */
import { DatabaseSync } from "node:sqlite";
import { workerData } from "node:worker_threads";

import { serveParent } from "../threads.ts";

const { path, intervalMs } = workerData as { path: string; intervalMs: number };
const db = new DatabaseSync(path, { timeout: 5_000 });
db.exec("PRAGMA wal_autocheckpoint = 0");
const passive = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");
const timer = setInterval(() => {
  try {
    passive.get();
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
