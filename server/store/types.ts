/**
 * The storage interface of the service. Routes, the batcher and the publisher only see
 * {@link Store}; `createSqliteStore` (sqlite.ts) implements it with node:sqlite (one
 * machine), `createPostgresStore` (postgres.ts) with PostgreSQL (any number of replicas);
 * test/server/storeContract.test.ts holds both to the same contract.
 *
 * Rules every implementation keeps (they are what exactly-once rests on, never an
 * in-process lock):
 * - {@link Store.submitCredentials} runs in one transaction; leaf positions come from a
 *   row update of the open batch (`size = size + n`), and `(batch, leafIndex)` and
 *   `(institution, clientId)` are unique constraints.
 * - At most one batch per institution is `open` (a partial unique index).
 * - State changes of a batch are compare-and-set on its current state
 *   ({@link Store.transitionBatch}), so two publishers cannot both move it.
 * - A batch's tree is persisted in the same transaction that makes it `closed`.
 */

/** Lifecycle of a batch, in order. */
export const batchStates = ["open", "full", "closed", "sending", "sent", "mined", "anchored"] as const;
/** One of {@link batchStates}. */
export type BatchState = (typeof batchStates)[number];

/**
 * API token scopes, each granting only what it names (least privilege): `read` every GET
 * route and POST /v1/verify, `issue` submitting and closing batches, `revoke` status
 * changes, `admin` the institution's tokens. A token holds exactly the scopes it was
 * created with; none implies another.
 */
export const tokenScopes = ["issue", "revoke", "admin", "read"] as const;
/** One of {@link tokenScopes}. */
export type TokenScope = (typeof tokenScopes)[number];

/** Whether the service serves an institution: `disabled` refuses its tokens (queued batches still anchor). */
export type InstitutionStatus = "active" | "disabled";

/**
 * An institution the service issues for (its id is the registry's institution id). Name,
 * identifier and metadata are copied from its on-chain record when it is onboarded.
 */
export type InstitutionRow = {
  readonly id: number;
  readonly name: string;
  readonly identifier: string;
  readonly metadataUri: string;
  /** Its first admin on chain ("" when unknown). */
  readonly adminAddress: string;
  readonly createdAt: number;
  readonly status: InstitutionStatus;
  /** The keys the service signs with for this institution (checked on chain at onboarding). */
  readonly keys: InstitutionKeys;
};

/** An institution with no keys recorded. */
export const NO_KEYS: InstitutionKeys = { anchorer: null, revoker: null, signingKey: null };

/** Per-institution keys: addresses of the service's signing accounts, never secrets. */
export type InstitutionKeys = {
  /** Holds ROLE_ANCHORER in the institution. */
  readonly anchorer: string | null;
  /** Holds ROLE_REVOKER (or ROLE_ADMIN) in the institution. */
  readonly revoker: string | null;
  /**
   * Reserved for the institution's Ed25519 credential-signing key (signed credentials):
   * a reference to where the key is kept (e.g. a keystore path or KMS key id, or its
   * public did:key), never the private key. Null until that feature sets it.
   */
  readonly signingKey: string | null;
};

/** A batch as stored. Hashes are lowercase `0x` hex. */
export type BatchRow = {
  readonly id: number;
  readonly institutionId: number;
  readonly state: BatchState;
  /** Leaf positions handed out so far (= leaf count once closed). */
  readonly size: number;
  readonly createdAt: number;
  /** When the first credential arrived (the max-wait clock), or null if empty. */
  readonly firstAt: number | null;
  readonly closedAt: number | null;
  readonly merkleRoot: `0x${string}` | null;
  /** batchIdOf(institutionId, merkleRoot): the registry's id for this batch. */
  readonly chainBatchId: `0x${string}` | null;
  readonly nonce: number | null;
  readonly fromAddress: string | null;
  /** The signed anchoring transaction, recorded before it is broadcast. */
  readonly rawTx: `0x${string}` | null;
  readonly txHash: `0x${string}` | null;
  readonly sentAt: number | null;
  readonly blockNumber: number | null;
  readonly blockHash: `0x${string}` | null;
  readonly txIndex: number | null;
  readonly minedAt: number | null;
  readonly anchoredAt: number | null;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly nextAttemptAt: number | null;
};

