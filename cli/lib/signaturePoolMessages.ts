/** The messages between signaturePool.ts and its threads (signatureWorker.ts): one owner for both sides. */
import type { SignatureResult } from "../../core/vc/eddsa.ts";

/** Posted by a thread once its modules are loaded. */
export const POOL_READY = "credanchor:signature-worker-ready";
/** Posted to a thread to let it exit. */
export const POOL_STOP = "credanchor:signature-worker-stop";

/** A chunk of credentials to verify. */
export type PoolRequest = { readonly id: number; readonly credentials: readonly Readonly<Record<string, unknown>>[] };
/** Their results, in the same order. */
export type PoolReply = { readonly id: number; readonly results: readonly SignatureResult[] };
