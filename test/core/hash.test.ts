import { expect } from "chai";
import { AbiCoder, concat, keccak256 as ethersKeccak256, solidityPackedKeccak256, toUtf8Bytes } from "ethers";
import fc from "fast-check";

import {
  batchIdOf,
  canonicalizeCredential,
  credentialHash,
  credentialHashFromCanonical,
  hexToBytes,
  leafHash,
  nodeHash,
  type Hex,
} from "../../core/index.ts";
import { getKeccakBackend, keccak256, keccak256Noble, keccakReady } from "../../core/keccak.ts";
import { expectCredanchorError, label, propertyRuns, sampleOpenBadge } from "./helpers.ts";

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((bytes) => `0x${Buffer.from(bytes).toString("hex")}` as Hex);
const SALT = label("salt");

/** Every key order of every object in `value`, rebuilt in reverse insertion order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([key, inner]) => [key, reverseKeys(inner)]));
}

/** Paths to every primitive inside `value`. */
function primitivePaths(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== "object") return [path];
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([key, inner]) => primitivePaths(inner, [...path, key]));
}

describe("core/hash", () => {
  it("uses the WebAssembly keccak in Node once ready, and it agrees with @noble/hashes", async () => {
    expect(await keccakReady).to.equal("hash-wasm");
    expect(getKeccakBackend()).to.equal("hash-wasm");
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), (data) => {
        expect(keccak256(data)).to.deep.equal(keccak256Noble(data));
      }),
      { numRuns: propertyRuns * 5 },
    );
  });

  describe("credentialHash", () => {
    it("is keccak256(salt ‖ utf8(JCS(credential)))", () => {
      const credential = { b: [1, "é"], a: { d: null, c: true } };
      const canonical = '{"a":{"c":true,"d":null},"b":[1,"é"]}';
      expect(canonicalizeCredential({ credential })).to.equal(canonical);
      expect(credentialHash({ credential, salt: SALT })).to.equal(ethersKeccak256(concat([SALT, toUtf8Bytes(canonical)])));
    });

    it("can be computed from kept canonical text", () => {
      const credential = sampleOpenBadge();
      const canonical = canonicalizeCredential({ credential });
      expect(credentialHashFromCanonical({ canonical, salt: SALT })).to.equal(credentialHash({ credential, salt: SALT }));
    });

    it("ignores the top-level proof and credentialStatus, and only those", () => {
      const credential = sampleOpenBadge();
      const hash = credentialHash({ credential, salt: SALT });
      expect(credentialHash({ credential: { ...credential, proof: { any: 1 }, credentialStatus: [1] }, salt: SALT })).to.equal(hash);
      expect(credentialHash({ credential: { ...credential, evidence: [] }, salt: SALT })).to.not.equal(hash);
      const nested = structuredClone(credential) as { credentialSubject: Record<string, unknown> };
      nested.credentialSubject["proof"] = {};
      expect(credentialHash({ credential: nested, salt: SALT })).to.not.equal(hash);
    });

    it("accepts the salt as hex or bytes, and depends on it", () => {
      const credential = sampleOpenBadge();
      expect(credentialHash({ credential, salt: hexToBytes({ hex: SALT }) })).to.equal(credentialHash({ credential, salt: SALT }));
      expect(credentialHash({ credential, salt: label("other salt") })).to.not.equal(credentialHash({ credential, salt: SALT }));
    });

    it("never changes with key order or whitespace", () => {
      fc.assert(
        fc.property(fc.dictionary(fc.string(), fc.jsonValue()), fc.nat(8), (credential, indent) => {
          const reformatted = JSON.parse(JSON.stringify(reverseKeys(credential), null, indent)) as Record<string, unknown>;
          expect(credentialHash({ credential: reformatted, salt: SALT })).to.equal(credentialHash({ credential, salt: SALT }));
        }),
        { numRuns: propertyRuns * 5 },
      );
    });

    it("changes when any value changes", () => {
      fc.assert(
        fc.property(
          fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }),
          fc.nat(),
          fc.oneof(fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null)),
          (credential, pick, replacement) => {
            const paths = primitivePaths(credential).filter((path) => path[0] !== "proof" && path[0] !== "credentialStatus");
            fc.pre(paths.length > 0 && paths[pick % paths.length]!.length > 0);
            const path = paths[pick % paths.length]!;
            const changed = structuredClone(credential) as Record<string | number, unknown>;
            let parent = changed;
            for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
            const last = path[path.length - 1]!;
            fc.pre(JSON.stringify(parent[last]) !== JSON.stringify(replacement));
            parent[last] = replacement;
            expect(credentialHash({ credential: changed, salt: SALT })).to.not.equal(credentialHash({ credential, salt: SALT }));
          },
        ),
        { numRuns: propertyRuns * 5 },
      );
    });

    it("rejects what JCS cannot express", () => {
      expectCredanchorError(() => credentialHash({ credential: { n: Number.NaN }, salt: SALT }), "CA_CREDENTIAL_NOT_CANONICALIZABLE");
      expectCredanchorError(() => credentialHash({ credential: { s: "\ud800" }, salt: SALT }), "CA_CREDENTIAL_NOT_CANONICALIZABLE");
      expectCredanchorError(
        () => credentialHash({ credential: [] as unknown as Record<string, unknown>, salt: SALT }),
        "CA_CREDENTIAL_NOT_CANONICALIZABLE",
      );
      expectCredanchorError(() => credentialHash({ credential: {}, salt: "0x1234" }), "CA_HEX_INVALID");
    });
  });

  describe("leaf, node and batch id (independent check with ethers' abi encoders)", () => {
    it("leafHash = keccak256(abi.encodePacked(uint8(0), uint256(leafIndex), credentialHash))", () => {
      fc.assert(
        fc.property(fc.bigInt({ min: 0n, max: (1n << 256n) - 1n }), bytes32, (leafIndex, hash) => {
          const expected = solidityPackedKeccak256(["uint8", "uint256", "bytes32"], [0, leafIndex, hash]);
          expect(leafHash({ leafIndex, credentialHash: hash })).to.equal(expected);
          if (leafIndex <= BigInt(Number.MAX_SAFE_INTEGER)) {
            expect(leafHash({ leafIndex: Number(leafIndex), credentialHash: hash })).to.equal(expected);
          }
        }),
        { numRuns: propertyRuns },
      );
      expect(leafHash({ leafIndex: 4_294_967_295, credentialHash: SALT })).to.equal(
        solidityPackedKeccak256(["uint8", "uint256", "bytes32"], [0, 4_294_967_295, SALT]),
      );
    });

    it("nodeHash = keccak256(abi.encodePacked(uint8(1), left, right)), order-sensitive", () => {
      fc.assert(
        fc.property(bytes32, bytes32, (left, right) => {
          expect(nodeHash({ left, right })).to.equal(solidityPackedKeccak256(["uint8", "bytes32", "bytes32"], [1, left, right]));
        }),
        { numRuns: propertyRuns },
      );
      const [a, b] = [label("a"), label("b")];
      expect(nodeHash({ left: a, right: b })).to.not.equal(nodeHash({ left: b, right: a }));
    });

    it("keeps leaves and nodes apart: the same 64 bytes hash differently as a leaf and as a node", () => {
      const zero = `0x${"00".repeat(32)}` as Hex;
      expect(leafHash({ leafIndex: 0, credentialHash: zero })).to.not.equal(nodeHash({ left: zero, right: zero }));
    });

    it("batchIdOf = keccak256(abi.encode(uint256(institutionId), merkleRoot)) for uint24 ids", () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 0xffffff }), bytes32, (institutionId, merkleRoot) => {
          const expected = ethersKeccak256(AbiCoder.defaultAbiCoder().encode(["uint256", "bytes32"], [institutionId, merkleRoot]));
          expect(batchIdOf({ institutionId, merkleRoot })).to.equal(expected);
        }),
        { numRuns: propertyRuns },
      );
      expectCredanchorError(() => batchIdOf({ institutionId: 0x1000000, merkleRoot: SALT }), "CA_INVALID_ARGUMENT");
      expectCredanchorError(() => batchIdOf({ institutionId: 1.5, merkleRoot: SALT }), "CA_INVALID_ARGUMENT");
    });

    it("rejects malformed inputs by name", () => {
      const error = expectCredanchorError(() => leafHash({ leafIndex: 0, credentialHash: "0xabc" as Hex }), "CA_HEX_INVALID");
      expect(error.details?.[0]?.path).to.equal("credentialHash");
      expectCredanchorError(() => leafHash({ leafIndex: -1, credentialHash: SALT }), "CA_INVALID_ARGUMENT");
      expectCredanchorError(() => leafHash({ leafIndex: 1n << 256n, credentialHash: SALT }), "CA_INVALID_ARGUMENT");
      expectCredanchorError(() => nodeHash({ left: new Uint8Array(31), right: SALT }), "CA_INVALID_ARGUMENT");
    });
  });
});
