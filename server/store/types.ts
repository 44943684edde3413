/**
 * The storage interface of the service. Routes, the batcher and the publisher only see
 * {@link Store}; `createSqliteStore` (sqlite.ts) implements it with node:sqlite, and a
 * PostgreSQL implementation can replace it without touching them.
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

/** An institution the service issues for (its id is the registry's institution id). */
export type InstitutionRow = {
  readonly id: number;
  readonly name: string;
  readonly identifier: string;
  readonly metadataUri: string;
  readonly adminAddress: string;
  readonly createdAt: number;
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
  readonly credentialHash: `0x${string}`;
  readonly leafHash: `0x${string}`;
  readonly salt: `0x${string}`;
  /** The credential as submitted, in RFC 8785 (JCS) form. */
  readonly body: string;
  readonly createdAt: number;
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

/** Kinds of on-chain actions the service performed, replayed in order after a dev-chain reset. */
export type ChainOpKind =
  | "registerInstitution"
  | "grantRoles"
  | "revokeCredentials"
  | "suspendCredentials"
  | "reinstateCredentials"
  | "revokeBatch";

/** One on-chain action, journaled once its transaction is mined. */
export type ChainOpRow = {
  readonly seq: number;
  readonly kind: ChainOpKind;
  readonly institutionId: number;
  /** Local batch id for status changes. */
  readonly batchId: number | null;
  /** Arguments as JSON (indices, reason, name, roles…). */
  readonly payload: Record<string, unknown>;
  readonly txHash: string | null;
  readonly blockNumber: number | null;
  readonly createdAt: number;
};

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
  /** full → closed, storing root, registry batch id and the flat tree in the same transaction. */
  saveClosedBatch(parameters: {
    id: number;
    merkleRoot: `0x${string}`;
    chainBatchId: `0x${string}`;
    tree: Uint8Array;
    now: number;
  }): Promise<boolean>;
  /** The flat tree (every node, leaves first) of a closed batch. */
  getBatchTree(batchId: number): Promise<Uint8Array | undefined>;
  /** Compare-and-set state change; false if the batch was not in one of `from`. */
  transitionBatch(parameters: { id: number; from: readonly BatchState[]; to: BatchState; patch?: BatchPatch }): Promise<boolean>;
  /** Largest nonce recorded for an in-flight batch of `fromAddress`, or undefined. */
  maxInFlightNonce(fromAddress: string): Promise<number | undefined>;

  // on-chain actions journal (replay)
  recordChainOp(parameters: Omit<ChainOpRow, "seq">): Promise<number>;
  listChainOps(): Promise<ChainOpRow[]>;
  updateChainOpTx(parameters: { seq: number; txHash: string; blockNumber: number }): Promise<void>;
};
