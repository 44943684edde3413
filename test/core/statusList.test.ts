/**
 * core/statusList.ts: the entry credanchor writes and the encodedList, checked against
 * the status list library standard verifiers use (@digitalcredentials/vc-bitstring-status-list)
 * and the spec's bit order (index 0 = left-most bit).
 */
import { expect } from "chai";
import { gunzipSync } from "node:zlib";

import { decodeStatusList, encodeStatusList, statusListCredential, statusListEntry, STATUS_LIST_LENGTH } from "../../core/statusList.ts";
import { decodeBase64url } from "../../core/base64url.ts";

describe("core/statusList: Bitstring Status List v1.0 entries and lists", () => {
  it("encodes GZIP + multibase base64url with index 0 as the left-most bit, as the spec orders them", async () => {
    const encodedList = await encodeStatusList({ setIndices: [0, 9, STATUS_LIST_LENGTH - 1] });
    expect(encodedList.startsWith("u")).to.equal(true);
    const bytes = gunzipSync(decodeBase64url(encodedList.slice(1))!);
    expect(bytes.length).to.equal(STATUS_LIST_LENGTH / 8);
    expect([bytes[0], bytes[1], bytes[bytes.length - 1]]).to.deep.equal([0x80, 0x40, 0x01]);
    expect(bytes.reduce((count, byte) => count + (byte === 0 ? 0 : 1), 0)).to.equal(3);
  });

  it("reads back what it wrote, and agrees with the verifiers' status list library on every set bit", async () => {
    const set = [3, 4, 1000, 65_537, 131_071];
    const encodedList = await encodeStatusList({ setIndices: set });
    const ours = await decodeStatusList({ encodedList });
    // The library verifier-core (a devDependency) checks status with; it ships no types.
    const library = "@digitalcredentials/vc-bitstring-status-list";
    const { decodeList } = (await import(library)) as { decodeList(options: { encodedList: string }): Promise<{ getStatus(index: number): boolean }> };
    const theirs = await decodeList({ encodedList });
    for (const index of [0, 2, 3, 4, 5, 999, 1000, 65_536, 65_537, 131_070, 131_071]) {
      expect(ours.isSet(index), `bit ${index}`).to.equal(set.includes(index));
      expect(theirs.getStatus(index), `bit ${index} (library)`).to.equal(set.includes(index));
    }
  });

  it("refuses an encodedList without the multibase prefix or with bytes that are not GZIP", async () => {
    for (const encodedList of ["H4sIAAAAAAAAA", "unot-gzip"]) {
      let code: string | undefined;
      try {
        await decodeStatusList({ encodedList });
      } catch (error) {
        code = (error as { code?: string }).code;
      }
      expect(code, encodedList).to.equal("CA_INVALID_ARGUMENT");
    }
  });

  it("writes a revocation entry naming its list, and refuses an index outside the list", () => {
    expect(statusListEntry({ listUrl: "https://u.example/status-lists/1/0", index: 7 })).to.deep.equal({
      id: "https://u.example/status-lists/1/0#7",
      type: "BitstringStatusListEntry",
      statusPurpose: "revocation",
      statusListIndex: "7",
      statusListCredential: "https://u.example/status-lists/1/0",
    });
    expect(() => statusListEntry({ listUrl: "https://u.example/l", index: STATUS_LIST_LENGTH })).to.throw().with.property("code", "CA_INVALID_ARGUMENT");
  });

  it("builds the list credential with whole-second validity dates and the list as its subject", () => {
    const credential = statusListCredential({
      url: "https://u.example/status-lists/1/0",
      issuer: "did:web:u.example",
      encodedList: "uH4sI",
      validFrom: new Date("2026-12-07T10:00:00.250Z"),
      validUntil: new Date("2026-12-08T10:00:00.250Z"),
    });
    expect(credential).to.deep.include({ validFrom: "2026-12-07T10:00:00Z", validUntil: "2026-12-08T10:00:00Z", issuer: "did:web:u.example" });
    expect(credential.credentialSubject).to.deep.equal({
      id: "https://u.example/status-lists/1/0#list",
      type: "BitstringStatusList",
      statusPurpose: "revocation",
      encodedList: "uH4sI",
    });
  });
});
