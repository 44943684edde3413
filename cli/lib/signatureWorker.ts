/**
 * The thread behind signaturePool.ts: verifies issuer signatures with core's verifier
 * (core/vc/eddsa.ts, did:key offline) for the requests its parent posts, a chunk at a time.
 */
import { parentPort } from "node:worker_threads";

import { verifyIssuerSignature } from "../../core/vc/eddsa.ts";
import type { SignatureResult } from "../../core/vc/eddsa.ts";
import { POOL_READY, POOL_STOP, type PoolReply, type PoolRequest } from "./signaturePoolMessages.ts";

const port = parentPort!;
port.on("message", async (message: PoolRequest | typeof POOL_STOP) => {
  if (message === POOL_STOP) {
    port.close();
    return;
  }
  const results: SignatureResult[] = [];
  for (const credential of message.credentials) {
    try {
      results.push(await verifyIssuerSignature({ credential }));
    } catch (error) {
      // verifyIssuerSignature does not throw for a bad credential; this is a fault of the check itself.
      results.push({ outcome: "invalid", code: "CA_SIGNATURE_INVALID", reason: `the signature could not be checked: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}` });
    }
  }
  port.postMessage({ id: message.id, results } satisfies PoolReply);
});
port.postMessage(POOL_READY);
