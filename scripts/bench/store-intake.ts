/**
 * The SQLite store's intake transaction alone (no HTTP, no hashing): µs per credential of
 * Store.submitCredentials, 10,000 credentials per call as the bulk API makes them, for
 * every 100,000 stored. Shows whether intake stays flat as the database grows, which is
 * what the index design in server/store/schema.ts is for. Prints figures; asserts nothing.
 *
 *   node --import tsx scripts/bench/store-intake.ts [random|ascending=random] [total=1000000] [checkout=.]
 *
 * `random`: UUIDv4 idempotency keys (random index inserts); `ascending`: keys that ascend.
 * `checkout` measures another checkout's store (e.g. a `git worktree` of an older commit),
 * so two designs can be compared on the same machine in the same hour.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const mode = process.argv[2] ?? "random";
const total = Number(process.argv[3] ?? 1_000_000);
const checkout = resolve(process.argv[4] ?? join(import.meta.dirname, "..", ".."));
if (mode !== "random" && mode !== "ascending") throw new Error(`mode must be random or ascending, not ${mode}`);

const load = (path: string) => import(pathToFileURL(join(checkout, path)).href);
const { createSqliteStore } = await load("server/store/sqlite.ts");
const { leafHash, hexToBytes, bytesToHex } = await load("core/index.ts");
const { newUuidV7 } = await load("server/ids.ts");

const dir = mkdtempSync(join(tmpdir(), "credanchor-store-bench-"));
const store = createSqliteStore({ path: join(dir, "credanchor.db") });
try {
  await store.createInstitution({ id: 1, name: "Bench", identifier: "did:web:bench.example", metadataUri: "", adminAddress: "", createdAt: 0, status: "active", keys: { anchorer: null, revoker: null, signingKey: null } });
  const body = JSON.stringify({ pad: "x".repeat(1000) }); // about the size of a stored credential
  const leaf = (leafIndex: number, credentialHash: Uint8Array) =>
    hexToBytes({ hex: leafHash({ leafIndex, credentialHash: bytesToHex({ bytes: credentialHash }) }), size: 32 });
  console.log(`store intake: ${mode} idempotency keys, 10,000 credentials per transaction, ${checkout}`);
  let counter = 0;
  let spent = 0;
  for (let request = 0; request < total / 10_000; request++) {
    const items = Array.from({ length: 10_000 }, () => ({
      clientId: mode === "random" ? `urn:uuid:${randomUUID()}` : `urn:uuid:${(counter++).toString(16).padStart(8, "0")}-0000-4000-8000-000000000000`,
      body,
      salt: randomBytes(32),
      credentialHash: randomBytes(32),
    }));
    const started = performance.now();
    const result = await store.submitCredentials({ institutionId: 1, items, maxSize: 10_000, now: Date.now(), leafHash: leaf, newId: newUuidV7 });
    spent += performance.now() - started;
    if (!result.ok) throw new Error("unexpected idempotency conflict");
    if ((request + 1) % 10 === 0) {
      console.log(`  ${((request + 1) * 10_000).toLocaleString("en").padStart(9)} stored: ${((spent * 1000) / 100_000).toFixed(1)} µs per credential`);
      spent = 0;
    }
  }
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
