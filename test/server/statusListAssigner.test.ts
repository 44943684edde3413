/**
 * Status list index assignment (server/statusList/): the seeded permutation behind the
 * random indices, and reservations that fill a list and spill into the next, never
 * handing an index out twice.
 */
import { expect } from "chai";

import { createStatusListAssigner } from "../../server/statusList/assigner.ts";
import { newStatusListSeed, statusListPermutation } from "../../server/statusList/permutation.ts";
import { createSqliteStore } from "../../server/store/sqlite.ts";
import { NO_KEYS, type InstitutionRow } from "../../server/store/types.ts";

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