/** A credential as stored (without its tree). */
export type CredentialRow = {
  readonly seq: number;
  readonly id: string;
  readonly institutionId: number;
  readonly batchId: number;
  readonly leafIndex: number;
  readonly clientId: string | null;
  /** Zero while {@link CredentialRow.awaitingSignature}. */
  readonly credentialHash: `0x${string}`;
  /** Zero while {@link CredentialRow.awaitingSignature}. */
  readonly leafHash: `0x${string}`;
  readonly salt: `0x${string}`;
  /** The credential as submitted, in RFC 8785 (JCS) form (unsigned while awaiting its signature). */
  readonly body: string;
  readonly createdAt: number;
  /** Stored unsigned: the signer (server/signing/signer.ts) has not signed it yet, so it has no hash yet. */
  readonly awaitingSignature: boolean;
};

/** What a proof of one credential needs. */
export type CredentialAnchorRow = {
  readonly id: string;
  readonly leafIndex: number;
  readonly credentialHash: `0x${string}`;
  readonly salt: `0x${string}`;
  readonly batch: BatchRow;
};

/** A credential with the batch fields queries need. */
export type CredentialWithBatch = CredentialRow & { readonly batch: BatchRow };

/** One credential to insert, already validated and hashed. */
export type IntakeItem = {
  readonly clientId: string | null;
  /** JCS text of the credential (what its hash covers). */
  readonly body: string;
  readonly salt: Uint8Array;
  readonly credentialHash: Uint8Array;
  /** Its place in the institution's status list, when its body carries that entry (server/statusList/). */
  readonly status?: StatusListPosition | undefined;
  /**
   * The service signs it after intake (server/signing/signer.ts): `body` is unsigned (its
   * status entry in), `credentialHash` is ignored and the row is stored with zero hashes.
   */
  readonly awaitingSignature?: boolean | undefined;
};

/** A credential stored unsigned, as the signer claims it. */
export type AwaitingSignatureRow = {
  readonly seq: number;
  readonly institutionId: number;
  readonly batchId: number;
  readonly leafIndex: number;
  /** The unsigned credential (JCS, status entry included). */
  readonly body: string;
  readonly salt: Uint8Array;
};

/** What the signer writes for one claimed row. */
export type SignedCredentialWrite = {
  readonly seq: number;
  /** The signed credential, JCS (what the hash covers). */
  readonly body: string;
  readonly credentialHash: Uint8Array;
  /** core hashLeaf(leafIndex, credentialHash). */
  readonly leafHash: Uint8Array;
};

/** Parameters of {@link Store.signAwaitingCredentials}. */
export type SignAwaitingCredentialsParameters = {
  /** Rows claimed at most. */
  readonly limit: number;
  /** Institutions not to claim for (their signing failed recently: others are not held up). */
  readonly excludeInstitutions: readonly number[];
  /** Signs the claimed rows; rows it returns nothing for stay awaiting (retried later). */
  readonly sign: (rows: readonly AwaitingSignatureRow[]) => Promise<readonly SignedCredentialWrite[]>;
};

/** Result of {@link Store.signAwaitingCredentials}. */
export type SignAwaitingCredentialsReturnType = {
  readonly claimed: number;
  /** Rows this call signed (a row another signer wrote first is not counted). */
  readonly signed: number;
  /** Batches of the signed rows that have no row awaiting a signature left. */
  readonly signedBatches: readonly number[];
};

/** A credential's place in a status list of its institution: list number and (random) index. */
export type StatusListPosition = { readonly listNumber: number; readonly index: number };

/**
 * Consecutive assignment positions reserved in one status list: positions
 * `firstPosition .. firstPosition + count - 1`, each mapped to its index by the list's
 * seeded permutation (server/statusList/permutation.ts).
 */
export type StatusListReservation = {
  readonly listNumber: number;
  readonly seed: Uint8Array;
  readonly firstPosition: number;
  readonly count: number;
};

/** A status list as stored. */
export type StatusListRow = {
  readonly institutionId: number;
  readonly listNumber: number;
  readonly seed: Uint8Array;
  /** Positions handed out so far. */
  readonly assigned: number;
  readonly createdAt: number;
};

/** What intake recorded for one submitted credential. */
export type IntakeRecord = {
  readonly id: string;
  readonly clientId: string | null;
  readonly credentialHash: Uint8Array;
  readonly batchId: number;
  readonly leafIndex: number;
  readonly leafHash: Uint8Array;
  /** State of its batch (new records: open or full). */
  readonly batchState: BatchState;
  /** True if the idempotency key matched an earlier submission of the same content. */
  readonly existing: boolean;
  /** Stored unsigned, signed after intake: `credentialHash` and `leafHash` are not known yet. */
  readonly awaitingSignature: boolean;
};

