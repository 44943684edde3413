/**
 * Hardhat's well-known development accounts (mnemonic "test test … junk"). Their keys
 * are public: dev mode only, and the service says so loudly whenever it uses them.
 */
import { toHex } from "viem";
import { mnemonicToAccount, privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";

const DEV_KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
] as const;

/** The dev-mode roles: #0 governance, #1 institution admin, #2 anchorer, #3 revoker. */
export type DevAccounts = {
  readonly governance: PrivateKeyAccount;
  readonly admin: PrivateKeyAccount;
  readonly anchorer: PrivateKeyAccount;
  readonly revoker: PrivateKeyAccount;
};

/**
 * Hardhat accounts #0..#3 as viem accounts.
 *
 * @example
 * ```ts
 * const { governance, anchorer } = devAccounts();
 * ```
 */
export function devAccounts(): DevAccounts {
  const [governance, admin, anchorer, revoker] = DEV_KEYS.map((key) => privateKeyToAccount(key));
  return { governance: governance!, admin: admin!, anchorer: anchorer!, revoker: revoker! };
}

const MNEMONIC = "test test test test test test test test test test test junk";

/**
 * All 20 accounts a Hardhat node funds (the same mnemonic): the dev-chain replay signs
 * each event as the account that sent it when that account is one of these.
 *
 * @example
 * ```ts
 * const byAddress = new Map(hardhatAccounts().map((account) => [account.address, account]));
 * ```
 */
export function hardhatAccounts(): PrivateKeyAccount[] {
  return Array.from({ length: 20 }, (_, addressIndex) => {
    const key = mnemonicToAccount(MNEMONIC, { addressIndex }).getHdKey().privateKey!;
    return privateKeyToAccount(toHex(key));
  });
}
