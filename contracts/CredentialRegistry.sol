// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";

import {ICredentialRegistry} from "./interfaces/ICredentialRegistry.sol";
import {CredentialMerkle} from "./libraries/CredentialMerkle.sol";

/**
 * @title CredentialRegistry
 * @notice credanchor's multi-institution registry of credential batches, revocations and
 * suspensions. The specification (storage model, hashing, authority) is the NatSpec of
 * {ICredentialRegistry}; comments here explain implementation choices.
 */
contract CredentialRegistry is ICredentialRegistry, AccessControlDefaultAdminRules {
    /// @inheritdoc ICredentialRegistry
    bytes32 public constant GOVERNOR_ROLE = keccak256("credanchor.GOVERNOR_ROLE");

    /// @inheritdoc ICredentialRegistry
    uint8 public constant ROLE_ADMIN = 1;
    /// @inheritdoc ICredentialRegistry
    uint8 public constant ROLE_ANCHORER = 2;
    /// @inheritdoc ICredentialRegistry
    uint8 public constant ROLE_REVOKER = 4;

    uint8 private constant _ALL_ROLES = ROLE_ADMIN | ROLE_ANCHORER | ROLE_REVOKER;
    uint8 private constant _STATUS_ROLES = ROLE_ADMIN | ROLE_REVOKER;
    uint24 private constant _MAX_INSTITUTION_ID = type(uint24).max;

    uint24 private _institutionCount;
    mapping(uint24 institutionId => Institution) private _institutions;
    mapping(uint24 institutionId => mapping(address account => KeyRecord)) private _keys;
    mapping(bytes32 batchId => Batch) private _batches;
    mapping(bytes32 batchId => BatchRevocation) private _batchRevocations;
    mapping(bytes32 batchId => mapping(uint256 wordIndex => uint256 bits)) private _revokedBits;
    mapping(bytes32 batchId => mapping(uint256 wordIndex => uint256 bits)) private _suspendedBits;

    /// @param governanceAdmin Holder of the default admin role (two-step transfer with
    /// `adminTransferDelay`) and the first governor.
    /// @param adminTransferDelay Seconds a default-admin transfer must wait.
    constructor(address governanceAdmin, uint48 adminTransferDelay)
        AccessControlDefaultAdminRules(adminTransferDelay, governanceAdmin)
    {
        _grantRole(GOVERNOR_ROLE, governanceAdmin);
    }

    // ---------------------------------------------------------------------
    // Governance
    // ---------------------------------------------------------------------

    /// @inheritdoc ICredentialRegistry
    function registerInstitution(
        string calldata name,
        string calldata identifier,
        string calldata metadataURI,
        bytes32 metadataHash,
        address admin
    ) external onlyRole(GOVERNOR_ROLE) returns (uint24 institutionId) {
        _requireInstitutionFields(name, identifier);
        if (admin == address(0)) revert CredentialRegistryZeroAddress();
        if (_institutionCount == _MAX_INSTITUTION_ID) revert CredentialRegistryInstitutionLimitReached();
        institutionId = ++_institutionCount;

        Institution storage institution = _institutions[institutionId];
        institution.status = InstitutionStatus.Active;
        institution.registeredAt = uint40(block.timestamp);
        institution.metadataHash = metadataHash;
        institution.name = name;
        institution.identifier = identifier;
        institution.metadataURI = metadataURI;
        _keys[institutionId][admin].roles = ROLE_ADMIN;

        emit InstitutionRegistered(institutionId, admin, msg.sender, name, identifier, metadataURI, metadataHash);
        emit InstitutionRolesGranted(institutionId, admin, msg.sender, ROLE_ADMIN);
    }

    /// @inheritdoc ICredentialRegistry
    function updateInstitutionMetadata(
        uint24 institutionId,
        string calldata name,
        string calldata identifier,
        string calldata metadataURI,
        bytes32 metadataHash
    ) external onlyRole(GOVERNOR_ROLE) {
        _requireInstitutionFields(name, identifier);
        Institution storage institution = _existingInstitution(institutionId);
        institution.metadataHash = metadataHash;
        institution.name = name;
        institution.identifier = identifier;
        institution.metadataURI = metadataURI;
        emit InstitutionMetadataUpdated(institutionId, msg.sender, name, identifier, metadataURI, metadataHash);
    }

    /// @inheritdoc ICredentialRegistry
    function suspendInstitution(uint24 institutionId, uint16 reason) external onlyRole(GOVERNOR_ROLE) {
        Institution storage institution = _existingInstitution(institutionId);
        if (institution.status == InstitutionStatus.Suspended) {
            revert CredentialRegistryInstitutionSuspended(institutionId);
        }
        institution.status = InstitutionStatus.Suspended;
        emit InstitutionSuspended(institutionId, msg.sender, reason);
    }

    /// @inheritdoc ICredentialRegistry
    function reinstateInstitution(uint24 institutionId, uint16 reason) external onlyRole(GOVERNOR_ROLE) {
        Institution storage institution = _existingInstitution(institutionId);
        if (institution.status != InstitutionStatus.Suspended) {
            revert CredentialRegistryInstitutionNotSuspended(institutionId);
        }
        institution.status = InstitutionStatus.Active;
        emit InstitutionReinstated(institutionId, msg.sender, reason);
    }

    // ---------------------------------------------------------------------
    // Institution keys
    // ---------------------------------------------------------------------

    /// @inheritdoc ICredentialRegistry
    function grantRoles(uint24 institutionId, address account, uint8 roles) external {
        _existingInstitution(institutionId);
        _authorizeForInstitution(institutionId, ROLE_ADMIN);
        if (account == address(0)) revert CredentialRegistryZeroAddress();
        _requireValidRoles(roles);
        KeyRecord storage key = _keys[institutionId][account];
        if (key.compromisedFrom != 0) {
            revert CredentialRegistryKeyCompromised(institutionId, account, key.compromisedFrom);
        }
        key.roles |= roles;
        emit InstitutionRolesGranted(institutionId, account, msg.sender, roles);
    }

    /// @inheritdoc ICredentialRegistry
    function revokeRoles(uint24 institutionId, address account, uint8 roles) external {
        _existingInstitution(institutionId);
        _authorizeForInstitution(institutionId, ROLE_ADMIN);
        _requireValidRoles(roles);
        _keys[institutionId][account].roles &= ~roles;
        emit InstitutionRolesRevoked(institutionId, account, msg.sender, roles);
    }

    /// @inheritdoc ICredentialRegistry
    function markKeyCompromised(uint24 institutionId, address account, uint40 compromisedFrom) external {
        _existingInstitution(institutionId);
        _authorizeForInstitution(institutionId, ROLE_ADMIN);
        if (account == address(0)) revert CredentialRegistryZeroAddress();
        if (compromisedFrom > block.timestamp) {
            revert CredentialRegistryCompromiseInFuture(compromisedFrom, uint40(block.timestamp));
        }
        // 0 is the "never compromised" sentinel; every batch has anchoredAt >= 1.
        uint40 cutoff = compromisedFrom == 0 ? 1 : compromisedFrom;
        KeyRecord storage key = _keys[institutionId][account];
        if (key.compromisedFrom != 0 && cutoff >= key.compromisedFrom) {
            revert CredentialRegistryCompromiseNotEarlier(institutionId, account, key.compromisedFrom, cutoff);
        }
        uint8 removedRoles = key.roles;
        key.roles = 0;
        key.compromisedFrom = cutoff;
        if (removedRoles != 0) emit InstitutionRolesRevoked(institutionId, account, msg.sender, removedRoles);
        emit AnchoringKeyCompromised(institutionId, account, msg.sender, cutoff);
    }

    // ---------------------------------------------------------------------
    // Anchoring
    // ---------------------------------------------------------------------

    /// @inheritdoc ICredentialRegistry
    function anchor(uint24 institutionId, AnchorRequest calldata request) external returns (bytes32 batchId) {
        _requireAnchorer(institutionId);
        batchId = _recordBatch(institutionId, request.merkleRoot, request.leafCount);
        emit BatchAnchored(
            batchId,
            institutionId,
            msg.sender,
            request.merkleRoot,
            request.leafCount,
            request.formatVersion,
            request.manifestHash
        );
    }

    /// @inheritdoc ICredentialRegistry
    function anchorMany(
        uint24 institutionId,
        uint16 formatVersion,
        bytes32 manifestHash,
        bytes32[] calldata merkleRoots,
        uint32[] calldata leafCounts
    ) external returns (bytes32[] memory batchIds) {
        if (merkleRoots.length == 0) revert CredentialRegistryEmptyAnchorList(institutionId);
        if (merkleRoots.length != leafCounts.length) {
            revert CredentialRegistryAnchorLengthMismatch(merkleRoots.length, leafCounts.length);
        }
        _requireAnchorer(institutionId);
        batchIds = new bytes32[](merkleRoots.length);
        for (uint256 i; i < merkleRoots.length; ++i) {
            batchIds[i] = _recordBatch(institutionId, merkleRoots[i], leafCounts[i]);
        }
        emit BatchesAnchored(institutionId, msg.sender, formatVersion, manifestHash, merkleRoots);
    }

    // ---------------------------------------------------------------------
    // Status changes
    // ---------------------------------------------------------------------

    /// @inheritdoc ICredentialRegistry
    function revokeCredentials(bytes32 batchId, uint256[] calldata leafIndices, uint16 reason) external {
        _applyStatusChange(batchId, leafIndices, reason, _StatusChange.Revoke);
    }

    /// @inheritdoc ICredentialRegistry
    function suspendCredentials(bytes32 batchId, uint256[] calldata leafIndices, uint16 reason) external {
        _applyStatusChange(batchId, leafIndices, reason, _StatusChange.Suspend);
    }

    /// @inheritdoc ICredentialRegistry
    function reinstateCredentials(bytes32 batchId, uint256[] calldata leafIndices, uint16 reason) external {
        _applyStatusChange(batchId, leafIndices, reason, _StatusChange.Reinstate);
    }

    /// @inheritdoc ICredentialRegistry
    function revokeBatch(bytes32 batchId, uint16 reason) external {
        Batch memory batch = _existingBatch(batchId);
        _authorizeForInstitution(batch.institutionId, _STATUS_ROLES);
        BatchRevocation storage revocation = _batchRevocations[batchId];
        if (revocation.revoked) revert CredentialRegistryBatchAlreadyRevoked(batchId);
        revocation.revoked = true;
        revocation.revokedAt = uint40(block.timestamp);
        revocation.reason = reason;
        emit BatchRevoked(batchId, msg.sender, reason);
    }

    // ---------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------

    /// @inheritdoc ICredentialRegistry
    function institutionCount() external view returns (uint24) {
        return _institutionCount;
    }

    /// @inheritdoc ICredentialRegistry
    function getInstitution(uint24 institutionId) external view returns (Institution memory) {
        return _existingInstitution(institutionId);
    }

    /// @inheritdoc ICredentialRegistry
    function getKeyRecord(uint24 institutionId, address account) external view returns (KeyRecord memory) {
        return _keys[institutionId][account];
    }

    /// @inheritdoc ICredentialRegistry
    function hasInstitutionRoles(uint24 institutionId, address account, uint8 roles) external view returns (bool) {
        return roles != 0 && _keys[institutionId][account].roles & roles == roles;
    }

    /// @inheritdoc ICredentialRegistry
    function getBatch(bytes32 batchId) external view returns (Batch memory batch, BatchRevocation memory revocation) {
        return (_batches[batchId], _batchRevocations[batchId]);
    }

    /// @inheritdoc ICredentialRegistry
    function batchIdOf(uint24 institutionId, bytes32 merkleRoot) external pure returns (bytes32) {
        return CredentialMerkle.batchIdOf(institutionId, merkleRoot);
    }

    /// @inheritdoc ICredentialRegistry
    function credentialStatus(bytes32 batchId, uint256 leafIndex) public view returns (CredentialStatus) {
        Batch memory batch = _batches[batchId];
        if (batch.anchorer == address(0)) return CredentialStatus.UnknownBatch;
        if (leafIndex >= batch.leafCount) return CredentialStatus.IndexOutOfRange;
        CredentialStatus batchWide = _batchWideStatus(batchId, batch);
        if (batchWide != CredentialStatus.Valid) return batchWide;
        return _leafStatus(batchId, leafIndex);
    }

    /// @inheritdoc ICredentialRegistry
    function credentialStatuses(bytes32 batchId, uint256[] calldata leafIndices)
        external
        view
        returns (CredentialStatus[] memory statuses)
    {
        statuses = new CredentialStatus[](leafIndices.length);
        Batch memory batch = _batches[batchId];
        // The batch-wide part (batch, institution, anchoring key) is read once, not per index.
        CredentialStatus batchWide =
            batch.anchorer == address(0) ? CredentialStatus.UnknownBatch : _batchWideStatus(batchId, batch);
        for (uint256 i; i < leafIndices.length; ++i) {
            uint256 leafIndex = leafIndices[i];
            if (batchWide == CredentialStatus.UnknownBatch) {
                statuses[i] = CredentialStatus.UnknownBatch;
            } else if (leafIndex >= batch.leafCount) {
                statuses[i] = CredentialStatus.IndexOutOfRange;
            } else if (batchWide != CredentialStatus.Valid) {
                statuses[i] = batchWide;
            } else {
                statuses[i] = _leafStatus(batchId, leafIndex);
            }
        }
    }

    /// @inheritdoc ICredentialRegistry
    function verify(bytes32 batchId, uint256 leafIndex, bytes32 credentialHash, bytes32[] calldata proof)
        external
        view
        returns (bool valid, CredentialStatus status)
    {
        Batch memory batch = _batches[batchId];
        if (batch.anchorer == address(0)) return (false, CredentialStatus.UnknownBatch);
        if (leafIndex >= batch.leafCount) return (false, CredentialStatus.IndexOutOfRange);
        (bool wellFormed, bytes32 root) =
            CredentialMerkle.computeRoot(leafIndex, batch.leafCount, credentialHash, proof);
        if (!wellFormed || CredentialMerkle.batchIdOf(batch.institutionId, root) != batchId) {
            return (false, CredentialStatus.ProofInvalid);
        }
        status = _batchWideStatus(batchId, batch);
        if (status == CredentialStatus.Valid) status = _leafStatus(batchId, leafIndex);
        valid = status == CredentialStatus.Valid;
    }

    // ---------------------------------------------------------------------
    // Internals
    // ---------------------------------------------------------------------

    enum _StatusChange {
        Revoke,
        Suspend,
        Reinstate
    }

    /// @dev Validates one root and writes its one-slot record; the caller emits the event.
    function _recordBatch(uint24 institutionId, bytes32 merkleRoot, uint32 leafCount)
        private
        returns (bytes32 batchId)
    {
        if (merkleRoot == bytes32(0)) revert CredentialRegistryZeroMerkleRoot(institutionId);
        if (leafCount == 0) revert CredentialRegistryZeroLeafCount(institutionId, merkleRoot);
        batchId = CredentialMerkle.batchIdOf(institutionId, merkleRoot);
        Batch storage batch = _batches[batchId];
        // The record's own slot is the uniqueness check: anchorer is never zero once written.
        if (batch.anchorer != address(0)) revert CredentialRegistryBatchAlreadyAnchored(batchId, merkleRoot);
        // One packed SSTORE through the pointer already computed (the struct assignment
        // would hash the mapping key again). Layout, low to high bits: anchorer (160),
        // anchoredAt (40), leafCount (32), institutionId (24), as the compiler packs Batch.
        uint256 packed = uint256(uint160(msg.sender)) | (uint256(uint40(block.timestamp)) << 160)
            | (uint256(leafCount) << 200) | (uint256(institutionId) << 232);
        assembly ("memory-safe") {
            sstore(batch.slot, packed)
        }
    }

    /// @dev Walks the indices once, accumulating a mask per 256-index window; every change
    /// of window flushes one storage write and one event. Sorted input therefore costs
    /// one SSTORE per touched word, not per credential.
    function _applyStatusChange(bytes32 batchId, uint256[] calldata leafIndices, uint16 reason, _StatusChange change)
        private
    {
        if (leafIndices.length == 0) revert CredentialRegistryEmptyIndexList(batchId);
        Batch memory batch = _existingBatch(batchId);
        _authorizeForInstitution(batch.institutionId, _STATUS_ROLES);

        uint256 currentWord = leafIndices[0] >> 8;
        uint256 mask;
        for (uint256 i; i < leafIndices.length; ++i) {
            uint256 leafIndex = leafIndices[i];
            if (leafIndex >= batch.leafCount) {
                revert CredentialRegistryLeafIndexOutOfRange(batchId, leafIndex, batch.leafCount);
            }
            uint256 word = leafIndex >> 8;
            if (word != currentWord) {
                _flushStatusWord(batchId, currentWord, mask, reason, change);
                currentWord = word;
                mask = 0;
            }
            uint256 bit = 1 << (leafIndex & 0xff);
            if (mask & bit != 0) _revertAlreadyInState(batchId, leafIndex, change);
            mask |= bit;
        }
        _flushStatusWord(batchId, currentWord, mask, reason, change);
    }

    function _flushStatusWord(bytes32 batchId, uint256 word, uint256 mask, uint16 reason, _StatusChange change)
        private
    {
        if (change == _StatusChange.Revoke) {
            uint256 current = _revokedBits[batchId][word];
            if (current & mask != 0) _revertAlreadyInState(batchId, _firstIndex(word, current & mask), change);
            _revokedBits[batchId][word] = current | mask;
            emit CredentialsRevoked(batchId, word, msg.sender, mask, reason);
        } else if (change == _StatusChange.Suspend) {
            uint256 revoked = _revokedBits[batchId][word];
            if (revoked & mask != 0) {
                revert CredentialRegistryAlreadyRevoked(batchId, _firstIndex(word, revoked & mask));
            }
            uint256 current = _suspendedBits[batchId][word];
            if (current & mask != 0) _revertAlreadyInState(batchId, _firstIndex(word, current & mask), change);
            _suspendedBits[batchId][word] = current | mask;
            emit CredentialsSuspended(batchId, word, msg.sender, mask, reason);
        } else {
            uint256 current = _suspendedBits[batchId][word];
            uint256 notSuspended = mask & ~current;
            if (notSuspended != 0) revert CredentialRegistryNotSuspended(batchId, _firstIndex(word, notSuspended));
            _suspendedBits[batchId][word] = current & ~mask;
            emit CredentialsReinstated(batchId, word, msg.sender, mask, reason);
        }
    }

    /// @dev The error for an index that is already in the target state (or listed twice).
    function _revertAlreadyInState(bytes32 batchId, uint256 leafIndex, _StatusChange change) private pure {
        if (change == _StatusChange.Revoke) revert CredentialRegistryAlreadyRevoked(batchId, leafIndex);
        if (change == _StatusChange.Suspend) revert CredentialRegistryAlreadySuspended(batchId, leafIndex);
        revert CredentialRegistryNotSuspended(batchId, leafIndex);
    }

    /// @dev Leaf index of the lowest set bit of `bits` in window `word` (bits != 0). Only
    /// used on the revert path, so a plain loop is fine.
    function _firstIndex(uint256 word, uint256 bits) private pure returns (uint256 index) {
        while (bits & 1 == 0) {
            bits >>= 1;
            ++index;
        }
        return (word << 8) | index;
    }

    /// @dev Status that applies to every credential of the batch, most severe first:
    /// a compromised anchoring key makes every bit of the batch meaningless, so it wins.
    function _batchWideStatus(bytes32 batchId, Batch memory batch) private view returns (CredentialStatus) {
        uint40 cutoff = _keys[batch.institutionId][batch.anchorer].compromisedFrom;
        if (cutoff != 0 && batch.anchoredAt >= cutoff) return CredentialStatus.AnchoringKeyCompromised;
        if (_batchRevocations[batchId].revoked) return CredentialStatus.BatchRevoked;
        if (_institutions[batch.institutionId].status == InstitutionStatus.Suspended) {
            return CredentialStatus.InstitutionSuspended;
        }
        return CredentialStatus.Valid;
    }

    function _leafStatus(bytes32 batchId, uint256 leafIndex) private view returns (CredentialStatus) {
        uint256 word = leafIndex >> 8;
        uint256 bit = 1 << (leafIndex & 0xff);
        if (_revokedBits[batchId][word] & bit != 0) return CredentialStatus.Revoked;
        if (_suspendedBits[batchId][word] & bit != 0) return CredentialStatus.Suspended;
        return CredentialStatus.Valid;
    }

    function _requireAnchorer(uint24 institutionId) private view {
        // One read of the institution's first slot (status) and one of the caller's key
        // record. Governance is deliberately not a fallback here: it never anchors.
        InstitutionStatus status = _institutions[institutionId].status;
        if (status == InstitutionStatus.Unregistered) revert CredentialRegistryUnknownInstitution(institutionId);
        if (status == InstitutionStatus.Suspended) revert CredentialRegistryInstitutionSuspended(institutionId);
        if (_keys[institutionId][msg.sender].roles & ROLE_ANCHORER == 0) {
            revert CredentialRegistryUnauthorized(institutionId, msg.sender, ROLE_ANCHORER);
        }
    }

    /// @dev Passes if the caller holds any of `neededRoles` in the institution; otherwise a
    /// governor may act for the institution, and that use of power is logged.
    function _authorizeForInstitution(uint24 institutionId, uint8 neededRoles) private {
        if (_keys[institutionId][msg.sender].roles & neededRoles != 0) return;
        if (hasRole(GOVERNOR_ROLE, msg.sender)) {
            emit GovernanceActedForInstitution(institutionId, msg.sender, msg.sig);
            return;
        }
        revert CredentialRegistryUnauthorized(institutionId, msg.sender, neededRoles);
    }

    function _existingInstitution(uint24 institutionId) private view returns (Institution storage institution) {
        institution = _institutions[institutionId];
        if (institution.status == InstitutionStatus.Unregistered) {
            revert CredentialRegistryUnknownInstitution(institutionId);
        }
    }

    function _existingBatch(bytes32 batchId) private view returns (Batch memory batch) {
        batch = _batches[batchId];
        if (batch.anchorer == address(0)) revert CredentialRegistryUnknownBatch(batchId);
    }

    function _requireValidRoles(uint8 roles) private pure {
        if (roles == 0 || roles & ~_ALL_ROLES != 0) revert CredentialRegistryInvalidRoles(roles);
    }

    function _requireInstitutionFields(string calldata name, string calldata identifier) private pure {
        if (bytes(name).length == 0) revert CredentialRegistryEmptyInstitutionField("name");
        if (bytes(identifier).length == 0) revert CredentialRegistryEmptyInstitutionField("identifier");
    }
}
