// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICredentialRegistry} from "../../contracts/interfaces/ICredentialRegistry.sol";
import {CredentialMerkle} from "../../contracts/libraries/CredentialMerkle.sol";
import {CredentialMerkleHarness} from "../../contracts/mocks/CredentialMerkleHarness.sol";
import {RegistryTestBase} from "./helpers/RegistryTestBase.sol";
import {vm} from "./helpers/Vm.sol";

/// @notice Checks the Solidity twin (CredentialMerkle, and the registry built on it) against
/// test/vectors/merkle-v1.json, the golden vectors generated from core/ by
/// scripts/generate-vectors.ts. test/core/vectors.test.ts checks the same file against core/.
/// Struct fields are in alphabetical order: the order in which vm.parseJson fills them.
contract GoldenVectorsTest is RegistryTestBase {
    string private constant VECTORS = "test/vectors/merkle-v1.json";

    struct LeafVector {
        bytes32 credentialHash;
        bytes32 leafHash;
        uint256 leafIndex;
    }

    struct NodeVector {
        bytes32 left;
        bytes32 node;
        bytes32 right;
    }

    struct BatchIdVector {
        bytes32 batchId;
        uint256 institutionId;
        bytes32 merkleRoot;
    }

    struct ProofCase {
        bytes32 credentialHash;
        uint256 leafCount;
        uint256 leafIndex;
        bytes32[] proof;
        bytes32 root;
    }

    struct TreeVector {
        bytes32[] credentialHashes;
        uint256 leafCount;
        bytes32[][] proofs;
        bytes32 root;
    }

    CredentialMerkleHarness private harness;
    string private json;

    function setUp() public override {
        super.setUp();
        harness = new CredentialMerkleHarness();
        json = vm.readFile(VECTORS);
    }

    function test_leafHashesMatch() public view {
        LeafVector[] memory leaves = abi.decode(vm.parseJson(json, ".leaves"), (LeafVector[]));
        require(leaves.length >= 5, "vectors: too few leaves");
        for (uint256 i; i < leaves.length; ++i) {
            LeafVector memory v = leaves[i];
            require(CredentialMerkle.leafHash(v.leafIndex, v.credentialHash) == v.leafHash, "library leafHash");
            require(harness.leafHash(v.leafIndex, v.credentialHash) == v.leafHash, "harness leafHash");
        }
    }

    function test_nodeHashesMatch() public view {
        NodeVector[] memory nodes = abi.decode(vm.parseJson(json, ".nodes"), (NodeVector[]));
        require(nodes.length >= 3, "vectors: too few nodes");
        for (uint256 i; i < nodes.length; ++i) {
            NodeVector memory v = nodes[i];
            require(CredentialMerkle.nodeHash(v.left, v.right) == v.node, "library nodeHash");
            require(harness.nodeHash(v.left, v.right) == v.node, "harness nodeHash");
        }
    }

    function test_batchIdsMatch() public view {
        BatchIdVector[] memory ids = abi.decode(vm.parseJson(json, ".batchIds"), (BatchIdVector[]));
        require(ids.length >= 3, "vectors: too few batch ids");
        for (uint256 i; i < ids.length; ++i) {
            BatchIdVector memory v = ids[i];
            require(v.institutionId <= type(uint24).max, "vectors: institution id out of uint24");
            uint24 institutionId = uint24(v.institutionId);
            require(CredentialMerkle.batchIdOf(institutionId, v.merkleRoot) == v.batchId, "library batchIdOf");
            require(harness.batchIdOf(institutionId, v.merkleRoot) == v.batchId, "harness batchIdOf");
            require(registry.batchIdOf(institutionId, v.merkleRoot) == v.batchId, "registry batchIdOf");
            require(keccak256(abi.encode(v.institutionId, v.merkleRoot)) == v.batchId, "abi.encode form");
        }
    }

    /// @dev Each tree: the root rebuilt here from its credential hashes, and every proof
    /// regenerated here, equal the vectors.
    function test_treeRootsAndProofsMatch() public view {
        TreeVector[] memory trees = _trees();
        for (uint256 t; t < trees.length; ++t) {
            TreeVector memory v = trees[t];
            require(v.credentialHashes.length == v.leafCount && v.proofs.length == v.leafCount, "vectors: tree shape");
            require(_root(v.credentialHashes) == v.root, string.concat("root of tree ", vm.toString(t)));
            for (uint256 i; i < v.leafCount; ++i) {
                _checkVectorProof(v, i);
            }
        }
    }

    /// @dev The vector trees anchored in the registry: every vector proof verifies as Valid,
    /// and fails at the neighbouring index.
    function test_vectorTreesVerifyOnChain() public {
        TreeVector[] memory trees = _trees();
        for (uint256 t; t < trees.length; ++t) {
            TreeVector memory v = trees[t];
            bytes32 batchId = _anchor(v.root, uint32(v.leafCount));
            for (uint256 i; i < v.leafCount; ++i) {
                _verifyVectorProof(v, batchId, i);
            }
        }
    }

    /// @dev Read field by field: decoding the nested bytes32[][] of a struct array in one
    /// abi.decode makes the legacy code generator run out of stack.
    function _trees() private view returns (TreeVector[] memory trees) {
        uint256 count;
        while (vm.keyExistsJson(json, string.concat(".trees[", vm.toString(count), "]"))) {
            ++count;
        }
        require(count >= 5, "vectors: too few trees");
        trees = new TreeVector[](count);
        for (uint256 t; t < count; ++t) {
            string memory at = string.concat(".trees[", vm.toString(t), "]");
            TreeVector memory v = trees[t];
            v.credentialHashes = vm.parseJsonBytes32Array(json, string.concat(at, ".credentialHashes"));
            v.leafCount = vm.parseJsonUint(json, string.concat(at, ".leafCount"));
            v.root = vm.parseJsonBytes32(json, string.concat(at, ".root"));
            v.proofs = new bytes32[][](v.leafCount);
            for (uint256 i; i < v.leafCount; ++i) {
                v.proofs[i] =
                    vm.parseJsonBytes32Array(json, string.concat(at, ".proofs[", vm.toString(i), "]"));
            }
        }
    }

    /// @dev The proof regenerated here equals the vector's, and computeRoot turns it into the root.
    function _checkVectorProof(TreeVector memory v, uint256 i) private view {
        bytes32[] memory regenerated = _proof(v.credentialHashes, i, 0);
        require(keccak256(abi.encode(regenerated)) == keccak256(abi.encode(v.proofs[i])), "regenerated proof");
        (bool ok, bytes32 root) = harness.computeRoot(i, v.leafCount, v.credentialHashes[i], v.proofs[i]);
        require(ok && root == v.root, "computeRoot of a vector proof");
    }

    function _verifyVectorProof(TreeVector memory v, bytes32 batchId, uint256 i) private view {
        _assertVerify(batchId, i, v.credentialHashes[i], v.proofs[i], true, ICredentialRegistry.CredentialStatus.Valid, "vector");
        if (v.leafCount > 1) {
            _assertVerify(
                batchId,
                (i + 1) % v.leafCount,
                v.credentialHashes[i],
                v.proofs[i],
                false,
                ICredentialRegistry.CredentialStatus.ProofInvalid,
                "vector proof at the wrong index"
            );
        }
    }

    function test_proofCasesComputeTheirRoots() public view {
        ProofCase[] memory cases = abi.decode(vm.parseJson(json, ".proofCases"), (ProofCase[]));
        require(cases.length >= 10, "vectors: too few proof cases");
        for (uint256 i; i < cases.length; ++i) {
            ProofCase memory c = cases[i];
            (bool ok, bytes32 root) = harness.computeRoot(c.leafIndex, c.leafCount, c.credentialHash, c.proof);
            require(ok && root == c.root, string.concat("proof case ", vm.toString(i)));
        }
    }
}
