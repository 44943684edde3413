// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ICredentialRegistry} from "../interfaces/ICredentialRegistry.sol";

/// @notice Measures what {ICredentialRegistry-verify} costs a contract that calls it: the gas
/// between two gasleft() readings around the external call (call overhead, cold account and
/// storage access, ABI encoding and decoding included; no transaction or calldata cost).
/// Used by scripts/bench/gas.ts. Not deployed to real networks.
contract VerifyCaller {
    function measureVerify(
        ICredentialRegistry registry,
        bytes32 batchId,
        uint256 leafIndex,
        bytes32 credentialHash,
        bytes32[] calldata proof
    ) external view returns (uint256 gasUsed, bool valid, ICredentialRegistry.CredentialStatus status) {
        uint256 before = gasleft();
        (valid, status) = registry.verify(batchId, leafIndex, credentialHash, proof);
        gasUsed = before - gasleft();
    }
}
