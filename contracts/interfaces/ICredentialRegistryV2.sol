// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/**
 * @title ICredentialRegistryV2
 * @notice Version 2 of credanchor's on-chain registry, deployed beside version 1 (which stays
 * deployed and keeps verifying the credentials anchored in it). Batches, ids, leaves, nodes and
 * anchoring are exactly as in {ICredentialRegistry} (same functions, same events, same gas);
 * what changes is the authority model, closing four holes found in version 1:
 *
 * ## 1. Governance cannot create anchoring power (decided: forbid, and make the rest visible)
 * Governance acting for an institution ({GovernanceActedForInstitution}) may install admins and
 * revokers, remove roles, mark keys compromised and change status, but {grantRoles} by a
 * governor reverts with {CredentialRegistryGovernanceCannotGrantAnchoring} when the roles
 * include {ROLE_ANCHORER}. The recovery path for an institution that lost its keys stays
 * open: governance installs an admin, the admin grants anchorers. So that this path (or a
 * governor installing an admin it controls) cannot stay invisible, every key whose roles
 * descend from a governance act carries `viaGovernance` in its {KeyRecord}: set when a
 * governor grants it roles, and passed on to every key an admin so marked grants roles to.
 * The flag is sticky. A batch's anchorer is in the batch record, so verifiers see, per batch,
 * whether its anchoring power came through governance.
 *
 * ## 2. Destructive acts that reach into the past wait, and can be cancelled
 * Three acts rewrite what verifiers report about credentials already issued: a compromise
 * cut-off before now, a whole-batch revocation, and revoking more than
 * {massRevocationThreshold} credentials in one call. Each is only *scheduled*: it takes effect
 * when someone calls its execute function after {actionDelay} seconds, and until then an admin
 * of the institution or a governor can cancel it. Verifiers read pending acts
 * ({KeyRecord.pendingCutoff}, {BatchRevocation.pendingAfter}, {pendingMassRevocation}) and
 * report them as pending, not done. Forward-looking parts take effect at once, because they
 * only stop harm: {markKeyCompromised} with a past cut-off removes the account's roles
 * immediately (they can be granted again if the compromise is cancelled); a cut-off of now is
 * not past-reaching and applies immediately, as in version 1.
 * Limitation: the threshold is per call; a stolen key can split a mass revocation into small
 * calls. Those are recoverable through hole 3's clearing.
 *
 * ## 3. Revocations made by a compromised key after its cut-off are recoverable
 * Revocation words hold 128 credentials (not 256 as in version 1): the low 128 bits are the
 * revocation bits, the high 128 bits a hash chain over every change to the word
 * (`tag' = uint128(keccak256(abi.encode(tag, actor, timestamp, cleared, mask)))`). The chain
 * lives in the slot the revocation writes anyway, so provenance costs one keccak, not a
 * storage write (a separate provenance slot would add 22,100 gas to a single revocation).
 * {clearCompromisedRevocations} takes the word's history (from {CredentialsRevoked} and
 * {RevocationsCleared} events), checks it against the stored chain and bits, and clears
 * exactly the bits whose last setter is the compromised account at or after its (executed)
 * cut-off: nothing else can be cleared. Callers: an admin of the institution or a governor;
 * every clearing emits {RevocationsCleared}. Suspensions need no such path: they are
 * reversible ({reinstateCredentials}), and so is a stolen key's reinstatement (suspend again).
 *
 * ## 4. Anchor time comes from the chain
 * Unchanged on-chain: {Batch.anchoredAt} is stored and {BatchAnchored} / {BatchesAnchored}
 * carry the institution. Verifiers take the anchoring block from the stored anchoredAt and the
 * batch's own event (core/anchoring.ts), never from a credential's `proof.anchorTransaction`.
 *
 * ## Suspended institutions
 * Decided: an institution's admins and revokers may revoke, suspend and reinstate while the
 * institution is suspended. These acts only narrow what verifies (a suspended institution's
 * batches report InstitutionSuspended whatever their bits say), an institution under
 * investigation must still be able to revoke fraudulent credentials, and the check would cost
 * a storage read on every revocation. Anchoring stays forbidden while suspended.
 *
 * ## Unchanged from version 1
 * Batch ids (`keccak256(abi.encode(uint256(institutionId), merkleRoot))`), leaf and node
 * hashing (twin: core/hash.ts), the batch record (one slot), roles as a bit set per
 * (institution, account), governance through OpenZeppelin AccessControl with a delayed
 * default-admin transfer. See {ICredentialRegistry} for those parts of the spec.
 */
