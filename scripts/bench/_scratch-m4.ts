import { randomBytes } from "node:crypto";
import { DatabaseSync } from "node:sqlite";
import { rmSync } from "node:fs";
import { newUuidV7 } from "../../server/ids.ts";
import { hashLeaf } from "../../core/hash.ts";
import { hashPrefix } from "../../server/store/sqlite.ts";
const N = 10000;
const text = "x".repeat(1150);
for (const variant of ["default", "nockpt", "noLhIdx", "bare"]) {
  rmSync("/tmp/m4.db", { force: true }); rmSync("/tmp/m4.db-wal", { force: true });
  const db = new DatabaseSync("/tmp/m4.db");
  db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-262144;");
  if (variant !== "default") db.exec("PRAGMA wal_autocheckpoint=0");
  db.exec("CREATE TABLE c(seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, inst INTEGER, batch INTEGER, leaf INTEGER, client TEXT, ch BLOB, lh BLOB, salt BLOB, body TEXT, created INTEGER, chp INTEGER, lhp INTEGER, UNIQUE(batch, leaf)); CREATE UNIQUE INDEX cc ON c(inst, client) WHERE client IS NOT NULL;");
  if (variant !== "bare") db.exec("CREATE INDEX chp ON c(chp);");
  if (variant !== "noLhIdx" && variant !== "bare") db.exec("CREATE INDEX lhp ON c(lhp);");
  const ins = db.prepare("INSERT INTO c(id, inst, batch, leaf, client, ch, lh, salt, body, created, chp, lhp) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
  const rnd = randomBytes(96 * N);
  let sum = 0;
  for (let round = 0; round < 30; round++) {
    const t = performance.now(); db.exec("BEGIN IMMEDIATE");
    for (let i = 0; i < N; i++) {
      const ch = rnd.subarray(i*96, i*96+32), salt = rnd.subarray(i*96+64, i*96+96);
      const lh = hashLeaf(i, ch);
      ins.run(newUuidV7(), 1, round, i, `urn:uuid:${round}-${i}`, ch, lh, salt, text, Date.now(), hashPrefix(ch), hashPrefix(lh));
    }
    db.exec("COMMIT");
    if (round >= 10) sum += performance.now() - t;
  }
  console.log(variant, "insert µs/cred (rounds 10-29, 100k-300k rows)", (sum * 1000 / N / 20).toFixed(1));
  db.close();
}
