// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title ICredentialRegistry
 * @notice The specification of credanchor's on-chain registry: one contract that serves
 * many institutions, records one Merkle root per batch of credentials, and holds the
 * per-credential revocation and suspension bits.
 *
 * ## Batches and their ids
 * A batch id is `keccak256(abi.encode(uint256(institutionId), merkleRoot))`
 * (see {batchIdOf}). Deriving the id from the institution and the root, instead of
 * keeping a counter, means the registry needs neither a counter nor a separate
 * "root already used" index: the existence of the batch record *is* the uniqueness
 * check, so an anchor writes exactly one new storage slot. Binding the institution
 * into the id also means nobody can front-run an institution's anchor with the same
 * root under another institution. The Merkle root itself is not stored: it is in the
 * {BatchAnchored} event and in every portable credential, and {verify} recomputes it
 * from the proof and checks it against the id.
 *
 * ## Leaves and nodes (twin: core/hash.ts)
 * - credential hash: computed off-chain, `keccak256(salt ‖ JCS(credential without proof
 *   and credentialStatus))`; the registry treats it as an opaque bytes32.
 * - leaf: `keccak256(0x00 ‖ uint256(leafIndex) ‖ credentialHash)` (65 bytes)
 * - node: `keccak256(0x01 ‖ left ‖ right)` (65 bytes)
 * The one-byte tags domain-separate leaves from internal nodes (an internal node can
 * never be presented as a credential), and the index inside the leaf binds a proof
 * to one position. The tree keeps input order; at each level an odd last node is
 * promoted unchanged, so a proof's length and shape follow from (leafIndex,
 * leafCount) and proofs of the wrong length are rejected.
 *
 * ## Authority
 * - Registry governance holds {GOVERNOR_ROLE} (OpenZeppelin AccessControl, with a
 *   two-step, delayed transfer of the default admin role, who grants and revokes
 *   governors; a transfer of the default admin does not by itself remove the old
 *   admin's governor role: revoke it explicitly). It registers, updates,
 *   suspends and reinstates institutions. It can also act for an institution that
 *   lost its admin keys (grant or remove roles, mark keys compromised, revoke,
 *   suspend, reinstate); every such use emits {GovernanceActedForInstitution}.
 *   Governance can never anchor.
 * - Each institution has its own roles, kept as a bit set per (institution, account):
 *   {ROLE_ADMIN} (manage keys, revoke, suspend, reinstate), {ROLE_ANCHORER} (publish
 *   batch roots), {ROLE_REVOKER} (revoke, suspend, reinstate; no key management).
 *   A role of one institution gives no power over another's batches.
 * - Key rotation: removing an anchorer does not touch the batches it anchored.
 * - Key compromise: an admin marks an account compromised from a timestamp on. Every
 *   batch that account anchored at or after that time reports
 *   {CredentialStatus.AnchoringKeyCompromised}; earlier batches stay valid. The cut-off
 *   lives in the same slot as the account's roles, so the check is one storage read.
 *
 * ## Credential status
 * Revocation (permanent) and suspension (reversible) are two bitmaps per batch,
 * 256 credentials per storage word, addressed by (batch id, leaf index) and bounded by
 * the batch's leaf count. Bulk calls group indices by word and emit one event per
 * touched word with the bit mask, the reason code and the actor, so the full history
 * (and the status at any past block) can be rebuilt from logs.
 */
interface ICredentialRegistry {
    // ---------------------------------------------------------------------
    // Types
    // ---------------------------------------------------------------------

    /// @notice What the registry says about one credential.
    /// @dev Numeric values are part of the ABI: append only. When several apply, the views
    /// report the batch-wide ones first, in this order: AnchoringKeyCompromised (every bit of
    /// such a batch is meaningless), BatchRevoked, InstitutionSuspended; then the credential's
    /// own Revoked, then Suspended. {ProofInvalid} is returned by {verify} only, when the
    /// Merkle proof does not lead to the batch's root.
    enum CredentialStatus {
        UnknownBatch, // 0: no batch with that id
        IndexOutOfRange, // 1: leaf index >= the batch's leaf count
        Valid, // 2
        Revoked, // 3: this credential was revoked (permanent)
        Suspended, // 4: this credential is suspended (reversible)
        BatchRevoked, // 5: the whole batch was revoked
        InstitutionSuspended, // 6: the issuing institution is suspended by governance
        AnchoringKeyCompromised, // 7: the anchoring key was compromised at anchor time
        ProofInvalid // 8: (verify only) the proof does not match the batch
    }

    /// @notice Lifecycle of an institution.
    enum InstitutionStatus {
        Unregistered, // 0
        Active, // 1
        Suspended // 2
    }

    /// @notice An institution as registered by governance.
    /// @param status Active or suspended.
    /// @param registeredAt Block timestamp of registration.
    /// @param metadataHash Hash of the off-chain metadata document (0 if none).
    /// @param name Human-readable name, e.g. "Example University".
    /// @param identifier The issuer identity credentials must carry: a DID
    /// (`did:web:example.edu`), an https URL, or a bare DNS domain.
    /// @param metadataURI Where the metadata document lives (may be empty).
    struct Institution {
        InstitutionStatus status;
        uint40 registeredAt;
        bytes32 metadataHash;
        string name;
        string identifier;
        string metadataURI;
    }

    /// @notice The registry's record of one batch: exactly one storage slot.
    /// @param anchorer The account that anchored the batch.
    /// @param anchoredAt Block timestamp of the anchoring transaction.
    /// @param leafCount Number of credentials (leaves) in the batch.
    /// @param institutionId The institution that anchored it.
    struct Batch {
        address anchorer;
        uint40 anchoredAt;
        uint32 leafCount;
        uint24 institutionId;
    }

    /// @notice Whole-batch revocation record (only written when a batch is revoked).
    struct BatchRevocation {
        bool revoked;
        uint40 revokedAt;
        uint16 reason;
    }

    /// @notice Roles and compromise cut-off of one account within one institution.
    /// @param roles Bit set of ROLE_ADMIN | ROLE_ANCHORER | ROLE_REVOKER.
    /// @param compromisedFrom 0 if never marked compromised; otherwise the timestamp
    /// from which batches anchored by this account are not trusted.
    struct KeyRecord {
        uint8 roles;
        uint40 compromisedFrom;
    }

    /// @notice One root to anchor.
    /// @param merkleRoot Root of the batch's tree (see the contract NatSpec for hashing).
    /// @param leafCount Number of leaves; bounds every later (batch, index) address.
    /// @param formatVersion Version of the credential/proof format used off-chain
    /// (1 = `credanchor-proof-v1`). Emitted, not stored.
    /// @param manifestHash Hash of the batch manifest (the list of credential hashes),
    /// or 0. Emitted, not stored.
    struct AnchorRequest {
        bytes32 merkleRoot;
        uint32 leafCount;
        uint16 formatVersion;
        bytes32 manifestHash;
    }

    // ---------------------------------------------------------------------
    // Events
    // ---------------------------------------------------------------------

    /// @notice Governance registered an institution and installed its first admin.
    event InstitutionRegistered(
        uint24 indexed institutionId,
        address indexed admin,
        address indexed actor,
        string name,
        string identifier,
        string metadataURI,
        bytes32 metadataHash
    );

    /// @notice Governance changed an institution's metadata.
    event InstitutionMetadataUpdated(
        uint24 indexed institutionId,
        address indexed actor,
        string name,
        string identifier,
        string metadataURI,
        bytes32 metadataHash
    );

    /// @notice Governance suspended an institution: its batches report InstitutionSuspended.
    event InstitutionSuspended(uint24 indexed institutionId, address indexed actor, uint16 reason);

    /// @notice Governance lifted an institution's suspension.
    event InstitutionReinstated(uint24 indexed institutionId, address indexed actor, uint16 reason);

    /// @notice `account` gained `roles` (a bit set) in the institution.
    event InstitutionRolesGranted(
        uint24 indexed institutionId, address indexed account, address indexed actor, uint8 roles
    );

    /// @notice `account` lost `roles` (a bit set) in the institution.
    event InstitutionRolesRevoked(
        uint24 indexed institutionId, address indexed account, address indexed actor, uint8 roles
    );

    /// @notice `account` was marked compromised from `compromisedFrom` on; it lost all roles.
    event AnchoringKeyCompromised(
        uint24 indexed institutionId, address indexed account, address indexed actor, uint40 compromisedFrom
    );

    /// @notice A batch root was anchored with {anchor}.
    event BatchAnchored(
        bytes32 indexed batchId,
        uint24 indexed institutionId,
        address anchorer,
        bytes32 merkleRoot,
        uint32 leafCount,
        uint16 formatVersion,
        bytes32 manifestHash
    );

    /// @notice Several batch roots were anchored with {anchorMany}; batch i has id
    /// `batchIdOf(institutionId, merkleRoots[i])` and its leaf count is in {getBatch}. One
    /// event for the call, carrying only what storage does not hold (the roots), keeps a
    /// root's marginal cost near the single storage write it needs.
    event BatchesAnchored(
        uint24 indexed institutionId,
        address indexed anchorer,
        uint16 formatVersion,
        bytes32 manifestHash,
        bytes32[] merkleRoots
    );

    /// @notice A whole batch was revoked.
    event BatchRevoked(bytes32 indexed batchId, address indexed actor, uint16 reason);

    /// @notice The credentials `wordIndex * 256 + i` for every set bit `i` of `mask` were revoked.
    event CredentialsRevoked(
        bytes32 indexed batchId, uint256 indexed wordIndex, address indexed actor, uint256 mask, uint16 reason
    );

    /// @notice The credentials `wordIndex * 256 + i` for every set bit `i` of `mask` were suspended.
    event CredentialsSuspended(
        bytes32 indexed batchId, uint256 indexed wordIndex, address indexed actor, uint256 mask, uint16 reason
    );

    /// @notice The credentials `wordIndex * 256 + i` for every set bit `i` of `mask` were reinstated.
    event CredentialsReinstated(
        bytes32 indexed batchId, uint256 indexed wordIndex, address indexed actor, uint256 mask, uint16 reason
    );

    /// @notice A governor used its power to act for an institution. `action` is the
    /// selector of the function it called.
    event GovernanceActedForInstitution(uint24 indexed institutionId, address indexed governor, bytes4 action);

    // ---------------------------------------------------------------------
    // Errors
    // ---------------------------------------------------------------------

    /// @notice `account` holds none of `neededRoles` in `institutionId` (and is not a governor
    /// where governance may act).
    error CredentialRegistryUnauthorized(uint24 institutionId, address account, uint8 neededRoles);
    /// @notice No institution has this id.
    error CredentialRegistryUnknownInstitution(uint24 institutionId);
    /// @notice The institution is suspended and cannot anchor.
    error CredentialRegistryInstitutionSuspended(uint24 institutionId);
    /// @notice The institution is not suspended, so it cannot be reinstated.
    error CredentialRegistryInstitutionNotSuspended(uint24 institutionId);
    /// @notice All 2^24 - 1 institution ids are used.
    error CredentialRegistryInstitutionLimitReached();
    /// @notice An institution needs a non-empty name and identifier.
    error CredentialRegistryEmptyInstitutionField(string field);
    /// @notice The zero address cannot hold a role.
    error CredentialRegistryZeroAddress();
    /// @notice `roles` is zero or has bits outside ROLE_ADMIN | ROLE_ANCHORER | ROLE_REVOKER.
    error CredentialRegistryInvalidRoles(uint8 roles);
    /// @notice The account was marked compromised in this institution and can never hold a role again.
    error CredentialRegistryKeyCompromised(uint24 institutionId, address account, uint40 compromisedFrom);
    /// @notice A compromise cut-off cannot lie in the future.
    error CredentialRegistryCompromiseInFuture(uint40 compromisedFrom, uint40 currentTime);
    /// @notice A compromise cut-off can only move earlier (moving it later would re-validate batches).
    error CredentialRegistryCompromiseNotEarlier(
        uint24 institutionId, address account, uint40 currentCutoff, uint40 requestedCutoff
    );
    /// @notice A batch root cannot be zero.
    error CredentialRegistryZeroMerkleRoot(uint24 institutionId);
    /// @notice A batch needs at least one leaf.
    error CredentialRegistryZeroLeafCount(uint24 institutionId, bytes32 merkleRoot);
    /// @notice This institution already anchored this root.
    error CredentialRegistryBatchAlreadyAnchored(bytes32 batchId, bytes32 merkleRoot);
    /// @notice An anchorMany call needs at least one root.
    error CredentialRegistryEmptyAnchorList(uint24 institutionId);
    /// @notice anchorMany got `rootCount` roots but `leafCountCount` leaf counts.
    error CredentialRegistryAnchorLengthMismatch(uint256 rootCount, uint256 leafCountCount);
    /// @notice No batch has this id.
    error CredentialRegistryUnknownBatch(bytes32 batchId);
    /// @notice The batch was already revoked as a whole.
    error CredentialRegistryBatchAlreadyRevoked(bytes32 batchId);
    /// @notice `leafIndex` is not below the batch's `leafCount`.
    error CredentialRegistryLeafIndexOutOfRange(bytes32 batchId, uint256 leafIndex, uint32 leafCount);
    /// @notice A status call needs at least one leaf index.
    error CredentialRegistryEmptyIndexList(bytes32 batchId);
    /// @notice The credential is already revoked (or listed twice in one call).
    error CredentialRegistryAlreadyRevoked(bytes32 batchId, uint256 leafIndex);
    /// @notice The credential is already suspended (or listed twice in one call).
    error CredentialRegistryAlreadySuspended(bytes32 batchId, uint256 leafIndex);
    /// @notice The credential is not suspended, so it cannot be reinstated.
    error CredentialRegistryNotSuspended(bytes32 batchId, uint256 leafIndex);

    // ---------------------------------------------------------------------
    // Governance
    // ---------------------------------------------------------------------

    /// @notice Registers an institution and installs its first admin.
    /// @dev Only {GOVERNOR_ROLE}. Ids start at 1 and increase by one.
    /// @param name Human-readable name (non-empty).
    /// @param identifier DID, https URL or DNS domain that credentials name as issuer (non-empty).
    /// @param metadataURI Where the institution's metadata document lives (may be empty).
    /// @param metadataHash Hash of that document (may be zero).
    /// @param admin First admin account of the institution (non-zero).
    /// @return institutionId The new institution's id.
    function registerInstitution(
        string calldata name,
        string calldata identifier,
        string calldata metadataURI,
        bytes32 metadataHash,
        address admin
    ) external returns (uint24 institutionId);

    /// @notice Replaces an institution's metadata.
    /// @dev Only {GOVERNOR_ROLE}: the identifier is what verifiers trust, so institutions
    /// cannot change it themselves.
    function updateInstitutionMetadata(
        uint24 institutionId,
        string calldata name,
        string calldata identifier,
        string calldata metadataURI,
        bytes32 metadataHash
    ) external;

    /// @notice Suspends an institution: it cannot anchor, and all its credentials report
    /// {CredentialStatus.InstitutionSuspended} until reinstated. Only {GOVERNOR_ROLE}.
    /// @param reason Reason code (see docs/REASON_CODES.md).
    function suspendInstitution(uint24 institutionId, uint16 reason) external;

    /// @notice Lifts an institution's suspension. Only {GOVERNOR_ROLE}.
    function reinstateInstitution(uint24 institutionId, uint16 reason) external;

    // ---------------------------------------------------------------------
    // Institution keys (admins, or governance acting for the institution)
    // ---------------------------------------------------------------------

    /// @notice Adds `roles` to `account` within the institution.
    /// @dev Caller: an admin of the institution, or a governor (emits
    /// {GovernanceActedForInstitution}). Reverts for compromised accounts.
    function grantRoles(uint24 institutionId, address account, uint8 roles) external;

    /// @notice Removes `roles` from `account` within the institution. Batches it anchored stay valid.
    /// @dev Caller: an admin of the institution (may remove its own roles), or a governor.
    function revokeRoles(uint24 institutionId, address account, uint8 roles) external;

    /// @notice Marks `account` compromised from `compromisedFrom` (a block timestamp) on and
    /// removes all its roles in the institution. Batches it anchored at or after the cut-off
    /// report {CredentialStatus.AnchoringKeyCompromised}. Calling again may only move the
    /// cut-off earlier.
    /// @dev Caller: an admin of the institution, or a governor. A cut-off of 0 is stored as 1
    /// (0 means "never compromised"); no batch has a timestamp below 1.
    function markKeyCompromised(uint24 institutionId, address account, uint40 compromisedFrom) external;

    // ---------------------------------------------------------------------
    // Anchoring (anchorers of the institution only; never governance)
    // ---------------------------------------------------------------------

    /// @notice Anchors one batch root for the institution.
    /// @dev The institution must be active; the caller must hold {ROLE_ANCHORER}.
    /// @return batchId `batchIdOf(institutionId, request.merkleRoot)`.
    function anchor(uint24 institutionId, AnchorRequest calldata request) external returns (bytes32 batchId);

    /// @notice Anchors several batch roots in one transaction (all or nothing).
    /// @dev Parallel arrays rather than AnchorRequest[]: half the calldata per root, and the
    /// format version and manifest hash (covering all the call's batches) are given once.
    /// Emits one {BatchesAnchored}.
    /// @param formatVersion Off-chain format version of every batch in the call.
    /// @param manifestHash Hash of a manifest covering all the call's batches, or 0.
    /// @param merkleRoots One non-zero root per batch.
    /// @param leafCounts The leaf count of each batch, same length as `merkleRoots`.
    /// @return batchIds One id per root, in order.
    function anchorMany(
        uint24 institutionId,
        uint16 formatVersion,
        bytes32 manifestHash,
        bytes32[] calldata merkleRoots,
        uint32[] calldata leafCounts
    ) external returns (bytes32[] memory batchIds);

    // ---------------------------------------------------------------------
    // Status changes (admins or revokers of the batch's institution, or governance)
    // ---------------------------------------------------------------------

    /// @notice Permanently revokes the credentials at `leafIndices` of the batch.
    /// @dev Indices sharing a 256-index window (consecutive in the list) cost one storage
    /// write and one event; sort them for the lowest gas. Reverts if any index is out of
    /// range, already revoked, or listed twice.
    function revokeCredentials(bytes32 batchId, uint256[] calldata leafIndices, uint16 reason) external;

    /// @notice Suspends the credentials at `leafIndices` of the batch (reversible).
    /// @dev Reverts if any index is out of range, already suspended, revoked, or listed twice.
    function suspendCredentials(bytes32 batchId, uint256[] calldata leafIndices, uint16 reason) external;

    /// @notice Lifts the suspension of the credentials at `leafIndices` of the batch.
    /// @dev Reverts if any index is out of range or not suspended.
    function reinstateCredentials(bytes32 batchId, uint256[] calldata leafIndices, uint16 reason) external;

    /// @notice Permanently revokes a whole batch.
    function revokeBatch(bytes32 batchId, uint16 reason) external;

    // ---------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------

    /// @notice Role bit: manage the institution's keys, revoke, suspend, reinstate.
    function ROLE_ADMIN() external view returns (uint8);

    /// @notice Role bit: anchor batch roots.
    function ROLE_ANCHORER() external view returns (uint8);

    /// @notice Role bit: revoke, suspend, reinstate.
    function ROLE_REVOKER() external view returns (uint8);

    /// @notice The AccessControl role of registry governance.
    function GOVERNOR_ROLE() external view returns (bytes32);

    /// @notice Number of registered institutions (ids run from 1 to this number).
    function institutionCount() external view returns (uint24);

    /// @notice An institution's record. Reverts for an unknown id.
    function getInstitution(uint24 institutionId) external view returns (Institution memory);

    /// @notice Roles and compromise cut-off of `account` within the institution.
    function getKeyRecord(uint24 institutionId, address account) external view returns (KeyRecord memory);

    /// @notice True if `account` holds every bit of `roles` within the institution.
    function hasInstitutionRoles(uint24 institutionId, address account, uint8 roles) external view returns (bool);

    /// @notice A batch record and its whole-batch revocation. `batch.anchorer` is zero for an
    /// unknown id.
    function getBatch(bytes32 batchId) external view returns (Batch memory batch, BatchRevocation memory revocation);

    /// @notice The id a batch with this root gets in this institution.
    function batchIdOf(uint24 institutionId, bytes32 merkleRoot) external pure returns (bytes32);

    /// @notice Status of one credential.
    function credentialStatus(bytes32 batchId, uint256 leafIndex) external view returns (CredentialStatus);

    /// @notice Statuses of many credentials of one batch, in the order given (bulk verification).
    function credentialStatuses(bytes32 batchId, uint256[] calldata leafIndices)
        external
        view
        returns (CredentialStatus[] memory statuses);

    /// @notice Checks that `credentialHash` is the leaf at `leafIndex` of the batch (via
    /// `proof`) and reads its status, so other contracts can accept credentials.
    /// @return valid True only if the proof holds and the status is {CredentialStatus.Valid}.
    /// @return status The credential's status, or {CredentialStatus.ProofInvalid} if the batch
    /// exists and the index is in range but the proof does not lead to the batch's root.
    function verify(bytes32 batchId, uint256 leafIndex, bytes32 credentialHash, bytes32[] calldata proof)
        external
        view
        returns (bool valid, CredentialStatus status);
}
