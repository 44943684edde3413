// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CredentialRegistry} from "../../../contracts/CredentialRegistry.sol";
import {ICredentialRegistry} from "../../../contracts/interfaces/ICredentialRegistry.sol";
import {CredentialMerkle} from "../../../contracts/libraries/CredentialMerkle.sol";
import {vm} from "./Vm.sol";

/// @notice Shared setup for the Solidity tests: a registry governed by this contract, one
/// institution whose admin and anchorer is this contract, and an in-memory Merkle tree builder
/// that uses CredentialMerkle's own hashing.
abstract contract RegistryTestBase {
    CredentialRegistry internal registry;
    uint24 internal constant INSTITUTION = 1;
    /// @dev Storage slots of the two bitmaps (checked against `solc --storage-layout`).
    uint256 internal constant REVOKED_BITS_SLOT = 8;
    uint256 internal constant SUSPENDED_BITS_SLOT = 9;

    function setUp() public virtual {
        registry = new CredentialRegistry(address(this), 0);
        registry.registerInstitution("Fuzz University", "fuzz.example", "", bytes32(0), address(this));
        registry.grantRoles(INSTITUTION, address(this), registry.ROLE_ANCHORER() | registry.ROLE_REVOKER());
    }

    // -----------------------------------------------------------------
    // Registry helpers
    // -----------------------------------------------------------------

    function _anchor(bytes32 root, uint32 leafCount) internal returns (bytes32 batchId) {
        return registry.anchor(
            INSTITUTION,
            ICredentialRegistry.AnchorRequest({
                merkleRoot: root, leafCount: leafCount, formatVersion: 1, manifestHash: bytes32(0)
            })
        );
    }

    function _one(uint256 index) internal pure returns (uint256[] memory indices) {
        indices = new uint256[](1);
        indices[0] = index;
    }

    function _status(bytes32 batchId, uint256 index) internal view returns (ICredentialRegistry.CredentialStatus) {
        return registry.credentialStatus(batchId, index);
    }

    /// @dev The raw bitmap word holding `index` (slot of mapping[batchId][index >> 8]).
    function _bitmapWord(uint256 mappingSlot, bytes32 batchId, uint256 index) internal view returns (uint256) {
        bytes32 inner = keccak256(abi.encode(batchId, mappingSlot));
        return uint256(vm.load(address(registry), keccak256(abi.encode(index >> 8, inner))));
    }

    // -----------------------------------------------------------------
    // Merkle trees (same hashing as CredentialMerkle, built level by level)
    // -----------------------------------------------------------------

    function _credentialHashes(uint256 n, uint256 seed) internal pure returns (bytes32[] memory hashes) {
        hashes = new bytes32[](n);
        for (uint256 i; i < n; ++i) {
            hashes[i] = keccak256(abi.encode(seed, i));
        }
    }

    function _leaves(bytes32[] memory hashes) internal pure returns (bytes32[] memory level) {
        level = new bytes32[](hashes.length);
        for (uint256 i; i < hashes.length; ++i) {
            level[i] = CredentialMerkle.leafHash(i, hashes[i]);
        }
    }

    function _nextLevel(bytes32[] memory level) internal pure returns (bytes32[] memory next) {
        next = new bytes32[]((level.length + 1) / 2);
        for (uint256 i; i < next.length; ++i) {
            next[i] = 2 * i + 1 < level.length ? CredentialMerkle.nodeHash(level[2 * i], level[2 * i + 1]) : level[2 * i];
        }
    }

    function _root(bytes32[] memory hashes) internal pure returns (bytes32) {
        bytes32[] memory level = _leaves(hashes);
        while (level.length > 1) {
            level = _nextLevel(level);
        }
        return level[0];
    }

    /// @dev The proof of `index`, starting at tree level `fromLevel` (0 = the full leaf proof).
    function _proof(bytes32[] memory hashes, uint256 index, uint256 fromLevel)
        internal
        pure
        returns (bytes32[] memory proof)
    {
        bytes32[] memory buffer = new bytes32[](256);
        uint256 length;
        bytes32[] memory level = _leaves(hashes);
        uint256 position = index;
        uint256 depth;
        while (level.length > 1) {
            if (depth >= fromLevel && (position ^ 1) < level.length) buffer[length++] = level[position ^ 1];
            level = _nextLevel(level);
            position >>= 1;
            ++depth;
        }
        proof = new bytes32[](length);
        for (uint256 i; i < length; ++i) {
            proof[i] = buffer[i];
        }
    }

    /// @dev Node at (`depth`, `position`) of the tree (depth 0 = leaves).
    function _node(bytes32[] memory hashes, uint256 depth, uint256 position) internal pure returns (bytes32) {
        bytes32[] memory level = _leaves(hashes);
        for (uint256 d; d < depth; ++d) {
            level = _nextLevel(level);
        }
        return level[position];
    }

    // -----------------------------------------------------------------
    // Assertions and fuzz input shaping
    // -----------------------------------------------------------------

    function _bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        return min + (x % (max - min + 1));
    }

    function _assertStatus(
        bytes32 batchId,
        uint256 index,
        ICredentialRegistry.CredentialStatus expected,
        string memory what
    ) internal view {
        ICredentialRegistry.CredentialStatus actual = registry.credentialStatus(batchId, index);
        require(actual == expected, string.concat(what, ": status ", vm.toString(uint8(actual)), " != ", vm.toString(uint8(expected))));
    }

    function _assertVerify(
        bytes32 batchId,
        uint256 index,
        bytes32 credentialHash,
        bytes32[] memory proof,
        bool expectedValid,
        ICredentialRegistry.CredentialStatus expectedStatus,
        string memory what
    ) internal view {
        (bool valid, ICredentialRegistry.CredentialStatus status) = registry.verify(batchId, index, credentialHash, proof);
        require(valid == expectedValid, string.concat(what, ": valid flag"));
        require(
            status == expectedStatus,
            string.concat(what, ": status ", vm.toString(uint8(status)), " != ", vm.toString(uint8(expectedStatus)))
        );
    }
}
