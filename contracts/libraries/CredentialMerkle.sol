// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title CredentialMerkle
 * @notice Leaf and node hashing and proof checking for credanchor batch trees.
 * @dev TWIN: core/hash.ts (`leafHash`, `nodeHash`, `batchIdOf`) and core/merkle.ts
 * (`computeRootFromProof`) compute exactly the same values; test/vectors/merkle-v1.json
 * is checked against both (test/contracts/GoldenVectors.t.sol and test/core/vectors.test.ts).
 *
 * - leaf = keccak256(0x00 ‖ uint256(leafIndex) ‖ credentialHash)
 * - node = keccak256(0x01 ‖ left ‖ right)
 * The tags keep a 65-byte node preimage from ever equalling a leaf preimage (an
 * internal node cannot pass as a credential, the weakness OpenZeppelin's MerkleProof
 * warns about), and the index in the leaf binds a proof to one position.
 * Trees keep input order; an odd last node at any level is promoted unchanged.
 */
library CredentialMerkle {
    /// @notice Hash of the leaf at `leafIndex` holding `credentialHash`.
    function leafHash(uint256 leafIndex, bytes32 credentialHash) internal pure returns (bytes32 result) {
        // Scratch memory at the free pointer, not abi.encodePacked: no allocation, and
        // this runs once per verification (and 2^depth times in tree-building tests).
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore8(ptr, 0x00)
            mstore(add(ptr, 1), leafIndex)
            mstore(add(ptr, 33), credentialHash)
            result := keccak256(ptr, 65)
        }
    }

    /// @notice Hash of the internal node whose children are `left` and `right`.
    function nodeHash(bytes32 left, bytes32 right) internal pure returns (bytes32 result) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore8(ptr, 0x01)
            mstore(add(ptr, 1), left)
            mstore(add(ptr, 33), right)
            result := keccak256(ptr, 65)
        }
    }

    /// @notice The batch id of `merkleRoot` in `institutionId`: keccak256(abi.encode(uint256, bytes32)).
    function batchIdOf(uint24 institutionId, bytes32 merkleRoot) internal pure returns (bytes32 result) {
        // Scratch space 0x00-0x3f is free for hashing. The mask cleans the upper bits a
        // uint24 may carry in assembly.
        assembly ("memory-safe") {
            mstore(0x00, and(institutionId, 0xffffff))
            mstore(0x20, merkleRoot)
            result := keccak256(0x00, 0x40)
        }
    }

    /// @notice Recomputes the root of a `leafCount`-leaf tree from the leaf at `leafIndex`.
    /// @return ok False if `leafIndex >= leafCount` or `proof` has the wrong length for
    /// that position; then `root` is zero.
    /// @return root The recomputed root.
    function computeRoot(uint256 leafIndex, uint256 leafCount, bytes32 credentialHash, bytes32[] calldata proof)
        internal
        pure
        returns (bool ok, bytes32 root)
    {
        if (leafIndex >= leafCount) return (false, bytes32(0));
        root = leafHash(leafIndex, credentialHash);
        uint256 position = leafIndex;
        uint256 width = leafCount;
        uint256 used;
        // unchecked: width >= 2 inside the loop, position < width, used is bounded by
        // proof.length (checked before each read); nothing can overflow.
        unchecked {
            while (width > 1) {
                // A node has a sibling unless it is the odd last node of its level.
                if ((position ^ 1) < width) {
                    if (used == proof.length) return (false, bytes32(0));
                    bytes32 sibling = proof[used++];
                    root = (position & 1 == 0) ? nodeHash(root, sibling) : nodeHash(sibling, root);
                }
                position >>= 1;
                width = (width + 1) >> 1;
            }
        }
        if (used != proof.length) return (false, bytes32(0));
        return (true, root);
    }
}
