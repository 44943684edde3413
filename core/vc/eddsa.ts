/**
 * Issuer signatures: W3C Data Integrity `DataIntegrityProof` with the `eddsa-rdfc-2022`
 * cryptosuite (what Open Badges 3.0 certification and standard wallets expect), made and
 * checked with Digital Bazaar's maintained libraries and the offline document loader.
 *
 * These libraries (jsonld.js, rdf-canonize) are large: the verifier loads this module
 * lazily (verify/checkSignature.ts), so a page that never meets a v2 credential never
 * downloads them.
 */
import * as vc from "@digitalbazaar/vc";
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import { cryptosuite as eddsaRdfc2022 } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";

import { CredanchorError } from "../errors.ts";
import { encodeBase58btc } from "./base58.ts";
import { didOf, type DidResolver } from "./did.ts";
import { createDocumentLoader, type DocumentLoader } from "./documentLoader.ts";
import { ed25519Signer, ed25519Verifier } from "./ed25519.ts";
import { fastCanonize } from "./fastCanonize.ts";
import { EDDSA_RDFC_2022, isIssuerSignature } from "./proofs.ts";

/** An institution's Ed25519 signing key, as Multikey values (never logged, never in a credential). */
export type SigningKey = {
  /** Verification method id, e.g. `did:web:example.edu#key-1` or `did:key:z6Mk…#z6Mk…`. */
  readonly id: string;
  /** The issuer DID that controls the key. */
  readonly controller: string;
  readonly publicKeyMultibase: string;
  readonly secretKeyMultibase: string;
};

/**
 * Which implementation signs and verifies. `fast` (the default): the fast canonicaliser
 * (fastCanonize.ts: byte-identical to the reference, which it falls back to) and Ed25519
 * keys imported once (ed25519.ts). `reference`: Digital Bazaar's cryptosuite unchanged
 * (benchmarks and tests compare the two). Both make and accept the same signatures.
 */
export type SuiteImplementation = "fast" | "reference";

type Cryptosuite = typeof eddsaRdfc2022;
const FAST_CRYPTOSUITE: Cryptosuite = {
  ...eddsaRdfc2022,
  canonize: fastCanonize,
  createVerifier: ({ verificationMethod }) => ed25519Verifier(verificationMethod as Record<string, unknown> & { id: string }),
};
const cryptosuiteFor = (implementation: SuiteImplementation | undefined): Cryptosuite => (implementation === "reference" ? eddsaRdfc2022 : FAST_CRYPTOSUITE);

function signerOf(key: SigningKey, implementation: SuiteImplementation | undefined): Promise<unknown> {
  if (implementation !== "reference") return ed25519Signer(key);
  return Ed25519Multikey.from({ type: "Multikey", ...key }).then((pair) => pair.signer());
}

/** Parameters of {@link generateSigningKey}. */
export type GenerateSigningKeyParameters = {
  /** The issuer DID; omit for a fresh did:key (the key is then its own DID). */
  readonly controller?: string | undefined;
  /** Verification method id; default `<controller>#<publicKeyMultibase>`. */
  readonly id?: string | undefined;
  /** 32-byte seed (tests, reproducible fixtures); default random. */
  readonly seed?: Uint8Array | undefined;
};

/**
 * A new Ed25519 signing key.
 *
 * @example
 * ```ts
 * const key = await generateSigningKey({ controller: "did:web:example.edu", id: "did:web:example.edu#key-1" });
 * ```
 */
export async function generateSigningKey(parameters: GenerateSigningKeyParameters = {}): Promise<SigningKey> {
  const pair = await Ed25519Multikey.generate(parameters.seed === undefined ? {} : { seed: parameters.seed });
  const controller = parameters.controller ?? `did:key:${pair.publicKeyMultibase}`;
  return {
    id: parameters.id ?? `${controller}#${pair.publicKeyMultibase}`,
    controller,
    publicKeyMultibase: pair.publicKeyMultibase,
    secretKeyMultibase: pair.secretKeyMultibase!,
  };
}

/** Parameters of {@link signCredential}. */
export type SignCredentialParameters = {
  /** The credential without a proof (or with proofs to keep: a new one is appended). */
  readonly credential: Readonly<Record<string, unknown>>;
  readonly key: SigningKey;
  /** The proof's `id` (the anchor proof's `previousProof` names it); default a fresh `urn:uuid:`. */
  readonly proofId?: string | undefined;
  /** The proof's `created`; default now. */
  readonly created?: Date | string | undefined;
  /** Default `fast`. */
  readonly implementation?: SuiteImplementation | undefined;
};

/**
 * Signs a credential: appends an `eddsa-rdfc-2022` DataIntegrityProof with purpose
 * `assertionMethod`. Throws `CA_CREDENTIAL_NOT_CANONICALIZABLE` when JSON-LD safe mode
 * refuses the credential (a term no context defines, an unknown context).
 *
 * @example
 * ```ts
 * const signed = await signCredential({ credential, key });
 * signed.proof; // { type: "DataIntegrityProof", cryptosuite: "eddsa-rdfc-2022", … }
 * ```
 */