/** Result of {@link Store.submitCredentials}. */
export type SubmitResult =
  | { readonly ok: true; readonly records: readonly IntakeRecord[]; readonly filledBatches: readonly number[] }
  | { readonly ok: false; readonly conflicts: readonly { readonly position: number; readonly clientId: string }[] };

/** Parameters of {@link Store.submitCredentials}. */
export type SubmitCredentialsParameters = {
  readonly institutionId: number;
  readonly items: readonly IntakeItem[];
  /** Batch capacity: a batch reaching it becomes `full` and the next one opens. */
  readonly maxSize: number;
  readonly now: number;
  /** core's leafHash(leafIndex, credentialHash), as bytes. */
  readonly leafHash: (leafIndex: number, credentialHash: Uint8Array) => Uint8Array;
  /** New public credential id (a UUID). */
  readonly newId: () => string;
};

/** An API token as stored (only the hash of its secret). */
export type TokenRow = {
  readonly id: string;
  readonly institutionId: number;
  readonly name: string;
  readonly scopes: readonly TokenScope[];
  readonly createdAt: number;
  readonly revokedAt: number | null;
};

/** Registry events the service indexes (every event of an institution or one of its batches). */
export const registryEventNames = [
  "InstitutionRegistered",
  "InstitutionMetadataUpdated",
  "InstitutionSuspended",
  "InstitutionReinstated",
  "InstitutionRolesGranted",
  "InstitutionRolesRevoked",
  "AnchoringKeyCompromised",
  "GovernanceActedForInstitution",
  "BatchAnchored",
  "BatchesAnchored",
  "BatchRevoked",
  "CredentialsRevoked",
  "CredentialsSuspended",
  "CredentialsReinstated",
] as const;
/** One of {@link registryEventNames}. */
export type RegistryEventName = (typeof registryEventNames)[number];

/**
 * One registry event as indexed. `(blockNumber, logIndex)` is its position and unique key;
 * `args` holds every decoded argument (integers above 2^53 as decimal strings, bytes as
 * lowercase hex) so a replay can re-send it.
 */
export type RegistryEventRow = {
  readonly blockNumber: number;
  readonly blockHash: `0x${string}`;
  readonly logIndex: number;
  readonly txHash: `0x${string}`;
  /** Block timestamp, seconds. */
  readonly timestamp: number;
  readonly name: RegistryEventName;
  /** The institution it concerns (resolved through the batch for batch events). */
  readonly institutionId: number;
  /** Registry batch id for batch events, else null. */
  readonly chainBatchId: `0x${string}` | null;
  /** 256-index window of Credentials* events, else null. */
  readonly wordIndex: number | null;
  /** Who sent it (`actor`, `governor` or the anchorer). */
  readonly actor: `0x${string}`;
  readonly args: Record<string, unknown>;
};

/** How far the registry index has read: the last block indexed and its hash (reorg check). */
export type IndexCursor = { readonly blockNumber: number; readonly blockHash: `0x${string}` };

/** The chain the database's batches live on. */
export type ChainIdentity = {
  readonly chainId: number;
  readonly genesisHash: `0x${string}`;
  readonly registryAddress: `0x${string}`;
  readonly deployBlock: number;
};

/** Fields a publisher may set on a batch with a state change. */
export type BatchPatch = Partial<
  Pick<
    BatchRow,
    | "nonce"
    | "fromAddress"
    | "rawTx"
    | "txHash"
    | "sentAt"
    | "blockNumber"
    | "blockHash"
    | "txIndex"
    | "minedAt"
    | "anchoredAt"
    | "attempts"
    | "lastError"
    | "nextAttemptAt"
  >
>;

/** Whether the store can write, from what its last writes met (readiness reads it). */
export type StoreHealth = {
  readonly writable: boolean;
  /** The storage failure that made the last write fail (cleared by the next write that commits). */
  readonly failure?: { readonly code: string; readonly message: string; readonly since: number } | undefined;
};

/**
 * A publisher's hold on the lease of one anchoring key (server/election.ts): batch writes
 * given a fence apply only while this holder still has this epoch of the lease, unexpired.
 */