interface ICredentialRegistryV2 {
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

    /// @notice Whole-batch revocation record and the batch's pending destructive acts (one slot,
    /// only written when one of them happens).
    /// @param revoked The batch revocation was executed.
    /// @param revokedAt When it was executed.
    /// @param reason Its reason code.
    /// @param pendingAfter 0, or the time from which a scheduled batch revocation can be executed.
    /// @param pendingReason The scheduled revocation's reason code.
    /// @param pendingMassRevocations How many scheduled mass revocations of this batch are pending
    /// (read {MassRevocationScheduled} events to see which indices they cover).
    struct BatchRevocation {
        bool revoked;
        uint40 revokedAt;
        uint16 reason;
        uint40 pendingAfter;
        uint16 pendingReason;
        uint16 pendingMassRevocations;
    }

    /// @notice Roles and compromise cut-off of one account within one institution.
    /// @param roles Bit set of ROLE_ADMIN | ROLE_ANCHORER | ROLE_REVOKER.
    /// @param compromisedFrom 0 if never marked compromised; otherwise the timestamp
    /// from which batches anchored by this account are not trusted.
    /// @param viaGovernance The key's roles descend from a governance act (see hole 1 above).
    /// @param pendingCutoff 0, or the cut-off of a scheduled (not yet executed) compromise.
    /// @param pendingAfter The time from which that compromise can be executed.
    struct KeyRecord {
        uint8 roles;
        uint40 compromisedFrom;
        bool viaGovernance;
        uint40 pendingCutoff;
        uint40 pendingAfter;
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

    /// @notice The credentials `wordIndex * 128 + i` for every set bit `i` of `mask` were revoked
    /// (by `actor`, or for a scheduled mass revocation by its proposer).
    event CredentialsRevoked(
        bytes32 indexed batchId, uint256 indexed wordIndex, address indexed actor, uint256 mask, uint16 reason
    );

    /// @notice The credentials `wordIndex * 128 + i` for every set bit `i` of `mask` were suspended.
    event CredentialsSuspended(
        bytes32 indexed batchId, uint256 indexed wordIndex, address indexed actor, uint256 mask, uint16 reason
    );

    /// @notice The credentials `wordIndex * 128 + i` for every set bit `i` of `mask` were reinstated.
    event CredentialsReinstated(
        bytes32 indexed batchId, uint256 indexed wordIndex, address indexed actor, uint256 mask, uint16 reason
    );

    /// @notice A compromise of `account` from `compromisedFrom` (before now) was scheduled; it can
    /// be executed from `executeAfter` on and cancelled until then.
    event KeyCompromiseScheduled(
        uint24 indexed institutionId,
        address indexed account,
        address indexed actor,
        uint40 compromisedFrom,
        uint40 executeAfter
    );

    /// @notice A scheduled compromise was cancelled.
    event KeyCompromiseCancelled(uint24 indexed institutionId, address indexed account, address indexed actor);

    /// @notice A whole-batch revocation was scheduled.
    event BatchRevocationScheduled(bytes32 indexed batchId, address indexed actor, uint16 reason, uint40 executeAfter);

    /// @notice A scheduled whole-batch revocation was cancelled.
    event BatchRevocationCancelled(bytes32 indexed batchId, address indexed actor);

    /// @notice A revocation of more than {massRevocationThreshold} credentials was scheduled under
    /// `actionId` (see {massRevocationId}).
    event MassRevocationScheduled(
        bytes32 indexed actionId,
        bytes32 indexed batchId,
        address indexed actor,
        uint256[] leafIndices,
        uint16 reason,
        uint40 executeAfter
    );

