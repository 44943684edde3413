import { sampleCredential } from "../../test/server/helpers/credentials.ts";
import { createHashPool } from "../../server/hashing/pool.ts";
import { createSqliteStore } from "../../server/store/sqlite.ts";
import { acceptSubmission, parseJsonSubmission } from "../../server/intake.ts";
import { rmSync } from "node:fs";
const N = 10000;
const creds = Array.from({ length: N }, (_, i) => sampleCredential({ n: i }));
const body = JSON.stringify({ credentials: creds });
rmSync("/tmp/prof", { recursive: true, force: true });
const store = createSqliteStore({ path: "/tmp/prof/db.sqlite" });
await store.createInstitution({ id: 1, name: "x", identifier: "did:web:demo.credanchor.local", metadataUri: "", adminAddress: "", createdAt: 0 });
const pool = createHashPool({ size: Number(process.argv[2] ?? 1) });
const institution = (await store.getInstitution(1))!;
for (let r = 0; r < 8; r++) {
  const text = body.replaceAll("urn:uuid:0c5e7a1e", `urn:uuid:${r.toString(16).padStart(8, "0")}`);
  let t = performance.now(); const submission = parseJsonSubmission({ text, maxItems: 1e6 }); const tp = performance.now() - t;
  t = performance.now(); const prepared = await pool.prepare({ texts: submission.texts, issuerIdentifier: institution.identifier }); const th = performance.now() - t;
  t = performance.now(); const results = await acceptSubmission({ store, pool: { size: 0, close: async () => {}, prepare: async () => prepared }, institution, submission, maxSize: 10000 }); const ts = performance.now() - t;
  t = performance.now(); JSON.stringify({ credentials: results }); const tr = performance.now() - t;
  console.log({ split: (tp*1000/N).toFixed(1), hashPool: (th*1000/N).toFixed(1), store: (ts*1000/N).toFixed(1), respond: (tr*1000/N).toFixed(1) });
}
await pool.close();