export type LeaseFence = {
  readonly key: string;
  readonly holder: string;
  /** Incremented each time the lease changes hands. */
  readonly epoch: number;
};

/** The storage the service runs on. All methods may be called concurrently. */
export type Store = {
  /** Cheap liveness probe (readyz). */
  ping(): Promise<void>;
  /** Kept state, no I/O: a full disk seen by the last write makes it not writable. */
  health(): StoreHealth;
  close(): Promise<void>;

  // chain identity (reset detection)
  getChainIdentity(): Promise<ChainIdentity | undefined>;
  setChainIdentity(identity: ChainIdentity): Promise<void>;

  // institutions
  createInstitution(row: InstitutionRow): Promise<void>;
  getInstitution(id: number): Promise<InstitutionRow | undefined>;
  listInstitutions(): Promise<InstitutionRow[]>;
  /** Replaces name, identifier, metadata, admin and keys (a re-onboarding); false if unknown. */
  updateInstitution(row: Omit<InstitutionRow, "createdAt" | "status">): Promise<boolean>;
  /** Sets active/disabled; false if unknown. */
  setInstitutionStatus(parameters: { id: number; status: InstitutionStatus }): Promise<boolean>;

  // service settings other processes read (the operator CLI): e.g. the addresses of the
  // service's anchorer and revoker keys, written at start-up. Plain key/value text.
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;

  // tokens
  createToken(parameters: { row: Omit<TokenRow, "revokedAt">; secretHash: Uint8Array }): Promise<void>;
  findTokenBySecretHash(secretHash: Uint8Array): Promise<TokenRow | undefined>;
  listTokens(institutionId: number): Promise<TokenRow[]>;
  /** Marks a token revoked; false if no such token in this institution. */
  revokeToken(parameters: { institutionId: number; id: string; now: number }): Promise<boolean>;

  // intake
  submitCredentials(parameters: SubmitCredentialsParameters): Promise<SubmitResult>;
  getCredential(parameters: { institutionId: number; id: string }): Promise<CredentialWithBatch | undefined>;
  /** Like getCredential without the body: what a proof needs (the hot path of proof queries). */
  getCredentialAnchor(parameters: { institutionId: number; id: string }): Promise<CredentialAnchorRow | undefined>;
  /** By credential hash or leaf hash (32 bytes). */
  findCredentialsByHash(parameters: { institutionId: number; hash: Uint8Array }): Promise<CredentialWithBatch[]>;
  getCredentialsByIds(parameters: { institutionId: number; ids: readonly string[] }): Promise<CredentialWithBatch[]>;
  /** Credentials waiting for anchoring (their batch is not anchored yet). */
  countPendingCredentials(): Promise<number>;

  // signing after intake (server/signing/signer.ts)
  /**
   * Claims up to `limit` rows awaiting a signature (oldest batch first; PostgreSQL: locked
   * FOR UPDATE SKIP LOCKED, so replicas share the work), has `sign` sign them, and writes
   * each result only where the row still awaits its signature: a row is never stored with
   * two different signatures.
   */
  signAwaitingCredentials(parameters: SignAwaitingCredentialsParameters): Promise<SignAwaitingCredentialsReturnType>;
  /** Rows awaiting a signature: of one batch, or all. */
  countAwaitingSignature(parameters: { batchId?: number | undefined }): Promise<number>;

  // status lists (W3C Bitstring Status List; server/statusList/)
  /**
   * Reserves `count` positions in the institution's status lists, in one transaction:
   * the current list's counter moves on, and a full list is followed by a new one (its
   * seed from `newSeed`). A reserved position is never handed out again, used or not.
   */
  reserveStatusPositions(parameters: {
    institutionId: number;
    count: number;
    listLength: number;
    now: number;
    newSeed: () => Uint8Array;
  }): Promise<StatusListReservation[]>;
  /** The institution's status lists, by number. */
  listStatusLists(parameters: { institutionId: number }): Promise<StatusListRow[]>;
  /** Status list positions of a registry batch's credentials: all of them, or those at `leafIndices`. */
  listStatusPositions(parameters: { chainBatchId: `0x${string}`; leafIndices?: readonly number[] | undefined }): Promise<StatusListPosition[]>;

  // batches
  getBatch(parameters: { institutionId: number; id: number }): Promise<BatchRow | undefined>;
  getBatchById(id: number): Promise<BatchRow | undefined>;
  listBatches(parameters: { institutionId: number; limit: number; beforeId?: number | undefined }): Promise<BatchRow[]>;
  listBatchesInStates(states: readonly BatchState[]): Promise<BatchRow[]>;
  /** Open batches whose first credential arrived at or before `firstAtOrBefore`, and full ones. */
  listBatchesDue(parameters: { firstAtOrBefore: number }): Promise<BatchRow[]>;
  getOpenBatch(institutionId: number): Promise<BatchRow | undefined>;
  /** open → full (no more intake). False if the batch was not open. */
  sealBatch(parameters: { id: number }): Promise<boolean>;
  /** Leaf hashes of a sealed batch in leaf order (size × 32 bytes). */
  getLeafHashes(batchId: number): Promise<Uint8Array>;
  /**
   * full → closed, storing root, registry batch id and the flat tree in the same
   * transaction. False (nothing changed) while a row of the batch awaits its signature.
   */
  saveClosedBatch(parameters: {
    id: number;
    merkleRoot: `0x${string}`;
    chainBatchId: `0x${string}`;
    tree: Uint8Array;
    now: number;
  }): Promise<boolean>;
  /** The flat tree (every node, leaves first) of a closed batch. */
  getBatchTree(batchId: number): Promise<Uint8Array | undefined>;
  /**
   * Compare-and-set state change; false if the batch was not in one of `from`, or if
   * `fence` is given and that lease is no longer held (expired, or taken by another holder).
   */
  transitionBatch(parameters: {
    id: number;
    from: readonly BatchState[];
    to: BatchState;
    patch?: BatchPatch;
    fence?: LeaseFence | undefined;
  }): Promise<boolean>;
  /** Largest nonce recorded for an in-flight batch of `fromAddress`, or undefined. */
  maxInFlightNonce(fromAddress: string): Promise<number | undefined>;

  // registry event index (the chain as the source of truth for status)
  getIndexCursor(): Promise<IndexCursor | undefined>;
  /**
   * Appends events (ignoring ones already stored at the same position) and moves the
   * cursor to `cursor`, in one transaction.
   */
  appendRegistryEvents(parameters: { events: readonly RegistryEventRow[]; cursor: IndexCursor }): Promise<void>;
  /** Reorg: deletes the events after block `afterBlock` and sets the cursor, in one transaction. */
  rewindRegistryEvents(parameters: { afterBlock: number; cursor: IndexCursor }): Promise<void>;
  /**
   * Events that bear on one credential, in chain order: the Credentials* events of its
   * batch and window, BatchRevoked of its batch, and the institution's events (suspension,
   * roles, key compromise).
   */
  listCredentialEvents(parameters: { institutionId: number; chainBatchId: `0x${string}`; wordIndex: number }): Promise<RegistryEventRow[]>;
  /** Every indexed event of an institution and its batches, in chain order (status list derivation). */
  listInstitutionEvents(parameters: { institutionId: number }): Promise<RegistryEventRow[]>;
  /** Every indexed event in chain order, a page at a time (after position `after`). */
  listRegistryEvents(parameters: { after?: { blockNumber: number; logIndex: number } | undefined; limit: number }): Promise<RegistryEventRow[]>;
  /** The institution of an indexed anchored batch (BatchAnchored / BatchesAnchored), if any. */
  institutionOfChainBatch(chainBatchId: `0x${string}`): Promise<number | undefined>;
  /**
   * Dev-chain replay done: binds the database to the fresh chain, deletes the old chain's
   * events and sets the cursor, in one transaction (a crash before it replays again).
   */
  rebindChain(parameters: { identity: ChainIdentity; cursor: IndexCursor }): Promise<void>;

  // leases (publisher election, server/election.ts); expiry is judged by the store's clock
  /**
   * Takes the lease on `key` for `ttlMs` if it is free, expired, or already `holder`'s;
   * resolves with the fence (a new epoch whenever the holder changes), or undefined while
   * another holder's lease runs.
   */
  acquireLease(parameters: { key: string; holder: string; ttlMs: number }): Promise<LeaseFence | undefined>;
  /** Extends a held lease by `ttlMs` from now; false if it expired or changed hands. */
  renewLease(parameters: { fence: LeaseFence; ttlMs: number }): Promise<boolean>;
  /** Gives the lease up (shutdown), so a standby takes over without waiting for expiry. */
  releaseLease(fence: LeaseFence): Promise<void>;
};
