// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICredentialRegistry} from "../../contracts/interfaces/ICredentialRegistry.sol";
import {CredentialMerkle} from "../../contracts/libraries/CredentialMerkle.sol";
import {CredentialMerkleHarness} from "../../contracts/mocks/CredentialMerkleHarness.sol";
import {RegistryTestBase} from "./helpers/RegistryTestBase.sol";
import {vm} from "./helpers/Vm.sol";

/// @notice Fuzzed properties of proofs against anchored batches: every leaf is provable, a proof
/// is bound to its index, one flipped bit anywhere breaks it, and an internal node never
/// passes as a leaf.
contract MerkleProofsTest is RegistryTestBase {
    uint256 private constant MAX_LEAVES = 64;

    CredentialMerkleHarness private harness;

    function setUp() public override {
        super.setUp();
        harness = new CredentialMerkleHarness();
    }

    struct Tree {
        bytes32[] hashes;
        bytes32 root;
        bytes32 batchId;
        uint256 n;
    }

    function _anchoredTree(uint256 nSeed, uint256 seed, uint256 minLeaves) private returns (Tree memory t) {
        t.n = _bound(nSeed, minLeaves, MAX_LEAVES);
        t.hashes = _credentialHashes(t.n, seed);
        t.root = _root(t.hashes);
        t.batchId = _anchor(t.root, uint32(t.n));
    }

    function testFuzz_everyLeafIsProvable(uint256 nSeed, uint256 seed, uint256 iSeed) public {
        Tree memory t = _anchoredTree(nSeed, seed, 1);
        uint256 i = iSeed % t.n;
        bytes32[] memory proof = _proof(t.hashes, i, 0);

        (bool ok, bytes32 root) = harness.computeRoot(i, t.n, t.hashes[i], proof);
        require(ok && root == t.root, "computeRoot gives the tree's root");
        _assertVerify(t.batchId, i, t.hashes[i], proof, true, ICredentialRegistry.CredentialStatus.Valid, "verify");
    }

    /// @dev The library itself rejects an index outside the tree (the registry checks first,
    /// so only the harness reaches this branch).
    function testFuzz_computeRootRejectsIndexOutsideTheTree(uint256 leafIndex, uint256 leafCount, bytes32 hash)
        public
        view
    {
        vm.assume(leafIndex >= leafCount);
        (bool ok, bytes32 root) = harness.computeRoot(leafIndex, leafCount, hash, new bytes32[](0));
        require(!ok && root == bytes32(0), "out-of-tree index rejected");
    }

    function testFuzz_proofForIndexIDoesNotPassForIndexJ(uint256 nSeed, uint256 seed, uint256 iSeed, uint256 jSeed)
        public
    {
        Tree memory t = _anchoredTree(nSeed, seed, 2);
        uint256 i = iSeed % t.n;
        uint256 j = jSeed % t.n;
        vm.assume(i != j);
        _assertVerify(
            t.batchId,
            j,
            t.hashes[i],
            _proof(t.hashes, i, 0),
            false,
            ICredentialRegistry.CredentialStatus.ProofInvalid,
            "i's proof at j"
        );
        // Also with j's own siblings (right shape for j) but i's credential.
        _assertVerify(
            t.batchId,
            j,
            t.hashes[i],
            _proof(t.hashes, j, 0),
            false,
            ICredentialRegistry.CredentialStatus.ProofInvalid,
            "i's credential with j's proof"
        );
    }

    /// @dev target 0: the credential hash; 1: the root (and so the batch id); 2..: sibling k.
    function testFuzz_oneBitFlipBreaksTheProof(uint256 nSeed, uint256 seed, uint256 iSeed, uint8 bit, uint256 target)
        public
    {
        Tree memory t = _anchoredTree(nSeed, seed, 1);
        uint256 i = iSeed % t.n;
        bytes32[] memory proof = _proof(t.hashes, i, 0);
        bytes32 hash = t.hashes[i];
        bytes32 flip = bytes32(uint256(1) << bit);
        uint256 which = target % (proof.length + 2);

        if (which == 0) {
            _assertVerify(
                t.batchId, i, hash ^ flip, proof, false, ICredentialRegistry.CredentialStatus.ProofInvalid, "hash"
            );
        } else if (which == 1) {
            // The flipped batch id is unknown ...
            _assertVerify(
                t.batchId ^ flip, i, hash, proof, false, ICredentialRegistry.CredentialStatus.UnknownBatch, "batch id"
            );
            // ... and a batch whose root differs by one bit does not accept the proof either.
            bytes32 otherBatch = _anchor(t.root ^ flip, uint32(t.n));
            _assertVerify(
                otherBatch, i, hash, proof, false, ICredentialRegistry.CredentialStatus.ProofInvalid, "flipped root"
            );
        } else {
            proof[which - 2] ^= flip;
            _assertVerify(
                t.batchId, i, hash, proof, false, ICredentialRegistry.CredentialStatus.ProofInvalid, "sibling"
            );
        }
    }

    function testFuzz_wrongProofLengthIsRejected(uint256 nSeed, uint256 seed, uint256 iSeed, bytes32 extra) public {
        Tree memory t = _anchoredTree(nSeed, seed, 1);
        uint256 i = iSeed % t.n;
        bytes32[] memory proof = _proof(t.hashes, i, 0);

        bytes32[] memory longer = new bytes32[](proof.length + 1);
        for (uint256 k; k < proof.length; ++k) {
            longer[k] = proof[k];
        }
        longer[proof.length] = extra;
        _assertVerify(t.batchId, i, t.hashes[i], longer, false, ICredentialRegistry.CredentialStatus.ProofInvalid, "+1");

        if (proof.length > 0) {
            bytes32[] memory shorter = new bytes32[](proof.length - 1);
            for (uint256 k; k < shorter.length; ++k) {
                shorter[k] = proof[k];
            }
            _assertVerify(
                t.batchId, i, t.hashes[i], shorter, false, ICredentialRegistry.CredentialStatus.ProofInvalid, "-1"
            );
        }
    }

    /// @dev The case the brief names: node = nodeHash(l0, l1) of a 4-leaf tree, presented as a
    /// credential with the shorter proof [node(l2, l3)] (and with full-length proofs) at every k.
    function testFuzz_internalNodeOfFourLeafTreeIsNotALeaf(uint256 seed, bytes32 filler) public {
        bytes32[] memory hashes = _credentialHashes(4, seed);
        bytes32 batchId = _anchor(_root(hashes), 4);
        bytes32 node01 = CredentialMerkle.nodeHash(
            CredentialMerkle.leafHash(0, hashes[0]), CredentialMerkle.leafHash(1, hashes[1])
        );
        bytes32 node23 = CredentialMerkle.nodeHash(
            CredentialMerkle.leafHash(2, hashes[2]), CredentialMerkle.leafHash(3, hashes[3])
        );
        bytes32[] memory shorter = new bytes32[](1);
        shorter[0] = node23;
        bytes32[] memory padded = new bytes32[](2);
        (padded[0], padded[1]) = (filler, node23);

        for (uint256 k; k < 4; ++k) {
            _assertVerify(batchId, k, node01, shorter, false, ICredentialRegistry.CredentialStatus.ProofInvalid, "short");
            _assertVerify(batchId, k, node01, padded, false, ICredentialRegistry.CredentialStatus.ProofInvalid, "padded");
            _assertVerify(
                batchId, k, node01, _proof(hashes, k, 0), false, ICredentialRegistry.CredentialStatus.ProofInvalid, "full"
            );
        }
    }

    /// @dev Generalisation: any internal node of any tree, with its own path to the root, at every index.
    function testFuzz_anyInternalNodeIsNotALeaf(uint256 nSeed, uint256 seed, uint256 depthSeed, uint256 posSeed)
        public
    {
        Tree memory t = _anchoredTree(nSeed, seed, 2);
        uint256 height; // number of levels above the leaves
        for (uint256 w = t.n; w > 1; w = (w + 1) / 2) {
            ++height;
        }
        uint256 depth = _bound(depthSeed, 1, height);
        uint256 width = t.n;
        for (uint256 d; d < depth; ++d) {
            width = (width + 1) / 2;
        }
        uint256 position = posSeed % width;
        bytes32 node = _node(t.hashes, depth, position);
        // The node's path upward: the proof of its first leaf from `depth` on.
        bytes32[] memory upper = _proof(t.hashes, position << depth, depth);

        for (uint256 k; k < t.n; ++k) {
            _assertVerify(t.batchId, k, node, upper, false, ICredentialRegistry.CredentialStatus.ProofInvalid, "upper");
        }
    }
}
