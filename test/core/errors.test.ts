import { expect } from "chai";

import {
  CredanchorError,
  CredentialInvalidError,
  errorCatalogue,
  ProofFormatUnknownError,
  type ErrorCode,
} from "../../core/index.ts";

describe("core/errors", () => {
  it("gives every code an HTTP status and a hint", () => {
    for (const [code, entry] of Object.entries(errorCatalogue)) {
      expect(code).to.match(/^CA_[A-Z_]+$/);
      expect(entry.httpStatus).to.be.within(400, 599);
      expect(entry.hint).to.be.a("string").and.not.be.empty;
    }
  });

  it("carries code, status, hints (extra first, catalogue last) and cause", () => {
    const cause = new Error("boom");
    const error = new CredanchorError({ code: "CA_RPC_UNAVAILABLE", message: "down", hints: ["retry later"], cause });
    expect(error).to.be.instanceOf(Error);
    expect(error.code).to.equal("CA_RPC_UNAVAILABLE");
    expect(error.httpStatus).to.equal(503);
    expect(error.hints).to.deep.equal(["retry later", errorCatalogue.CA_RPC_UNAVAILABLE.hint]);
    expect(error.cause).to.equal(cause);
  });

  it("serialises to the API error body without stack or cause", () => {
    const error = new CredentialInvalidError({ issues: [{ path: "$.name", message: "is empty", expected: "a non-empty string" }] });
    expect(JSON.parse(JSON.stringify(error))).to.deep.equal({
      code: "CA_CREDENTIAL_INVALID",
      message: "Credential is invalid: $.name: is empty",
      hints: [errorCatalogue.CA_CREDENTIAL_INVALID.hint],
      details: [{ path: "$.name", message: "is empty", expected: "a non-empty string" }],
    });
  });

  it("names the unknown proof format and lists the known ones", () => {
    const error = new ProofFormatUnknownError({ format: "x-v9", knownFormats: ["credanchor-proof-v1"], path: "$.proof.format" });
    expect(error.code).to.equal("CA_PROOF_FORMAT_UNKNOWN" satisfies ErrorCode);
    expect(error.message).to.equal('Unknown proof format "x-v9"; known formats: credanchor-proof-v1.');
  });
});
