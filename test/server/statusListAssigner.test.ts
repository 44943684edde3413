/**
 * Status list index assignment (server/statusList/): the seeded permutation behind the
 * random indices, and reservations that fill a list and spill into the next, never
 * handing an index out twice.
 */
import { expect } from "chai";

import { didDocumentForKeys } from "../../core/index.ts";
import { statusListEntry } from "../../core/statusList.ts";
import { generateSigningKey, signCredential, verifyIssuerSignature } from "../../core/vc/eddsa.ts";
import { createHashPool } from "../../server/hashing/pool.ts";
import { createStatusListAssigner } from "../../server/statusList/assigner.ts";
import { newStatusListSeed, statusListPermutation } from "../../server/statusList/permutation.ts";
import { createSqliteStore } from "../../server/store/sqlite.ts";
import { NO_KEYS, type InstitutionRow } from "../../server/store/types.ts";
import { sampleCredential } from "./helpers/credentials.ts";

const INSTITUTION: InstitutionRow = {
  id: 1,
  name: "U",
  identifier: "did:web:u.example",
  metadataUri: "",
  adminAddress: "",
  createdAt: 0,
  status: "active",
  keys: NO_KEYS,
};

describe("status list index assignment", function () {
  it("a seed stands for one permutation of every index: reproducible, and another seed gives another", function () {
    const seed = newStatusListSeed();
    const permutation = statusListPermutation({ seed, length: 131_072 });
    const seen = new Uint8Array(131_072);
    for (const index of permutation) seen[index]!++;
    expect(seen.every((count) => count === 1)).to.equal(true);
    expect(statusListPermutation({ seed, length: 131_072 })).to.deep.equal(permutation);
    const other = statusListPermutation({ seed: newStatusListSeed(), length: 131_072 });
    let same = 0;
    for (let i = 0; i < other.length; i++) if (other[i] === permutation[i]) same++;
    expect(same, "fixed points shared by two random permutations (about 1 expected)").to.be.below(20);
  });

  it("spreads the first credentials of a list over the whole list, not in order", function () {
    const permutation = statusListPermutation({ seed: newStatusListSeed(), length: 131_072 });
    const first = Array.from(permutation.subarray(0, 1000));
    // 1,000 uniform draws from 131,072: a mean near the middle, both halves used.
    const mean = first.reduce((sum, index) => sum + index, 0) / first.length;
    expect(mean).to.be.within(131_072 * 0.4, 131_072 * 0.6);
    expect(first.filter((index) => index < 65_536).length).to.be.within(400, 600);
  });

  it("fills a list, then opens the next one with its own seed, across requests and a restart, never repeating an index", async function () {
    const store = createSqliteStore({ path: ":memory:", backgroundCheckpoints: false });
    try {
      await store.createInstitution(INSTITUTION);
      const assigner = createStatusListAssigner({ store, listLength: 8 });
      const first = (await assigner.assign({ institution: INSTITUTION, count: 5, now: 0 }))!;
      // A fresh assigner (as after a restart) continues from the stored counters and seeds.
      const again = createStatusListAssigner({ store, listLength: 8 });
      const second = (await again.assign({ institution: INSTITUTION, count: 7, now: 1 }))!;
      const all = [...first, ...second];
      expect(all.map((status) => status.position.listNumber)).to.deep.equal([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
      expect(new Set(all.filter((status) => status.position.listNumber === 0).map((status) => status.position.index))).to.deep.equal(new Set([0, 1, 2, 3, 4, 5, 6, 7]));
      expect(new Set(all.filter((status) => status.position.listNumber === 1).map((status) => status.position.index)).size).to.equal(4);
      expect(all[8]!.entry.statusListCredential).to.equal("https://u.example/status-lists/1/1");
      const lists = await store.listStatusLists({ institutionId: 1 });
      expect(lists.map((list) => [list.listNumber, list.assigned])).to.deep.equal([[0, 8], [1, 4]]);
      expect(lists[0]!.seed).to.not.deep.equal(lists[1]!.seed);
    } finally {
      await store.close();
    }
  });

  it("the hashing workers put each credential's own entry in before signing, and leave a presigned credential's alone", async function () {
    this.timeout(60_000);
    const key = await generateSigningKey({ controller: "did:web:u.example", id: "did:web:u.example#key-1" });
    const presigned = await signCredential({ credential: { ...sampleCredential({ n: 3, issuer: key.controller }), credentialStatus: statusListEntry({ listUrl: "https://u.example/own-list", index: 5 }) }, key });
    const entries = [0, 1, 2].map((index) => statusListEntry({ listUrl: "https://u.example/status-lists/1/0", index: 100 + index }));
    const pool = createHashPool({ size: 1, inlineBelow: 1 }); // through a worker thread, as bulk submissions go
    try {
      const prepared = await pool.prepare({
        values: [sampleCredential({ n: 1, issuer: key.controller }), sampleCredential({ n: 2, issuer: key.controller }), presigned],
        issuerIdentifier: key.controller,
        signingKeys: [key],
        statusEntries: entries,
      });
      expect(prepared.invalid).to.deep.equal([]);
      expect(prepared.statusApplied).to.deep.equal([true, true, false]);
      const bodies = prepared.bodies.map((body) => JSON.parse(body) as Record<string, any>);
      expect(bodies.map((body) => body.credentialStatus.statusListIndex)).to.deep.equal(["100", "101", "5"]);
      const document = didDocumentForKeys({ did: key.controller, keys: [key] });
      for (const body of bodies) expect((await verifyIssuerSignature({ credential: body, resolveDid: async () => document })).outcome).to.equal("valid");
    } finally {
      await pool.close();
    }
  });

  it("gives no entries to an institution without a URL for its lists (not did:web, no public URL)", async function () {
    const store = createSqliteStore({ path: ":memory:", backgroundCheckpoints: false });
    try {
      const keyed = { ...INSTITUTION, identifier: "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK" };
      await store.createInstitution(keyed);
      expect(await createStatusListAssigner({ store }).assign({ institution: keyed, count: 3, now: 0 })).to.equal(undefined);
      const withUrl = await createStatusListAssigner({ store, publicUrl: "https://issuer.example/app/" }).assign({ institution: keyed, count: 1, now: 0 });
      expect(withUrl![0]!.entry.statusListCredential).to.equal("https://issuer.example/status-lists/1/0");
    } finally {
      await store.close();
    }
  });
});
