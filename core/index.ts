/**
 * credanchor core: the one public entry point. Everything here runs unchanged in the
 * service, the CLI and the browser verifier (no `node:*`, no `Buffer`).
 */
export {
  CredanchorError,
  ChainMismatchError,
  CredentialInvalidError,
  errorCatalogue,
  HexInvalidError,
  ProofFormatUnknownError,
  ProofMalformedError,
  RpcUnavailableError,
  type CredanchorErrorJson,
  type CredanchorErrorParameters,
  type ErrorCode,
  type FieldIssue,
} from "./errors.ts";
export {
  bytesToHex,
  hexToBytes,
  isHex,
  type BytesToHexParameters,
  type BytesToHexReturnType,
  type Hex,
  type HexToBytesParameters,
  type HexToBytesReturnType,
  type IsHexParameters,
  type IsHexReturnType,
} from "./hex.ts";
export { getKeccakBackend, keccakReady, type KeccakBackend } from "./keccak.ts";
export {
  batchIdOf,
  canonicalizeCredential,
  credentialHash,
  credentialHashFromCanonical,
  leafHash,
  LEAF_TAG,
  MAX_INSTITUTION_ID,
  nodeHash,
  NODE_TAG,
  type BatchIdOfParameters,
  type BatchIdOfReturnType,
  type Bytes32Input,
  type CanonicalizeCredentialParameters,
  type CanonicalizeCredentialReturnType,
  type CredentialHashFromCanonicalParameters,
  type CredentialHashFromCanonicalReturnType,
  type CredentialHashParameters,
  type CredentialHashReturnType,
  type LeafHashParameters,
  type LeafHashReturnType,
  type NodeHashParameters,
  type NodeHashReturnType,
} from "./hash.ts";
export {
  buildTree,
  buildTreeFromCredentialHashes,
  computeRootFromProof,
  getProof,
  getProofBytes,
  getProofLength,
  getRoot,
  MAX_LEAF_COUNT,
  treeFromNodes,
  verifyProof,
  type BuildTreeFromCredentialHashesParameters,
  type BuildTreeFromCredentialHashesReturnType,
  type BuildTreeParameters,
  type BuildTreeReturnType,
  type ComputeRootFromProofParameters,
  type ComputeRootFromProofReturnType,
  type GetProofBytesParameters,
  type GetProofBytesReturnType,
  type GetProofLengthParameters,
  type GetProofLengthReturnType,
  type GetProofParameters,
  type GetProofReturnType,
  type GetRootParameters,
  type GetRootReturnType,
  type MerkleTree,
  type TreeFromNodesParameters,
  type TreeFromNodesReturnType,
  type VerifyProofParameters,
  type VerifyProofReturnType,
} from "./merkle.ts";
export {
  isChecksumAddress,
  toChecksumAddress,
  type IsChecksumAddressParameters,
  type IsChecksumAddressReturnType,
  type ToChecksumAddressParameters,
  type ToChecksumAddressReturnType,
} from "./address.ts";
export {
  isDateTimeStamp,
  OB_V3_CONTEXT,
  OPEN_BADGE_TYPES,
  VC_V2_CONTEXT,
  type Achievement,
  type IdentityObject,
  type OpenBadgeCredential,
  type VerifiableCredential,
} from "./schema.ts";
export { toJsonPath, type ToJsonPathParameters, type ToJsonPathReturnType } from "./issues.ts";
export {
  credentialKinds,
  isOpenBadgeCredential,
  validateCredential,
  type CredentialKind,
  type IsOpenBadgeCredentialParameters,
  type IsOpenBadgeCredentialReturnType,
  type ValidateCredentialParameters,
  type ValidateCredentialReturnType,
} from "./credential.ts";
export {
  hashIdentity,
  normalizeEmail,
  type HashIdentityParameters,
  type HashIdentityReturnType,
  type NormalizeEmailParameters,
  type NormalizeEmailReturnType,
} from "./identity.ts";
export { generateSalt, type GenerateSaltParameters, type GenerateSaltReturnType } from "./random.ts";
export {
  createOpenBadgeCredential,
  type AchievementInput,
  type CreateOpenBadgeCredentialParameters,
  type CreateOpenBadgeCredentialReturnType,
  type ProfileInput,
  type RecipientInput,
} from "./openbadge.ts";
export {
  PROOF_TYPE,
  proofFormats,
  STATUS_PURPOSES,
  STATUS_TYPE,
  type Caip2ChainId,
  type ProofFormat,
} from "./proofSchema.ts";
export {
  attachProof,
  chainIdOf,
  parseCredentialStatus,
  parseProof,
  splitPortableCredential,
  type AnchorRecord,
  type AttachProofParameters,
  type AttachProofReturnType,
  type ChainIdOfParameters,
  type ChainIdOfReturnType,
  type CredanchorProof,
  type CredanchorProofV1,
  type CredanchorStatus,
  type ParseCredentialStatusParameters,
  type ParseCredentialStatusReturnType,
  type ParseProofParameters,
  type ParseProofReturnType,
  type PortableCredentialParts,
  type PortableCredentialV1Parts,
  type SplitPortableCredentialParameters,
  type SplitPortableCredentialReturnType,
} from "./proof.ts";
export {
  ANCHOR_CRYPTOSUITE,
  attachAnchorProof,
  BITSTRING_STATUS_TYPE,
  canonicalizeSignedCredential,
  isAnchorProofV2,
  parseAnchorProof,
  parseBitstringStatusEntry,
  signedPart,
  splitPortableCredentialV2,
  type AnchorV2Record,
  type AttachAnchorProofParameters,
  type BitstringStatusEntry,
  type CanonicalizeSignedCredentialParameters,
  type CredanchorProofV2,
  type ParseAnchorProofParameters,
  type ParseBitstringStatusEntryParameters,
  type PortableCredentialV2Parts,
} from "./proofV2.ts";
export { DATA_INTEGRITY_PROOF, EDDSA_RDFC_2022, isIssuerSignature } from "./vc/proofs.ts";
export {
  didDocumentForKeys,
  didKeyDocument,
  didOf,
  didWebUrl,
  type DidDocument,
  type DidDocumentForKeysParameters,
  type DidKeyDocumentParameters,
  type DidKeyDocumentReturnType,
  type DidResolver,
  type DidWebUrlParameters,
  type DidWebUrlReturnType,
  type PublicKeyEntry,
} from "./vc/did.ts";
export { DID_V1_CONTEXT, MULTIKEY_V1_CONTEXT, STATUS_LIST_V1_CONTEXT } from "./vc/contexts.ts";
export { defaultSignatureVerifier, type SignatureVerifier } from "./verify/checkSignature.ts";
export {
  buildBatch,
  buildBatchFromHashes,
  getBatchEntry,
  hashCredentials,
  iterateBatchEntries,
  type Batch,
  type BatchEntry,
  type BuildBatchFromHashesParameters,
  type BuildBatchFromHashesReturnType,
  type BuildBatchParameters,
  type BuildBatchReturnType,
  type GetBatchEntryParameters,
  type GetBatchEntryReturnType,
  type HashCredentialsParameters,
  type HashCredentialsReturnType,
  type IterateBatchEntriesParameters,
  type IterateBatchEntriesReturnType,
} from "./batch.ts";
export { credentialRegistryAbi } from "./abi/credentialRegistryAbi.ts";
export { ALL_ROLES, ANCHOR_FORMAT_VERSION, describeRoles, roleBits, roleNames, type RoleName } from "./roles.ts";
export { credentialRegistryV2Abi } from "./abi/credentialRegistryV2Abi.ts";
export { describeReason, MAX_REASON_CODE, parseReason, reasonCodes, type ReasonName } from "./reasons.ts";
export {
  credentialStatusNames,
  hasRegistryCode,
  institutionStatusNames,
  isTransportFailure,
  readBatch,
  readChainId,
  readCredentialStatuses,
  readInstitution,
  readKeyRecord,
  readRegistryVersion,
  registryVersions,
  rpcRead,
  type BatchRecord,
  type CredentialStatusName,
  type InstitutionRecord,
  type InstitutionStatusName,
  type KeyRecord,
  type RegistryLocation,
  type RegistryVersion,
} from "./registry.ts";
export {
  createRegistryClient,
  type CreateRegistryClientParameters,
  type RegistryClient,
  type RegistryClientAction,
} from "./registryClient.ts";
export { findAnchoring, type AnchoringRecord, type FindAnchoringParameters } from "./anchoring.ts";
export {
  blockAtTimestamp,
  readStatusHistory,
  statusFromHistory,
  type ReadStatusHistoryParameters,
  type StatusEvent,
} from "./history.ts";
export {
  checkIds,
  type CheckId,
  type CheckOutcome,
  type VerificationCheck,
  type VerificationReport,
  type VerificationStatus,
  type VerifyOptions,
} from "./verify/types.ts";
export {
  verifyCredential,
  verifyCredentials,
  type VerifyCredentialParameters,
  type VerifyCredentialReturnType,
  type VerifyCredentialsParameters,
  type VerifyCredentialsReturnType,
} from "./verify/verifyCredentials.ts";
export { issuerIdOf, issuerMatches } from "./verify/issuerMatches.ts";
export {
  componentInstitution,
  parsePathwayDefinition,
  PATHWAY_FORMAT,
  pathwayDefinitionHash,
  revocationPolicies,
  sameInstitution,
  type InstitutionIdentity,
  type ParsePathwayDefinitionParameters,
  type ParsePathwayDefinitionReturnType,
  type PathwayComponent,
  type PathwayDefinition,
  type PathwayDefinitionHashParameters,
  type PathwayDefinitionHashReturnType,
  type Requirement,
  type RevocationPolicy,
} from "./pathway/definition.ts";
export {
  evaluateRequirements,
  missingLines,
  requirementKeys,
  type EvaluateRequirementsParameters,
  type EvaluateRequirementsReturnType,
  type RequirementResult,
} from "./pathway/requirements.ts";
export { matchRecipient, recipientClaimsOf, type RecipientIdentity, type RecipientMatch } from "./pathway/recipient.ts";
export { anchoredIdentityOf, COMPONENT_EVIDENCE_TYPE, type AnchoredIdentity, type ComponentReference } from "./pathway/references.ts";
export { type ComponentAssessment } from "./pathway/components.ts";
export { pathwayProgress, type PathwayProgressParameters, type PathwayProgressReturnType } from "./pathway/progress.ts";
export {
  PATHWAY_MEMBER,
  preparePathwayAward,
  type AwardPathway,
  type PreparePathwayAwardParameters,
  type PreparePathwayAwardReturnType,
} from "./pathway/award.ts";
export {
  verifyPathwayAward,
  type PathwayCheck,
  type PathwayVerificationReport,
  type ReferencedComponent,
  type VerifyPathwayAwardParameters,
} from "./pathway/cascade.ts";
export { formatStackTree, stackTree, type StackNode, type StackNodeStatus, type StackTreeParameters, type StackTreeReturnType } from "./pathway/tree.ts";
export {
  decodeShareFragment,
  encodeShareFragment,
  fromBase64Url,
  MAX_SHARED_CREDENTIAL_BYTES,
  SHARE_FRAGMENT_KEY,
  shareLink,
  toBase64Url,
  type DecodeShareFragmentParameters,
  type EncodeShareFragmentParameters,
  type ShareLinkParameters,
} from "./share.ts";
export {
  bakePng,
  bakeSvg,
  imageKind,
  PNG_KEYWORD,
  SVG_NAMESPACE,
  unbake,
  type BakePngParameters,
  type BakeSvgParameters,
  type UnbakeParameters,
} from "./baking.ts";
export {
  credentialContent,
  matchRecipientEmail,
  type AlignmentContent,
  type CredentialContent,
  type CredentialContentParameters,
  type IdentifierContent,
  type MatchRecipientEmailParameters,
  type MatchRecipientEmailReturnType,
} from "./content.ts";
export {
  LINKEDIN_ADD_TO_PROFILE_URL,
  linkedInAddToProfileUrl,
  type LinkedInAddToProfileUrlParameters,
} from "./linkedin.ts";
export { readTimeline, type ReadTimelineParameters, type TimelineEntry } from "./timeline.ts";
export {
  DEPLOYMENT_FORMAT,
  anchoringRegistryOf,
  defaultDeploymentName,
  formatDeploymentRecord,
  isDeploymentName,
  parseDeploymentRecord,
  registriesOf,
  registryContracts,
  registryDefaults,
  registryKeyOf,
  withRegistry,
  type DeploymentRecord,
  type ParseDeploymentRecordParameters,
  type RegistryDeployment,
  type RegistryKey,
} from "./deployment.ts";
