// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlDefaultAdminRules} from
    "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";

import {ICredentialRegistryV2} from "./interfaces/ICredentialRegistryV2.sol";
import {CredentialMerkle} from "./libraries/CredentialMerkle.sol";

/**
 * @title CredentialRegistryV2
 * @notice Version 2 of credanchor's registry: version 1's batches and anchoring unchanged,
 * with bounded and recoverable destructive powers. The specification is the NatSpec of
 * {ICredentialRegistryV2}; comments here explain implementation choices.
 */
contract CredentialRegistryV2 is ICredentialRegistryV2, AccessControlDefaultAdminRules {
    /// @inheritdoc ICredentialRegistryV2
    bytes32 public constant GOVERNOR_ROLE = keccak256("credanchor.GOVERNOR_ROLE");

    /// @inheritdoc ICredentialRegistryV2
    uint8 public constant ROLE_ADMIN = 1;
    /// @inheritdoc ICredentialRegistryV2
    uint8 public constant ROLE_ANCHORER = 2;
    /// @inheritdoc ICredentialRegistryV2
    uint8 public constant ROLE_REVOKER = 4;

    /// @inheritdoc ICredentialRegistryV2
    uint16 public constant REGISTRY_VERSION = 2;
    /// @inheritdoc ICredentialRegistryV2
    uint256 public constant STATUS_WINDOW = 128;

    /// @inheritdoc ICredentialRegistryV2
    uint40 public immutable actionDelay;
    /// @inheritdoc ICredentialRegistryV2
    uint256 public immutable massRevocationThreshold;

    uint256 private constant _BITS_MASK = type(uint128).max;
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
    mapping(bytes32 actionId => PendingMassRevocation) private _massRevocations;

    struct PendingMassRevocation {
        address proposer;
        uint40 executeAfter;
    }

    /// @param governanceAdmin Holder of the default admin role (two-step transfer with
    /// `adminTransferDelay`) and the first governor.
    /// @param adminTransferDelay Seconds a default-admin transfer must wait.
    /// @param actionDelay_ Seconds a scheduled destructive act waits (see {actionDelay}).
    /// @param massRevocationThreshold_ Most indices {revokeCredentials} takes without scheduling.
    constructor(address governanceAdmin, uint48 adminTransferDelay, uint40 actionDelay_, uint256 massRevocationThreshold_)
        AccessControlDefaultAdminRules(adminTransferDelay, governanceAdmin)
    {
        _grantRole(GOVERNOR_ROLE, governanceAdmin);
        actionDelay = actionDelay_;
        massRevocationThreshold = massRevocationThreshold_;
    }

    // ---------------------------------------------------------------------
    // Governance
    // ---------------------------------------------------------------------

    /// @inheritdoc ICredentialRegistryV2
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

    /// @inheritdoc ICredentialRegistryV2
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

    /// @inheritdoc ICredentialRegistryV2
    function suspendInstitution(uint24 institutionId, uint16 reason) external onlyRole(GOVERNOR_ROLE) {
        Institution storage institution = _existingInstitution(institutionId);
        if (institution.status == InstitutionStatus.Suspended) {
            revert CredentialRegistryInstitutionSuspended(institutionId);
        }
        institution.status = InstitutionStatus.Suspended;
        emit InstitutionSuspended(institutionId, msg.sender, reason);
    }

    /// @inheritdoc ICredentialRegistryV2
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

    /// @inheritdoc ICredentialRegistryV2
    function grantRoles(uint24 institutionId, address account, uint8 roles) external {
        _existingInstitution(institutionId);
        bool byGovernance = _authorizeForInstitution(institutionId, ROLE_ADMIN);
        if (account == address(0)) revert CredentialRegistryZeroAddress();
        _requireValidRoles(roles);
        // Hole 1: governance never creates anchoring power itself...
        if (byGovernance && roles & ROLE_ANCHORER != 0) {
            revert CredentialRegistryGovernanceCannotGrantAnchoring(institutionId, account);
        }
        KeyRecord storage key = _keys[institutionId][account];
        if (key.compromisedFrom != 0) {
            revert CredentialRegistryKeyCompromised(institutionId, account, key.compromisedFrom);
        }
        key.roles |= roles;
        // ...and power that descends from a governance act stays visible on every key it reaches.
        if (byGovernance || _keys[institutionId][msg.sender].viaGovernance) key.viaGovernance = true;
        emit InstitutionRolesGranted(institutionId, account, msg.sender, roles);
    }

    /// @inheritdoc ICredentialRegistryV2
    function revokeRoles(uint24 institutionId, address account, uint8 roles) external {
        _existingInstitution(institutionId);
        _authorizeForInstitution(institutionId, ROLE_ADMIN);
        _requireValidRoles(roles);
        _keys[institutionId][account].roles &= ~roles;
        emit InstitutionRolesRevoked(institutionId, account, msg.sender, roles);
    }

    /// @inheritdoc ICredentialRegistryV2
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
        // Stopping the key is forward-looking, so it happens now whatever the cut-off.
        uint8 removedRoles = key.roles;
        key.roles = 0;
        if (removedRoles != 0) emit InstitutionRolesRevoked(institutionId, account, msg.sender, removedRoles);
        if (cutoff >= block.timestamp) {
            key.compromisedFrom = cutoff;
            emit AnchoringKeyCompromised(institutionId, account, msg.sender, cutoff);
            return;
        }
        // A cut-off before now re-judges batches already issued: it waits, and can be cancelled.
        if (key.pendingCutoff != 0) revert CredentialRegistryAlreadyScheduled(_compromiseActionId(institutionId, account));
        uint40 executeAfter = uint40(block.timestamp) + actionDelay;
        key.pendingCutoff = cutoff;
        key.pendingAfter = executeAfter;
        emit KeyCompromiseScheduled(institutionId, account, msg.sender, cutoff, executeAfter);
    }

    /// @inheritdoc ICredentialRegistryV2
    function executeKeyCompromise(uint24 institutionId, address account) external {
        KeyRecord storage key = _keys[institutionId][account];
        bytes32 actionId = _compromiseActionId(institutionId, account);
        if (key.pendingCutoff == 0) revert CredentialRegistryNothingScheduled(actionId);
        _requireDelayPassed(actionId, key.pendingAfter);
        uint40 cutoff = key.pendingCutoff;
        key.pendingCutoff = 0;
        key.pendingAfter = 0;
        // An earlier cut-off applied meanwhile wins (a cut-off only moves earlier).
        if (key.compromisedFrom == 0 || cutoff < key.compromisedFrom) key.compromisedFrom = cutoff;
        uint8 removedRoles = key.roles;
        key.roles = 0;
        if (removedRoles != 0) emit InstitutionRolesRevoked(institutionId, account, msg.sender, removedRoles);
        emit AnchoringKeyCompromised(institutionId, account, msg.sender, key.compromisedFrom);
    }

    /// @inheritdoc ICredentialRegistryV2
    function cancelKeyCompromise(uint24 institutionId, address account) external {
        _existingInstitution(institutionId);
        _authorizeForInstitution(institutionId, ROLE_ADMIN);
        KeyRecord storage key = _keys[institutionId][account];
        if (key.pendingCutoff == 0) revert CredentialRegistryNothingScheduled(_compromiseActionId(institutionId, account));
        key.pendingCutoff = 0;
        key.pendingAfter = 0;
        emit KeyCompromiseCancelled(institutionId, account, msg.sender);
    }

    // ---------------------------------------------------------------------
    // Anchoring
    // ---------------------------------------------------------------------

    /// @inheritdoc ICredentialRegistryV2
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

    /// @inheritdoc ICredentialRegistryV2
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

    /// @inheritdoc ICredentialRegistryV2
    function revokeCredentials(bytes32 batchId, uint256[] calldata leafIndices, uint16 reason) external {
        if (leafIndices.length > massRevocationThreshold) {
            revert CredentialRegistryMassRevocationMustWait(batchId, leafIndices.length, massRevocationThreshold);
        }
        _applyStatusChange(batchId, leafIndices, reason, _StatusChange.Revoke, msg.sender);
    }

    /// @inheritdoc ICredentialRegistryV2
    function suspendCredentials(bytes32 batchId, uint256[] calldata leafIndices, uint16 reason) external {
        _applyStatusChange(batchId, leafIndices, reason, _StatusChange.Suspend, msg.sender);
    }

    /// @inheritdoc ICredentialRegistryV2
    function reinstateCredentials(bytes32 batchId, uint256[] calldata leafIndices, uint16 reason) external {
        _applyStatusChange(batchId, leafIndices, reason, _StatusChange.Reinstate, msg.sender);
    }

    /// @inheritdoc ICredentialRegistryV2
    function revokeBatch(bytes32 batchId, uint16 reason) external {
        Batch memory batch = _existingBatch(batchId);
        _authorizeForInstitution(batch.institutionId, _STATUS_ROLES);
        BatchRevocation storage revocation = _batchRevocations[batchId];
        if (revocation.revoked) revert CredentialRegistryBatchAlreadyRevoked(batchId);
        if (revocation.pendingAfter != 0) revert CredentialRegistryAlreadyScheduled(batchId);
        uint40 executeAfter = uint40(block.timestamp) + actionDelay;
        revocation.pendingAfter = executeAfter;
        revocation.pendingReason = reason;
        emit BatchRevocationScheduled(batchId, msg.sender, reason, executeAfter);
    }

    /// @inheritdoc ICredentialRegistryV2
    function executeBatchRevocation(bytes32 batchId) external {
        BatchRevocation storage revocation = _batchRevocations[batchId];
        if (revocation.pendingAfter == 0) revert CredentialRegistryNothingScheduled(batchId);
        _requireDelayPassed(batchId, revocation.pendingAfter);
        uint16 reason = revocation.pendingReason;
        revocation.pendingAfter = 0;
        revocation.pendingReason = 0;
        revocation.revoked = true;
        revocation.revokedAt = uint40(block.timestamp);
        revocation.reason = reason;
        emit BatchRevoked(batchId, msg.sender, reason);
    }

    /// @inheritdoc ICredentialRegistryV2
    function cancelBatchRevocation(bytes32 batchId) external {
        Batch memory batch = _existingBatch(batchId);
        _authorizeForInstitution(batch.institutionId, ROLE_ADMIN);
        BatchRevocation storage revocation = _batchRevocations[batchId];
        if (revocation.pendingAfter == 0) revert CredentialRegistryNothingScheduled(batchId);
        revocation.pendingAfter = 0;
        revocation.pendingReason = 0;
        emit BatchRevocationCancelled(batchId, msg.sender);
    }

    /// @inheritdoc ICredentialRegistryV2
    function scheduleMassRevocation(bytes32 batchId, uint256[] calldata leafIndices, uint16 reason)
        external
        returns (bytes32 actionId)
    {
        if (leafIndices.length == 0) revert CredentialRegistryEmptyIndexList(batchId);
        Batch memory batch = _existingBatch(batchId);
        _authorizeForInstitution(batch.institutionId, _STATUS_ROLES);
        for (uint256 i; i < leafIndices.length; ++i) {
            if (leafIndices[i] >= batch.leafCount) {
                revert CredentialRegistryLeafIndexOutOfRange(batchId, leafIndices[i], batch.leafCount);
            }
        }
        actionId = massRevocationId(batchId, leafIndices, reason);
        PendingMassRevocation storage pending = _massRevocations[actionId];
        if (pending.executeAfter != 0) revert CredentialRegistryAlreadyScheduled(actionId);
        uint40 executeAfter = uint40(block.timestamp) + actionDelay;
        pending.proposer = msg.sender;
        pending.executeAfter = executeAfter;
        ++_batchRevocations[batchId].pendingMassRevocations;
        emit MassRevocationScheduled(actionId, batchId, msg.sender, leafIndices, reason, executeAfter);
    }

    /// @inheritdoc ICredentialRegistryV2
    function executeMassRevocation(bytes32 batchId, uint256[] calldata leafIndices, uint16 reason) external {
        bytes32 actionId = massRevocationId(batchId, leafIndices, reason);
        PendingMassRevocation memory pending = _massRevocations[actionId];
        if (pending.executeAfter == 0) revert CredentialRegistryNothingScheduled(actionId);
        _requireDelayPassed(actionId, pending.executeAfter);
        delete _massRevocations[actionId];
        --_batchRevocations[batchId].pendingMassRevocations;
        // Recorded as the proposer's revocations: if the proposer's key turns out compromised,
        // they can be cleared like any other revocation it made.
        _writeStatusChange(_existingBatch(batchId), batchId, leafIndices, reason, _StatusChange.Revoke, pending.proposer);
        emit MassRevocationExecuted(actionId, batchId, msg.sender);
    }

    /// @inheritdoc ICredentialRegistryV2
    function cancelMassRevocation(bytes32 batchId, bytes32 actionId) external {
        Batch memory batch = _existingBatch(batchId);
        _authorizeForInstitution(batch.institutionId, ROLE_ADMIN);
        if (_massRevocations[actionId].executeAfter == 0) revert CredentialRegistryNothingScheduled(actionId);
        delete _massRevocations[actionId];
        --_batchRevocations[batchId].pendingMassRevocations;
        emit MassRevocationCancelled(actionId, batchId, msg.sender);
    }

    /// @inheritdoc ICredentialRegistryV2
    function clearCompromisedRevocations(
        bytes32 batchId,
        uint256 wordIndex,
        address compromisedAccount,
        RevocationChange[] calldata history,
        uint16 reason
    ) external returns (uint256 cleared) {
        Batch memory batch = _existingBatch(batchId);
        _authorizeForInstitution(batch.institutionId, ROLE_ADMIN);
        uint40 cutoff = _keys[batch.institutionId][compromisedAccount].compromisedFrom;
        if (cutoff == 0) revert CredentialRegistryNotCompromised(batch.institutionId, compromisedAccount);

        // Replay the word's history: it must rebuild the stored chain and bits exactly, and it
        // tells, for every set bit, who set it last and when.
        uint256 tag;
        uint256 bits;
        for (uint256 i; i < history.length; ++i) {
            RevocationChange calldata change = history[i];
            tag = _nextTag(tag, change.actor, change.at, change.cleared, change.mask);
            if (change.cleared) {
                bits &= ~change.mask;
                cleared &= ~change.mask;
            } else {
                bits |= change.mask;
                if (change.actor == compromisedAccount && change.at >= cutoff) cleared |= change.mask;
                else cleared &= ~change.mask;
            }
        }
        uint256 stored = _revokedBits[batchId][wordIndex];
        if (stored != (tag << 128 | bits)) revert CredentialRegistryHistoryMismatch(batchId, wordIndex);
        cleared &= bits;
        if (cleared == 0) revert CredentialRegistryNothingToClear(batchId, wordIndex, compromisedAccount);
        tag = _nextTag(tag, msg.sender, uint40(block.timestamp), true, cleared);
        _revokedBits[batchId][wordIndex] = tag << 128 | (bits & ~cleared);
        emit RevocationsCleared(batchId, wordIndex, msg.sender, compromisedAccount, cleared, reason);
    }

    // ---------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------

    /// @inheritdoc ICredentialRegistryV2
    function institutionCount() external view returns (uint24) {
        return _institutionCount;
    }

    /// @inheritdoc ICredentialRegistryV2
    function getInstitution(uint24 institutionId) external view returns (Institution memory) {
        return _existingInstitution(institutionId);
    }

    /// @inheritdoc ICredentialRegistryV2
    function getKeyRecord(uint24 institutionId, address account) external view returns (KeyRecord memory) {
        return _keys[institutionId][account];
    }

    /// @inheritdoc ICredentialRegistryV2
    function hasInstitutionRoles(uint24 institutionId, address account, uint8 roles) external view returns (bool) {
        return roles != 0 && _keys[institutionId][account].roles & roles == roles;
    }

    /// @inheritdoc ICredentialRegistryV2
    function getBatch(bytes32 batchId) external view returns (Batch memory batch, BatchRevocation memory revocation) {
        return (_batches[batchId], _batchRevocations[batchId]);
    }

    /// @inheritdoc ICredentialRegistryV2
    function massRevocationId(bytes32 batchId, uint256[] calldata leafIndices, uint16 reason)
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(batchId, leafIndices, reason));
    }

    /// @inheritdoc ICredentialRegistryV2
    function pendingMassRevocation(bytes32 actionId) external view returns (address proposer, uint40 executeAfter) {
        PendingMassRevocation memory pending = _massRevocations[actionId];
        return (pending.proposer, pending.executeAfter);
    }

    /// @inheritdoc ICredentialRegistryV2
    function revocationWord(bytes32 batchId, uint256 wordIndex) external view returns (uint256 bits, uint128 tag) {
        uint256 word = _revokedBits[batchId][wordIndex];
        return (word & _BITS_MASK, uint128(word >> 128));
    }

    /// @inheritdoc ICredentialRegistryV2
    function batchIdOf(uint24 institutionId, bytes32 merkleRoot) external pure returns (bytes32) {
        return CredentialMerkle.batchIdOf(institutionId, merkleRoot);
    }

    /// @inheritdoc ICredentialRegistryV2
    function credentialStatus(bytes32 batchId, uint256 leafIndex) public view returns (CredentialStatus) {
        Batch memory batch = _batches[batchId];
        if (batch.anchorer == address(0)) return CredentialStatus.UnknownBatch;
        if (leafIndex >= batch.leafCount) return CredentialStatus.IndexOutOfRange;
        CredentialStatus batchWide = _batchWideStatus(batchId, batch);
        if (batchWide != CredentialStatus.Valid) return batchWide;
        return _leafStatus(batchId, leafIndex);
    }

    /// @inheritdoc ICredentialRegistryV2
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

    /// @inheritdoc ICredentialRegistryV2
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
    function _applyStatusChange(
        bytes32 batchId,
        uint256[] calldata leafIndices,
        uint16 reason,
        _StatusChange change,
        address actor
    ) private {
        if (leafIndices.length == 0) revert CredentialRegistryEmptyIndexList(batchId);
        Batch memory batch = _existingBatch(batchId);
        _authorizeForInstitution(batch.institutionId, _STATUS_ROLES);
        _writeStatusChange(batch, batchId, leafIndices, reason, change, actor);
    }

    function _writeStatusChange(
        Batch memory batch,
        bytes32 batchId,
        uint256[] calldata leafIndices,
        uint16 reason,
        _StatusChange change,
        address actor
    ) private {
        uint256 currentWord = leafIndices[0] >> 7;
        uint256 mask;
        for (uint256 i; i < leafIndices.length; ++i) {
            uint256 leafIndex = leafIndices[i];
            if (leafIndex >= batch.leafCount) {
                revert CredentialRegistryLeafIndexOutOfRange(batchId, leafIndex, batch.leafCount);
            }
            uint256 word = leafIndex >> 7;
            if (word != currentWord) {
                _flushStatusWord(batchId, currentWord, mask, reason, change, actor);
                currentWord = word;
                mask = 0;
            }
            uint256 bit = 1 << (leafIndex & 0x7f);
            if (mask & bit != 0) _revertAlreadyInState(batchId, leafIndex, change);
            mask |= bit;
        }
        _flushStatusWord(batchId, currentWord, mask, reason, change, actor);
    }

    function _flushStatusWord(
        bytes32 batchId,
        uint256 word,
        uint256 mask,
        uint16 reason,
        _StatusChange change,
        address actor
    ) private {
        if (change == _StatusChange.Revoke) {
            mapping(uint256 => uint256) storage words = _revokedBits[batchId];
            uint256 current = words[word];
            uint256 bits = current & _BITS_MASK;
            if (bits & mask != 0) _revertAlreadyInState(batchId, _firstIndex(word, bits & mask), change);
            // Provenance in the same slot: the chain over (actor, time, mask) in the high half.
            uint256 tag = _nextTag(current >> 128, actor, uint40(block.timestamp), false, mask);
            words[word] = tag << 128 | bits | mask;
            emit CredentialsRevoked(batchId, word, actor, mask, reason);
        } else if (change == _StatusChange.Suspend) {
            uint256 revoked = _revokedBits[batchId][word] & _BITS_MASK;
            if (revoked & mask != 0) {
                revert CredentialRegistryAlreadyRevoked(batchId, _firstIndex(word, revoked & mask));
            }
            uint256 current = _suspendedBits[batchId][word];
            if (current & mask != 0) _revertAlreadyInState(batchId, _firstIndex(word, current & mask), change);
            _suspendedBits[batchId][word] = current | mask;
            emit CredentialsSuspended(batchId, word, actor, mask, reason);
        } else {
            uint256 current = _suspendedBits[batchId][word];
            uint256 notSuspended = mask & ~current;
            if (notSuspended != 0) revert CredentialRegistryNotSuspended(batchId, _firstIndex(word, notSuspended));
            _suspendedBits[batchId][word] = current & ~mask;
            emit CredentialsReinstated(batchId, word, actor, mask, reason);
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
        return (word << 7) | index;
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
        uint256 word = leafIndex >> 7;
        uint256 bit = 1 << (leafIndex & 0x7f);
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
    /// @return byGovernance True when the caller passed as a governor.
    function _authorizeForInstitution(uint24 institutionId, uint8 neededRoles) private returns (bool byGovernance) {
        if (_keys[institutionId][msg.sender].roles & neededRoles != 0) return false;
        if (hasRole(GOVERNOR_ROLE, msg.sender)) {
            emit GovernanceActedForInstitution(institutionId, msg.sender, msg.sig);
            return true;
        }
        revert CredentialRegistryUnauthorized(institutionId, msg.sender, neededRoles);
    }

    /// @dev One link of a revocation word's hash chain (128 bits, the slot's high half).
    function _nextTag(uint256 tag, address actor, uint40 at, bool cleared, uint256 mask)
        private
        pure
        returns (uint256)
    {
        return uint256(keccak256(abi.encode(tag, actor, at, cleared, mask))) >> 128;
    }

    function _requireDelayPassed(bytes32 actionId, uint40 executeAfter) private view {
        if (block.timestamp < executeAfter) {
            revert CredentialRegistryDelayNotPassed(actionId, executeAfter, uint40(block.timestamp));
        }
    }

    function _compromiseActionId(uint24 institutionId, address account) private pure returns (bytes32) {
        return keccak256(abi.encode("compromise", institutionId, account));
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
