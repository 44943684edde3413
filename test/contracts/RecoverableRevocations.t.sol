// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CredentialRegistryV2} from "../../contracts/CredentialRegistryV2.sol";
import {ICredentialRegistryV2} from "../../contracts/interfaces/ICredentialRegistryV2.sol";
import {vm} from "./helpers/Vm.sol";

/// @notice Fuzzed invariants of registry v2's recoverable revocations: a bit is cleared only if
/// its last setter was the compromised key at or after the key's cut-off, every such bit is
/// cleared, and a history that differs from the chain's in any field clears nothing.
contract RecoverableRevocationsTest {
    CredentialRegistryV2 private registry;
    bytes32 private batchId;
    uint24 private constant INSTITUTION = 1;
    uint40 private constant DELAY = 1 days;
    address private constant LEGIT = address(0xA11CE);
    address private constant STOLEN = address(0xBAD);
    uint40 private constant START = 1_000_000;

    ICredentialRegistryV2.RevocationChange[] private history;

    function setUp() public {
        vm.warp(START);
        registry = new CredentialRegistryV2(address(this), 0, DELAY, 1_000);
        registry.registerInstitution("Fuzz University", "fuzz.example", "", bytes32(0), address(this));
        registry.grantRoles(INSTITUTION, address(this), registry.ROLE_ANCHORER());
        registry.grantRoles(INSTITUTION, LEGIT, registry.ROLE_REVOKER());
        registry.grantRoles(INSTITUTION, STOLEN, registry.ROLE_REVOKER());
        batchId = registry.anchor(
            INSTITUTION,
            ICredentialRegistryV2.AnchorRequest({
                merkleRoot: keccak256("recoverable"), leafCount: 128, formatVersion: 1, manifestHash: bytes32(0)
            })
        );
    }

    function _indices(uint256 mask) private pure returns (uint256[] memory indices) {
        uint256 count;
        for (uint256 i; i < 128; ++i) {
            if (mask >> i & 1 == 1) ++count;
        }
        indices = new uint256[](count);
        uint256 next;
        for (uint256 i; i < 128; ++i) {
            if (mask >> i & 1 == 1) indices[next++] = i;
        }
    }

    /// @dev Up to 8 revocations in window 0, each by LEGIT or STOLEN a few seconds apart, then
    /// STOLEN is marked compromised from a fuzzed cut-off. Returns the bits set and the bits
    /// whose setter was STOLEN at or after the cut-off (each bit is set at most once).
    function _play(uint256 seed, uint256 cutoffSeed) private returns (uint256 bits, uint256 expected, uint40 cutoff) {
        uint256 steps = 1 + seed % 8;
        uint40 at = START;
        uint40[] memory times = new uint40[](steps);
        address[] memory actors = new address[](steps);
        uint256[] memory masks = new uint256[](steps);
        for (uint256 s; s < steps; ++s) {
            at += uint40(1 + (uint256(keccak256(abi.encode(seed, s, "dt"))) % 50));
            uint256 mask = uint256(keccak256(abi.encode(seed, s, "mask"))) & type(uint128).max & ~bits;
            if (mask == 0) continue;
            address actor = uint256(keccak256(abi.encode(seed, s, "who"))) % 2 == 0 ? LEGIT : STOLEN;
            vm.warp(at);
            vm.prank(actor);
            registry.revokeCredentials(batchId, _indices(mask), 1);
            bits |= mask;
            times[s] = at;
            actors[s] = actor;
            masks[s] = mask;
            history.push(ICredentialRegistryV2.RevocationChange({actor: actor, at: at, cleared: false, mask: mask}));
        }
        cutoff = START + uint40(cutoffSeed % (uint256(at - START) + 2));
        for (uint256 s; s < steps; ++s) {
            if (actors[s] == STOLEN && times[s] >= cutoff) expected |= masks[s];
        }
        vm.warp(at + 1);
        registry.markKeyCompromised(INSTITUTION, STOLEN, cutoff);
        if (cutoff < at + 1) {
            vm.warp(at + 1 + DELAY);
            registry.executeKeyCompromise(INSTITUTION, STOLEN);
        }
    }

    function testFuzz_clearsExactlyTheCompromisedKeysLaterBits(uint256 seed, uint256 cutoffSeed) public {
        (uint256 bits, uint256 expected,) = _play(seed, cutoffSeed);
        if (expected == 0) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    ICredentialRegistryV2.CredentialRegistryNothingToClear.selector, batchId, uint256(0), STOLEN
                )
            );
            registry.clearCompromisedRevocations(batchId, 0, STOLEN, history, 8);
            return;
        }
        uint256 cleared = registry.clearCompromisedRevocations(batchId, 0, STOLEN, history, 8);
        require(cleared == expected, "cleared exactly the stolen key's bits from its cut-off on");
        (uint256 remaining,) = registry.revocationWord(batchId, 0);
        require(remaining == bits & ~expected, "every other bit stays set");
        for (uint256 i; i < 128; ++i) {
            ICredentialRegistryV2.CredentialStatus status = registry.credentialStatus(batchId, i);
            bool revoked = remaining >> i & 1 == 1;
            require(
                status == (revoked ? ICredentialRegistryV2.CredentialStatus.Revoked : ICredentialRegistryV2.CredentialStatus.Valid),
                "status follows the bits"
            );
        }
    }

    function testFuzz_aHistoryThatDiffersInAnyFieldClearsNothing(uint256 seed, uint256 cutoffSeed, uint256 tamperSeed)
        public
    {
        _play(seed, cutoffSeed);
        vm.assume(history.length > 0);
        (uint256 before, uint128 tagBefore) = registry.revocationWord(batchId, 0);
        ICredentialRegistryV2.RevocationChange storage change = history[tamperSeed % history.length];
        uint256 field = (tamperSeed >> 8) % 3;
        if (field == 0) change.actor = change.actor == STOLEN ? LEGIT : STOLEN; // claim the other key set it
        else if (field == 1) change.at += uint40(1 + (tamperSeed >> 16) % 1000); // claim it was later
        else change.mask ^= 1 << ((tamperSeed >> 16) % 128); // claim other bits
        vm.expectRevert(
            abi.encodeWithSelector(ICredentialRegistryV2.CredentialRegistryHistoryMismatch.selector, batchId, uint256(0))
        );
        registry.clearCompromisedRevocations(batchId, 0, STOLEN, history, 8);
        (uint256 afterBits, uint128 tagAfter) = registry.revocationWord(batchId, 0);
        require(afterBits == before && tagAfter == tagBefore, "the word is untouched");
    }
}
