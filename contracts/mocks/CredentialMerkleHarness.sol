// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CredentialMerkle} from "../libraries/CredentialMerkle.sol";

/// @notice Exposes the internal CredentialMerkle library for tests (golden vectors, fuzzing)
/// and for off-chain tools that want the Solidity twin's answer. Not deployed to real networks.
contract CredentialMerkleHarness {
    function leafHash(uint256 leafIndex, bytes32 credentialHash) external pure returns (bytes32) {
        return CredentialMerkle.leafHash(leafIndex, credentialHash);
    }

    function nodeHash(bytes32 left, bytes32 right) external pure returns (bytes32) {
        return CredentialMerkle.nodeHash(left, right);
    }

    function batchIdOf(uint24 institutionId, bytes32 merkleRoot) external pure returns (bytes32) {
        return CredentialMerkle.batchIdOf(institutionId, merkleRoot);
    }

    function computeRoot(uint256 leafIndex, uint256 leafCount, bytes32 credentialHash, bytes32[] calldata proof)
        external
        pure
        returns (bool ok, bytes32 root)
    {
        return CredentialMerkle.computeRoot(leafIndex, leafCount, credentialHash, proof);
    }
}
