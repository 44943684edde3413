/**
 * The chain client core reads through: viem's client core with only the public actions
 * core calls. A full `createPublicClient` decorates the client with every public action
 * (ENS, signature verification, fee estimation, simulation, watchers…), and a bundler
 * cannot drop any of them because each is reachable from the returned object; the browser
 * page builds this narrower client instead and ships only the actions below (about 20 KiB
 * gzipped less page JavaScript, BENCHMARKS.md section 6). Any viem `PublicClient` is also a
 * {@link RegistryClient}, so the service and the CLI pass theirs unchanged.
 */
import { type Chain, type Client, createClient, type PublicActions, type Transport } from "viem";
import {
  getBlock,
  getBlockNumber,
  getChainId,
  getCode,
  getContractEvents,
  getLogs,
  getTransactionReceipt,
  readContract,
} from "viem/actions";

/** The public actions core calls on its client (multicall is called as a function). */
export type RegistryClientAction =
  | "getBlock"
  | "getBlockNumber"
  | "getChainId"
  | "getCode"
  | "getContractEvents"
  | "getLogs"
  | "getTransactionReceipt"
  | "readContract";

/** The client surface core needs: a viem client with {@link RegistryClientAction}s (a `PublicClient` qualifies). */
export type RegistryClient = Client<Transport, Chain | undefined> & Pick<PublicActions<Transport, Chain | undefined>, RegistryClientAction>;

/** Parameters of {@link createRegistryClient}. */
export type CreateRegistryClientParameters = { readonly transport: Transport };

/**
 * A client with only the actions core calls, for bundles where size matters (the page).
 *
 * @example
 * ```ts
 * const client = createRegistryClient({ transport: http("https://rpc.example", { retryCount: 0 }) });
 * await verifyCredential({ credential, client, allowedChains: ["eip155:11155111"], trustedRegistries });
 * ```
 */
export function createRegistryClient({ transport }: CreateRegistryClientParameters): RegistryClient {
  const base = createClient({ transport });
  const actions: Pick<PublicActions<Transport, Chain | undefined>, RegistryClientAction> = {
    getBlock: (args) => getBlock(base, args),
    getBlockNumber: (args) => getBlockNumber(base, args),
    getChainId: () => getChainId(base),
    getCode: (args) => getCode(base, args),
    getContractEvents: (args) => getContractEvents(base, args),
    // viem's own publicActions casts here too: getLogs' generic event parameters default
    // differently on the action and on the decorator type, the runtime call is the same.
    getLogs: (args) => getLogs(base, args as never),
    getTransactionReceipt: (args) => getTransactionReceipt(base, args),
    readContract: (args) => readContract(base, args),
  };
  return base.extend(() => actions);
}
