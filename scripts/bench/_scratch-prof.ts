import { sampleCredential } from "../../test/server/helpers/credentials.ts";
import { validateCredential } from "../../core/credential.ts";
import { prepareCredentials } from "../../server/hashing/prepare.ts";
import { createHashPool } from "../../server/hashing/pool.ts";
import { createSqliteStore } from "../../server/store/sqlite.ts";
import { acceptSubmission, parseJsonSubmission } from "../../server/intake.ts";
import { rmSync } from "node:fs";
const N = 10000;
const creds = Array.from({ length: N }, (_, i) => sampleCredential({ n: i }));
const body = JSON.stringify({ credentials: creds });
for (let r = 0; r < 3; r++) {
  let t = performance.now(); for (const c of creds) validateCredential({ credential: c }); console.log("validate µs", ((performance.now() - t) * 1000 / N).toFixed(1));
  t = performance.now(); prepareCredentials({ credentials: creds, issuerIdentifier: "did:web:demo.credanchor.local" }); console.log("prepare µs", ((performance.now() - t) * 1000 / N).toFixed(1));
}
rmSync("/tmp/prof", { recursive: true, force: true });
const store = createSqliteStore({ path: "/tmp/prof/db.sqlite" });
await store.createInstitution({ id: 1, name: "x", identifier: "did:web:demo.credanchor.local", metadataUri: "", adminAddress: "", createdAt: 0 });
const pool = createHashPool({ size: Number(process.argv[2] ?? 1) });
const institution = (await store.getInstitution(1))!;
for (let r = 0; r < 5; r++) {
  const text = body.replaceAll("urn:uuid:0c5e7a1e", `urn:uuid:${r.toString(16).padStart(8, "0")}`);
  let t = performance.now(); const parsed = JSON.parse(text); const tp = performance.now() - t;
  t = performance.now(); const items = parseJsonSubmission({ body: parsed, maxItems: 1e6 }); const ti = performance.now() - t;
  t = performance.now(); const prepared = await pool.prepare({ credentials: items.map((i) => i.credential), issuerIdentifier: institution.identifier }); const th = performance.now() - t;
  t = performance.now(); const results = await acceptSubmission({ store, pool: { size: 0, close: async () => {}, prepare: async () => prepared }, institution, items, maxSize: 10000 }); const ts = performance.now() - t;
  t = performance.now(); JSON.stringify({ credentials: results }); const tr = performance.now() - t;
  console.log({ parse: (tp*1000/N).toFixed(1), items: (ti*1000/N).toFixed(1), hashPool: (th*1000/N).toFixed(1), storeEtc: (ts*1000/N).toFixed(1), respond: (tr*1000/N).toFixed(1) });
}
await pool.close();
