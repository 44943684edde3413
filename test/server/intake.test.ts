import { expect } from "chai";
import { join } from "node:path";

import { buildTree, credentialHash, leafHash } from "../../core/index.ts";
import { createBatcher } from "../../server/batcher.ts";
import { createHashPool } from "../../server/hashing/pool.ts";
import { prepareItems } from "../../server/hashing/prepare.ts";
import { splitBulkBody } from "../../server/hashing/splitJson.ts";
import { acceptSubmission, parseJsonSubmission, readNdjsonSubmission } from "../../server/intake.ts";
import { createSqliteStore } from "../../server/store/sqlite.ts";
import { NO_KEYS } from "../../server/store/types.ts";
import { sampleCredential } from "./helpers/credentials.ts";
import { tempDir } from "./helpers/processes.ts";

describe("intake internals", function () {
  describe("splitBulkBody", function () {
    it("splits {credentials:[...]} into element texts, whatever the whitespace and nesting", function () {
      const elements = [{ a: "x,]}\\\"" }, [1, [2, { b: "}" }]], "s\\\\", 3, null];
      for (const text of [JSON.stringify({ credentials: elements }), JSON.stringify({ credentials: elements }, null, 2)]) {
        expect(splitBulkBody(text)!.map((element) => JSON.parse(element))).to.deep.equal(elements);
      }
      expect(splitBulkBody('{ "credentials" : [ ] }')).to.deep.equal([]);
    });
    it("gives up (undefined) on any other shape, so the body is parsed normally", function () {
      for (const text of ['{"credentials":[1],"x":2}', '{"x":1}', '[{"credentials":[]}]', '{"credentials":[1,]}', '{"credentials":[1', '{"credentials":["a]}']) {
        expect(splitBulkBody(text), text).to.equal(undefined);
      }
    });
  });

  describe("readNdjsonSubmission", function () {
    /** A body arriving in `chunks`, counting how many were read. */
    function body(chunks: readonly string[]) {
      const stream = {
        read: 0,
        async *[Symbol.asyncIterator]() {
          for (const chunk of chunks) {
            stream.read++;
            yield chunk;
          }
        },
      };
      return stream;
    }

    it("splits lines wherever the chunks end, skipping blank lines", async function () {
      const lines = ['{"a":"é1"}', '{"b":[2,3]}', "", '{"c":"x\\ny"}'];
      const text = `${lines.join("\r\n")}\n\n`;
      for (const size of [1, 2, 3, 7, text.length]) {
        const chunks = Array.from({ length: Math.ceil(text.length / size) }, (_, i) => text.slice(i * size, i * size + size));
        const submission = await readNdjsonSubmission({ stream: body(chunks), maxBytes: 1e6, maxLineBytes: 1e6, maxItems: 10 });
        expect(submission.texts!.map((line) => JSON.parse(line)), `chunks of ${size}`).to.deep.equal([{ a: "é1" }, { b: [2, 3] }, { c: "x\ny" }]);
      }
    });

    it("refuses a line longer than the largest credential accepted as soon as it passes the cap, without reading the rest", async function () {
      const chunk = "x".repeat(1024);
      const stream = body([`{"a":1}\n`, ...Array.from({ length: 10_000 }, () => chunk)]); // 10 MB without a newline
      let error: any;
      try {
        await readNdjsonSubmission({ stream, maxBytes: 1e9, maxLineBytes: 64 * 1024, maxItems: 10 });
      } catch (caught) {
        error = caught;
      }
      expect(error?.code).to.equal("CA_REQUEST_TOO_LARGE");
      expect(error.message).to.equal("NDJSON line $[1] is longer than 65536 bytes, the largest credential accepted.");
      expect(error.details[0].path).to.equal("$[1]");
      expect(stream.read).to.be.at.most(66); // the first line and 64 KiB of the second, nothing after
      // A line exactly at the cap is accepted.
      const exact = `{"a":"${"y".repeat(64 * 1024 - 8)}"}`;
      const accepted = await readNdjsonSubmission({ stream: body([exact.slice(0, 5000), exact.slice(5000)]), maxBytes: 1e9, maxLineBytes: 64 * 1024, maxItems: 10 });
      expect(accepted.texts).to.deep.equal([exact]);
    });
  });

  describe("prepareItems", function () {
    it("computes exactly core's credential hash from the canonical text it stores", async function () {
      const credentials = [sampleCredential({ n: 1 }), sampleCredential({ n: 2 })];
      const prepared = await prepareItems({ texts: credentials.map((c) => JSON.stringify(c)), issuerIdentifier: "did:web:demo.credanchor.local" });
      expect(prepared.invalid).to.deep.equal([]);
      credentials.forEach((credential, i) => {
        const salt = prepared.salts.subarray(i * 32, i * 32 + 32);
        expect(Buffer.from(prepared.hashes.subarray(i * 32, i * 32 + 32)).toString("hex")).to.equal(credentialHash({ credential, salt }).slice(2));
        expect(JSON.parse(prepared.bodies[i]!)).to.deep.equal(credential);
      });
      expect(prepared.clientIds).to.deep.equal(credentials.map((c) => c.id));
    });
    it("draws a fresh salt per credential, so equal credentials never hash alike", async function () {
      const text = JSON.stringify(sampleCredential({ n: 1 }));
      const prepared = await prepareItems({ texts: [text, text], issuerIdentifier: "did:web:demo.credanchor.local" });
      expect(Buffer.compare(prepared.hashes.subarray(0, 32), prepared.hashes.subarray(32, 64))).to.not.equal(0);
    });
  });

  describe("hash pool", function () {
    it("builds the same tree on a worker thread as core does inline", async function () {
      const pool = createHashPool({ size: 1 });
      const leaves = new Uint8Array(5000 * 32).map((_, i) => (i * 2654435761) >>> 24);
      const nodes = await pool.buildTreeNodes(leaves.slice());
      expect(Buffer.from(nodes).equals(Buffer.from(buildTree({ leaves }).nodes))).to.equal(true);
      await pool.close();
    });
  });

  describe("store, pool and batcher together", function () {
    it("gives every credential a unique leaf, closes full batches with a tree whose leaves are the stored leaf hashes", async function () {
      const store = createSqliteStore({ path: join(tempDir(), "db.sqlite") });
      const pool = createHashPool({ size: 2, inlineBelow: 1 });
      await store.createInstitution({ id: 1, name: "Demo", identifier: "did:web:demo.credanchor.local", metadataUri: "", adminAddress: "", createdAt: 0, status: "active", keys: NO_KEYS });
      const institution = (await store.getInstitution(1))!;
      const body = JSON.stringify({ credentials: Array.from({ length: 700 }, (_, i) => sampleCredential({ n: i })) });
      const results = await acceptSubmission({ store, pool, institution, submission: parseJsonSubmission({ text: body, maxItems: 1000 }), maxSize: 300 });
      expect(results.map((r) => `${r.batch}:${r.leafIndex}`)).to.deep.equal(
        Array.from({ length: 700 }, (_, i) => `${Math.floor(i / 300) + 1}:${i % 300}`),
      );
      for (const result of results) expect(result.leafHash).to.equal(leafHash({ leafIndex: result.leafIndex, credentialHash: result.credentialHash! }));
      const batcher = createBatcher({ maxSize: 300, maxWaitMs: 60_000, store });
      const closed = await batcher.tick();
      expect(closed.map((b) => [b.id, b.state, b.size])).to.deep.equal([[1, "closed", 300], [2, "closed", 300]]);
      expect((await store.getOpenBatch(1))!.size).to.equal(100);
      const tree = (await store.getBatchTree(1))!;
      expect(Buffer.from(tree.subarray(0, 32)).toString("hex")).to.equal(results[0]!.leafHash!.slice(2));
      await pool.close();
      await store.close();
    });
  });
});