    /// @notice A scheduled mass revocation was executed (its {CredentialsRevoked} events name its proposer).
    event MassRevocationExecuted(bytes32 indexed actionId, bytes32 indexed batchId, address indexed executor);

    /// @notice A scheduled mass revocation was cancelled.
    event MassRevocationCancelled(bytes32 indexed actionId, bytes32 indexed batchId, address indexed actor);

    /// @notice Revocation bits `mask` of window `wordIndex` (credentials `wordIndex * 128 + i`),
    /// set by `compromisedAccount` at or after its cut-off, were cleared.
    event RevocationsCleared(
        bytes32 indexed batchId,
        uint256 indexed wordIndex,
        address indexed actor,
        address compromisedAccount,
        uint256 mask,
        uint16 reason
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
    /// @notice Governance may not grant {ROLE_ANCHORER} (it never creates anchoring power).
    error CredentialRegistryGovernanceCannotGrantAnchoring(uint24 institutionId, address account);
    /// @notice More than {massRevocationThreshold} indices in one call: use {scheduleMassRevocation}.
    error CredentialRegistryMassRevocationMustWait(bytes32 batchId, uint256 count, uint256 threshold);
    /// @notice Nothing is scheduled under this key / batch / action id.
    error CredentialRegistryNothingScheduled(bytes32 actionId);
    /// @notice The act is already scheduled (cancel it first to change it).
    error CredentialRegistryAlreadyScheduled(bytes32 actionId);
    /// @notice The scheduled act's delay has not passed.
    error CredentialRegistryDelayNotPassed(bytes32 actionId, uint40 executeAfter, uint40 currentTime);
    /// @notice The account has no executed compromise cut-off, so nothing it set can be cleared.
    error CredentialRegistryNotCompromised(uint24 institutionId, address account);
    /// @notice The history given does not rebuild the word's stored hash chain and bits.
    error CredentialRegistryHistoryMismatch(bytes32 batchId, uint256 wordIndex);
    /// @notice No bit of the word was set by the compromised account at or after its cut-off.
    error CredentialRegistryNothingToClear(bytes32 batchId, uint256 wordIndex, address account);

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
    /// removes all its roles in the institution at once. A cut-off equal to now applies at once.
    /// A cut-off before now reaches into the past, so it is only scheduled
    /// ({KeyCompromiseScheduled}): {executeKeyCompromise} applies it after {actionDelay},
    /// {cancelKeyCompromise} drops it. Once applied, batches the account anchored at or after
    /// the cut-off report {CredentialStatus.AnchoringKeyCompromised}, the account can never
    /// hold a role again, and its later revocations can be cleared
    /// ({clearCompromisedRevocations}). A new cut-off may only be earlier than the applied one.
    /// @dev Caller: an admin of the institution, or a governor. A cut-off of 0 is stored as 1.
    function markKeyCompromised(uint24 institutionId, address account, uint40 compromisedFrom) external;

    /// @notice Applies a scheduled compromise once its delay has passed. Anyone may call.
    function executeKeyCompromise(uint24 institutionId, address account) external;

    /// @notice Drops a scheduled compromise. Caller: an admin of the institution, or a governor.
    /// The account's roles are not restored: an admin grants them again if wanted.
    function cancelKeyCompromise(uint24 institutionId, address account) external;

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

    /// @notice Permanently revokes the credentials at `leafIndices` of the batch (at most
    /// {massRevocationThreshold} per call; more must be scheduled).
    /// @dev Indices sharing a 128-index window (consecutive in the list) cost one storage
    /// write and one event; sort them for the lowest gas. Reverts if any index is out of
    /// range, already revoked, or listed twice. Allowed while the institution is suspended.
    function revokeCredentials(bytes32 batchId, uint256[] calldata leafIndices, uint16 reason) external;

    /// @notice Suspends the credentials at `leafIndices` of the batch (reversible).
    /// @dev Reverts if any index is out of range, already suspended, revoked, or listed twice.
    function suspendCredentials(bytes32 batchId, uint256[] calldata leafIndices, uint16 reason) external;

    /// @notice Lifts the suspension of the credentials at `leafIndices` of the batch.
    /// @dev Reverts if any index is out of range or not suspended.
    function reinstateCredentials(bytes32 batchId, uint256[] calldata leafIndices, uint16 reason) external;

    /// @notice Schedules the permanent revocation of a whole batch ({BatchRevocationScheduled});
    /// {executeBatchRevocation} applies it after {actionDelay}. Caller: an admin or revoker of
    /// the batch's institution, or a governor.
    function revokeBatch(bytes32 batchId, uint16 reason) external;

    /// @notice Applies a scheduled batch revocation once its delay has passed. Anyone may call.
    function executeBatchRevocation(bytes32 batchId) external;

    /// @notice Drops a scheduled batch revocation. Caller: an admin of the institution, or a governor.
    function cancelBatchRevocation(bytes32 batchId) external;

    /// @notice Schedules the revocation of more than {massRevocationThreshold} credentials
    /// ({MassRevocationScheduled}). Same callers and index rules as {revokeCredentials}.
    /// @return actionId {massRevocationId} of the arguments.
    function scheduleMassRevocation(bytes32 batchId, uint256[] calldata leafIndices, uint16 reason)
        external
        returns (bytes32 actionId);

    /// @notice Applies a scheduled mass revocation (same arguments) once its delay has passed.
    /// Anyone may call; the revocations are recorded as made by the proposer.
    function executeMassRevocation(bytes32 batchId, uint256[] calldata leafIndices, uint16 reason) external;

    /// @notice Drops a scheduled mass revocation. Caller: an admin of the institution, or a governor.
    function cancelMassRevocation(bytes32 batchId, bytes32 actionId) external;

    /// @notice One change to a revocation word, as its events record it: `actor` set
    /// (`cleared` false) or cleared (`cleared` true) the bits `mask` at block time `at`.
    struct RevocationChange {
        address actor;
        uint40 at;
        bool cleared;
        uint256 mask;
    }

    /// @notice Clears the revocation bits of window `wordIndex` whose last setter is
    /// `compromisedAccount` at or after its applied compromise cut-off.
    /// @dev `history` is every change to the word, oldest first ({CredentialsRevoked} with its
    /// block time, {RevocationsCleared}); it must rebuild the stored hash chain and bits. Caller:
    /// an admin of the institution, or a governor. Emits {RevocationsCleared}.
    /// @return cleared The bits cleared.
    function clearCompromisedRevocations(
        bytes32 batchId,
        uint256 wordIndex,
        address compromisedAccount,
        RevocationChange[] calldata history,
        uint16 reason
    ) external returns (uint256 cleared);

    // ---------------------------------------------------------------------
    // Views
    // ---------------------------------------------------------------------

    /// @notice Role bit: manage the institution's keys, revoke, suspend, reinstate.
    function ROLE_ADMIN() external view returns (uint8);

    /// @notice Role bit: anchor batch roots.
    function ROLE_ANCHORER() external view returns (uint8);

    /// @notice Role bit: revoke, suspend, reinstate.
    function ROLE_REVOKER() external view returns (uint8);

    /// @notice 2: the registry version (version 1 has no such function).
    function REGISTRY_VERSION() external view returns (uint16);

    /// @notice Credentials per status word (128; version 1 had 256).
    function STATUS_WINDOW() external view returns (uint256);

    /// @notice Seconds a scheduled destructive act waits before it can be executed.
    function actionDelay() external view returns (uint40);

    /// @notice Most credentials {revokeCredentials} revokes in one call without scheduling.
    function massRevocationThreshold() external view returns (uint256);

    /// @notice The id of a mass revocation: keccak256(abi.encode(batchId, leafIndices, reason)).
    function massRevocationId(bytes32 batchId, uint256[] calldata leafIndices, uint16 reason)
        external
        pure
        returns (bytes32);

    /// @notice A scheduled mass revocation: its proposer and when it can be executed (zeros if none).
    function pendingMassRevocation(bytes32 actionId) external view returns (address proposer, uint40 executeAfter);

    /// @notice The revocation bits and hash chain of one 128-index window.
    function revocationWord(bytes32 batchId, uint256 wordIndex) external view returns (uint256 bits, uint128 tag);

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
