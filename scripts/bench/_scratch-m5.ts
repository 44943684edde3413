import { randomBytes } from "node:crypto";
import { DatabaseSync } from "node:sqlite";
import { rmSync } from "node:fs";
import { newUuidV7 } from "../../server/ids.ts";
import { hashLeaf } from "../../core/hash.ts";
import { hashPrefix } from "../../server/store/sqlite.ts";
const N = 10000;
const text = "x".repeat(1150);
for (const rowsPer of [1, 16, 64]) {
  rmSync("/tmp/m5.db", { force: true }); rmSync("/tmp/m5.db-wal", { force: true });
  const db = new DatabaseSync("/tmp/m5.db");
  db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-262144; PRAGMA wal_autocheckpoint=0");
  db.exec("CREATE TABLE c(seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, inst INTEGER, batch INTEGER, leaf INTEGER, client TEXT, ch BLOB, lh BLOB, salt BLOB, body TEXT, created INTEGER, chp INTEGER, lhp INTEGER, UNIQUE(batch, leaf)); CREATE UNIQUE INDEX cc ON c(inst, client) WHERE client IS NOT NULL; CREATE INDEX chp ON c(chp); CREATE INDEX lhp ON c(lhp);");
  const one = "(?,?,?,?,?,?,?,?,?,?,?,?)";
  const ins = db.prepare(`INSERT INTO c(id, inst, batch, leaf, client, ch, lh, salt, body, created, chp, lhp) VALUES ${Array(rowsPer).fill(one).join(",")}`);
  const rnd = randomBytes(96 * N);
  let sum = 0; let sumLeaf = 0;
  for (let round = 0; round < 20; round++) {
    const t = performance.now(); db.exec("BEGIN IMMEDIATE");
    const args: unknown[] = [];
    for (let i = 0; i < N; i++) {
      const ch = rnd.subarray(i*96, i*96+32), salt = rnd.subarray(i*96+64, i*96+96);
      const t0 = performance.now(); const lh = hashLeaf(i, ch); sumLeaf += performance.now() - t0;
      args.push(newUuidV7(), 1, round, i, `urn:uuid:${round}-${i}`, ch, lh, salt, text, Date.now(), hashPrefix(ch), hashPrefix(lh));
      if (args.length === 12 * rowsPer) { ins.run(...(args as any)); args.length = 0; }
    }
    db.exec("COMMIT");
    if (round >= 5) sum += performance.now() - t;
  }
  console.log(rowsPer, "rows/stmt: insert µs/cred", (sum * 1000 / N / 15).toFixed(1), "leaf µs", (sumLeaf * 1000 / N / 20).toFixed(2));
  db.close();
}
