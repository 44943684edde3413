// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ICredentialRegistry} from "../../contracts/interfaces/ICredentialRegistry.sol";
import {RegistryTestBase} from "./helpers/RegistryTestBase.sol";
import {vm} from "./helpers/Vm.sol";

/// @notice Fuzzed properties of the revocation and suspension bitmaps: a change to index i
/// touches bit i only, and indices outside the batch are rejected with the exact error.
contract StatusBitsTest is RegistryTestBase {
    uint16 private constant REASON = 7;

    /// @dev One run in four uses a small batch (1..1024 leaves) so window edges (255/256,
    /// 511/512) and i-1/i+1 at both ends of the batch are hit often.
    function _batch(uint256 leafCountSeed) private returns (bytes32 batchId, uint32 leafCount) {
        leafCount = leafCountSeed % 4 == 0
            ? uint32(_bound(leafCountSeed >> 2, 1, 1024))
            : uint32(_bound(leafCountSeed >> 2, 1, type(uint32).max));
        batchId = _anchor(keccak256(abi.encode("status-bits", leafCount)), leafCount);
    }

    /// @dev i-1, i+1 and the same position in a neighbouring 256-window stay Valid when in range.
    function _assertNeighboursValid(bytes32 batchId, uint256 index, uint32 leafCount) private view {
        if (index > 0) _assertStatus(batchId, index - 1, ICredentialRegistry.CredentialStatus.Valid, "i-1");
        if (index + 1 < leafCount) _assertStatus(batchId, index + 1, ICredentialRegistry.CredentialStatus.Valid, "i+1");
        uint256 otherWindow = index >= 256 ? index - 256 : index + 256;
        if (otherWindow < leafCount) {
            _assertStatus(batchId, otherWindow, ICredentialRegistry.CredentialStatus.Valid, "other window");
            require(_bitmapWord(REVOKED_BITS_SLOT, batchId, otherWindow) == 0, "other window's revoked word is clean");
            require(_bitmapWord(SUSPENDED_BITS_SLOT, batchId, otherWindow) == 0, "other window's suspended word is clean");
        }
    }

    function testFuzz_revokingIndexSetsOnlyItsBit(uint256 leafCountSeed, uint256 indexSeed) public {
        (bytes32 batchId, uint32 leafCount) = _batch(leafCountSeed);
        uint256 index = indexSeed % leafCount;

        registry.revokeCredentials(batchId, _one(index), REASON);

        _assertStatus(batchId, index, ICredentialRegistry.CredentialStatus.Revoked, "i");
        require(_bitmapWord(REVOKED_BITS_SLOT, batchId, index) == 1 << (index & 0xff), "revoked word == bit i");
        require(_bitmapWord(SUSPENDED_BITS_SLOT, batchId, index) == 0, "suspended word untouched");
        _assertNeighboursValid(batchId, index, leafCount);
    }

    function testFuzz_suspendingIndexSetsOnlyItsBitAndReinstatingClearsIt(uint256 leafCountSeed, uint256 indexSeed)
        public
    {
        (bytes32 batchId, uint32 leafCount) = _batch(leafCountSeed);
        uint256 index = indexSeed % leafCount;

        registry.suspendCredentials(batchId, _one(index), REASON);
        _assertStatus(batchId, index, ICredentialRegistry.CredentialStatus.Suspended, "i suspended");
        require(_bitmapWord(SUSPENDED_BITS_SLOT, batchId, index) == 1 << (index & 0xff), "suspended word == bit i");
        require(_bitmapWord(REVOKED_BITS_SLOT, batchId, index) == 0, "revoked word untouched");
        _assertNeighboursValid(batchId, index, leafCount);

        registry.reinstateCredentials(batchId, _one(index), REASON);
        _assertStatus(batchId, index, ICredentialRegistry.CredentialStatus.Valid, "i reinstated");
        require(_bitmapWord(SUSPENDED_BITS_SLOT, batchId, index) == 0, "suspended word clean again");
    }

    function testFuzz_revokingTwoIndicesSetsExactlyTheirBits(uint256 leafCountSeed, uint256 aSeed, uint256 bSeed)
        public
    {
        (bytes32 batchId, uint32 leafCount) = _batch(leafCountSeed);
        uint256 a = aSeed % leafCount;
        uint256 b = bSeed % leafCount;
        vm.assume(a != b);
        uint256[] memory indices = new uint256[](2);
        (indices[0], indices[1]) = (a, b);

        registry.revokeCredentials(batchId, indices, REASON);

        if (a >> 8 == b >> 8) {
            require(
                _bitmapWord(REVOKED_BITS_SLOT, batchId, a) == (1 << (a & 0xff)) | (1 << (b & 0xff)), "shared word"
            );
        } else {
            require(_bitmapWord(REVOKED_BITS_SLOT, batchId, a) == 1 << (a & 0xff), "word of a");
            require(_bitmapWord(REVOKED_BITS_SLOT, batchId, b) == 1 << (b & 0xff), "word of b");
        }
        _assertStatus(batchId, a, ICredentialRegistry.CredentialStatus.Revoked, "a");
        _assertStatus(batchId, b, ICredentialRegistry.CredentialStatus.Revoked, "b");
    }

    function testFuzz_outOfRangeIndicesAreRejected(uint256 leafCountSeed, uint256 indexSeed, uint256 inRangeSeed)
        public
    {
        (bytes32 batchId, uint32 leafCount) = _batch(leafCountSeed);
        uint256 index = indexSeed < leafCount ? leafCount + indexSeed : indexSeed; // any index >= leafCount
        bytes memory expected = abi.encodeWithSelector(
            ICredentialRegistry.CredentialRegistryLeafIndexOutOfRange.selector, batchId, index, leafCount
        );
        // The bad index is rejected wherever it sits in the list.
        uint256[] memory indices = new uint256[](2);
        (indices[0], indices[1]) = (inRangeSeed % leafCount, index);

        vm.expectRevert(expected);
        registry.revokeCredentials(batchId, indices, REASON);
        vm.expectRevert(expected);
        registry.suspendCredentials(batchId, _one(index), REASON);
        vm.expectRevert(expected);
        registry.reinstateCredentials(batchId, _one(index), REASON);

        _assertStatus(batchId, index, ICredentialRegistry.CredentialStatus.IndexOutOfRange, "status");
        _assertVerify(
            batchId,
            index,
            bytes32(0),
            new bytes32[](0),
            false,
            ICredentialRegistry.CredentialStatus.IndexOutOfRange,
            "verify"
        );
        require(_bitmapWord(REVOKED_BITS_SLOT, batchId, indices[0]) == 0, "nothing was written");
    }

    function testFuzz_duplicateIndexInOneCallIsRejected(uint256 leafCountSeed, uint256 indexSeed) public {
        (bytes32 batchId, uint32 leafCount) = _batch(leafCountSeed);
        uint256 index = indexSeed % leafCount;
        uint256[] memory indices = new uint256[](2);
        (indices[0], indices[1]) = (index, index);

        vm.expectRevert(
            abi.encodeWithSelector(ICredentialRegistry.CredentialRegistryAlreadyRevoked.selector, batchId, index)
        );
        registry.revokeCredentials(batchId, indices, REASON);
        vm.expectRevert(
            abi.encodeWithSelector(ICredentialRegistry.CredentialRegistryAlreadySuspended.selector, batchId, index)
        );
        registry.suspendCredentials(batchId, indices, REASON);
    }

    function testFuzz_outsiderCannotChangeStatus(address caller, uint256 indexSeed) public {
        vm.assume(caller != address(this));
        (bytes32 batchId, uint32 leafCount) = _batch(indexSeed);
        uint256 index = indexSeed % leafCount;
        vm.expectRevert(
            abi.encodeWithSelector(
                ICredentialRegistry.CredentialRegistryUnauthorized.selector,
                INSTITUTION,
                caller,
                registry.ROLE_ADMIN() | registry.ROLE_REVOKER()
            )
        );
        vm.prank(caller);
        registry.revokeCredentials(batchId, _one(index), REASON);
    }
}
