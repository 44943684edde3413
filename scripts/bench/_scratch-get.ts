import { sampleCredential } from "../../test/server/helpers/credentials.ts";
import { createHashPool } from "../../server/hashing/pool.ts";
import { createSqliteStore } from "../../server/store/sqlite.ts";
import { acceptSubmission, parseJsonSubmission } from "../../server/intake.ts";
import { rmSync } from "node:fs";
import { DatabaseSync } from "node:sqlite";
rmSync("/tmp/get", { recursive: true, force: true });
const store = createSqliteStore({ path: "/tmp/get/db.sqlite" });
await store.createInstitution({ id: 1, name: "x", identifier: "did:web:demo.credanchor.local", metadataUri: "", adminAddress: "", createdAt: 0 });
const pool = createHashPool({ size: 1 });
const institution = (await store.getInstitution(1))!;
const ids: string[] = [];
for (let r = 0; r < 3; r++) {
  const text = JSON.stringify({ credentials: Array.from({ length: 10000 }, (_, i) => sampleCredential({ n: r * 10000 + i })) });
  const results = await acceptSubmission({ store, pool, institution, submission: parseJsonSubmission({ text, maxItems: 1e6 }), maxSize: 10000 });
  for (const x of results) ids.push(x.id);
}
for (let round = 0; round < 3; round++) {
  const t = performance.now();
  for (let i = 0; i < 20000; i++) await store.getCredential({ institutionId: 1, id: ids[(i * 7919) % ids.length]! });
  console.log("getCredential µs", ((performance.now() - t) * 1000 / 20000).toFixed(1));
  const t2 = performance.now();
  for (let i = 0; i < 20000; i++) await store.getCredentialAnchor({ institutionId: 1, id: ids[(i * 7919) % ids.length]! });
  console.log("getCredentialAnchor µs", ((performance.now() - t2) * 1000 / 20000).toFixed(1));
}
const db = new DatabaseSync("/tmp/get/db.sqlite");
console.log(db.prepare("EXPLAIN QUERY PLAN SELECT * FROM credentials c JOIN batches b ON b.id = c.batch_id WHERE c.id = ? AND c.institution_id = ?").all("x", 1));
const q = db.prepare("SELECT c.seq FROM credentials c WHERE c.id = ?");
let t = performance.now(); for (let i = 0; i < 20000; i++) q.get(ids[(i * 7919) % ids.length]!); console.log("bare id lookup µs", ((performance.now() - t) * 1000 / 20000).toFixed(1));
await pool.close(); await store.close();