export async function signCredential(parameters: SignCredentialParameters): Promise<Record<string, unknown>> {
  const { key } = parameters;
  const suite = new DataIntegrityProof({
    signer: await signerOf(key, parameters.implementation),
    cryptosuite: cryptosuiteFor(parameters.implementation),
    date: parameters.created ?? new Date(),
  });
  suite.proof = { id: parameters.proofId ?? `urn:uuid:${globalThis.crypto.randomUUID()}` };
  if (parameters.implementation !== "reference") suite.sign = signWithFastBase58;
  // Signing adds `proof` (and nothing else) at the top level: a shallow copy keeps the caller's object as it was.
  const credential = { ...parameters.credential } as Record<string, unknown>;
  try {
    return await vc.issue({ credential, suite, documentLoader: loader(), now: moment(credential) });
  } catch (error) {
    throw new CredanchorError({
      code: "CA_CREDENTIAL_NOT_CANONICALIZABLE",
      message: `The credential cannot be signed: ${firstLine(error)}`,
      hints: ["Every term must be defined by a context in @context (VC 2.0 has no @vocab)."],
      cause: error,
    });
  }
}

/**
 * DataIntegrityProof's `sign` with the proofValue encoded by base58.ts: the library's
 * base58 encoder costs about a tenth of a signature. Same text (test/core/base58.test.ts).
 */
async function signWithFastBase58(this: DataIntegrityProof, { verifyData, proof }: { verifyData: Uint8Array; proof: Record<string, unknown> }) {
  const signer = this.signer as { sign(options: { data: Uint8Array }): Promise<Uint8Array> };
  proof.proofValue = `z${encodeBase58btc(await signer.sign({ data: verifyData }))}`;
  return proof;
}

let sharedLoader: DocumentLoader | undefined;
function loader(): DocumentLoader {
  sharedLoader ??= createDocumentLoader();
  return sharedLoader;
}

/** A moment inside the validity period: the library checks it, but core's validityPeriod check owns that judgement. */
function moment(credential: Readonly<Record<string, unknown>>): string | undefined {
  return typeof credential.validFrom === "string" ? credential.validFrom : undefined;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0]!;
}

/** The outcome of {@link verifyIssuerSignature}. */
export type SignatureResult =
  | { readonly outcome: "valid"; readonly verificationMethod: string }
  | { readonly outcome: "invalid"; readonly code: "CA_SIGNATURE_INVALID" | "CA_SIGNATURE_MISSING"; readonly reason: string }
  | { readonly outcome: "skipped"; readonly code: "CA_DID_UNRESOLVABLE"; readonly reason: string };

/** Parameters of {@link verifyIssuerSignature}. */
export type VerifyIssuerSignatureParameters = {
  /** The credential with its signature first in `proof` (other proofs after it are ignored here). */
  readonly credential: Readonly<Record<string, unknown>>;
  /** Resolves did:web and other non-did:key DIDs; without it they are reported `skipped`. */
  readonly resolveDid?: DidResolver | undefined;
  /** Default `fast`. */
  readonly implementation?: SuiteImplementation | undefined;
};

/**
 * Verifies the issuer signature of a credential: the first proof must be an
 * `eddsa-rdfc-2022` DataIntegrityProof for `assertionMethod` whose key belongs to the
 * credential's issuer DID. Never throws for a bad credential.
 *
 * @example
 * ```ts
 * const result = await verifyIssuerSignature({ credential });
 * result.outcome; // "valid" | "invalid" | "skipped"
 * ```
 */
export async function verifyIssuerSignature(parameters: VerifyIssuerSignatureParameters): Promise<SignatureResult> {
  const { credential } = parameters;
  const proofs = Array.isArray(credential.proof) ? credential.proof : credential.proof === undefined ? [] : [credential.proof];
  const signature = proofs[0];
  if (!isIssuerSignature(signature)) {
    return {
      outcome: "invalid",
      code: "CA_SIGNATURE_MISSING",
      reason: `the credential carries no issuer signature: the first proof must be a DataIntegrityProof with cryptosuite ${EDDSA_RDFC_2022}`,
    };
  }
  const issuer = typeof credential.issuer === "string" ? credential.issuer : (credential.issuer as { id?: unknown } | undefined)?.id;
  const method = typeof signature.verificationMethod === "string" ? signature.verificationMethod : "";
  if (typeof issuer !== "string" || didOf(method) !== issuer) {
    return {
      outcome: "invalid",
      code: "CA_SIGNATURE_INVALID",
      reason: `the signature's key ${method || "(none)"} is not a key of the issuer ${String(issuer)}`,
    };
  }
  let unresolved: { did: string; cause: unknown } | undefined;
  const documentLoader = createDocumentLoader({
    resolveDid: parameters.resolveDid,
    onUnresolved: (did, cause) => {
      unresolved = { did, cause };
    },
  });
  const suite = new DataIntegrityProof({ cryptosuite: cryptosuiteFor(parameters.implementation) });
  // Exactly what was signed: the anchor proof (and anything after the signature) left out.
  const signed = { ...credential, proof: signature };
  const result = await vc.verifyCredential({
    credential: signed,
    suite,
    documentLoader,
    now: moment(credential),
    // credanchor reads status from the chain and the status list separately.
    checkStatus: async () => ({ verified: true }),
  });
  if (result.verified) return { outcome: "valid", verificationMethod: method };
  if (unresolved !== undefined) {
    return { outcome: "skipped", code: "CA_DID_UNRESOLVABLE", reason: `the issuer's DID ${unresolved.did} could not be resolved: ${firstLine(unresolved.cause)}` };
  }
  const error = result.results?.find((entry) => !entry.verified)?.error ?? result.error;
  return { outcome: "invalid", code: "CA_SIGNATURE_INVALID", reason: `the issuer signature does not verify: ${describe(error)}` };
}

function describe(error: unknown): string {
  if (error === undefined) return "no matching proof";
  const nested = (error as { errors?: unknown[] }).errors;
  if (Array.isArray(nested) && nested.length > 0) return describe(nested[0]);
  return firstLine(error);
}
