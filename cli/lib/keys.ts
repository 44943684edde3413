/**
 * Signing keys: a private key from the role's environment variable, or an encrypted JSON
 * keystore (password from CREDANCHOR_KEYSTORE_PASSWORD or typed at a hidden prompt).
 * Keys are never printed, never put into an error message, never logged.
 */
import { readFile } from "node:fs/promises";

import type { LocalAccount } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { type KeyRole, keySource } from "./config.ts";
import { CliError } from "./errors.ts";
import type { Io } from "./output.ts";

/** An account ready to sign, and where its key came from (for messages: never the key). */
export type Signer = {
  readonly account: LocalAccount;
  readonly source: string;
};

/** Loads the key of `role` (see config.keySource for the order of sources). */
export async function loadSigner(role: KeyRole, flags: { readonly keystore?: string | undefined }, io: Io): Promise<Signer> {
  const source = keySource(role, flags);
  if (source.kind === "env") {
    return { account: accountFromPrivateKey(source.privateKey, source.variable), source: source.variable };
  }
  let text: string;
  try {
    text = await readFile(source.path, "utf8");
  } catch (error) {
    throw new CliError({
      code: "CA_CLI_FILE_UNREADABLE",
      message: `Cannot read the keystore ${source.path} (${source.source}): ${(error as NodeJS.ErrnoException).code ?? "error"}.`,
      hints: ["Check the path; keystores are encrypted JSON files (Ethereum keystore v3)."],
    });
  }
  try {
    const parsed = JSON.parse(text) as { crypto?: unknown; Crypto?: unknown };
    if (typeof parsed !== "object" || parsed === null || (parsed.crypto ?? parsed.Crypto) === undefined) throw new Error("shape");
  } catch {
    throw new CliError({
      code: "CA_CLI_KEY_INVALID",
      message: `${source.path} is not an encrypted JSON keystore.`,
      hints: ["Give a keystore v3 file (as written by geth, Foundry's `cast wallet`, or ethers' Wallet.encrypt)."],
    });
  }
  const password = source.password ?? (await promptHidden(io, `Password for ${source.path}: `));
  let privateKey: string;
  // ethers only decrypts keystores: loaded on this path alone (it is not light).
  const { Wallet } = await import("ethers");
  try {
    privateKey = (await Wallet.fromEncryptedJson(text, password)).privateKey;
  } catch {
    throw new CliError({
      code: "CA_CLI_KEYSTORE_PASSWORD",
      message: `Cannot decrypt the keystore ${source.path}: wrong password or damaged file.`,
      hints: ["Check CREDANCHOR_KEYSTORE_PASSWORD (or the password typed)."],
    });
  }
  return { account: accountFromPrivateKey(privateKey, source.path), source: `keystore ${source.path}` };
}

function accountFromPrivateKey(value: string, where: string): LocalAccount {
  const hex = value.startsWith("0x") ? value : `0x${value}`;
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex)) {
    throw new CliError({
      code: "CA_CLI_KEY_INVALID",
      message: `${where} is not a private key (expected 32 bytes of hex, 0x-prefixed or not).`,
      hints: ["The value is not shown here on purpose. Check the variable for quotes, spaces or a truncated copy."],
    });
  }
  try {
    return privateKeyToAccount(hex as `0x${string}`);
  } catch {
    throw new CliError({
      code: "CA_CLI_KEY_INVALID",
      message: `${where} is not a valid secp256k1 private key.`,
      hints: ["The value is not shown here on purpose."],
    });
  }
}

/** Reads a line from the terminal without echoing it. Fails when stdin is not a terminal. */
async function promptHidden(io: Io, question: string): Promise<string> {
  const stdin = io.stdin as NodeJS.ReadStream;
  if (stdin.isTTY !== true || typeof stdin.setRawMode !== "function") {
    throw new CliError({
      code: "CA_CLI_KEYSTORE_PASSWORD",
      message: "The keystore needs a password and there is no terminal to ask for it.",
      hints: ["Set CREDANCHOR_KEYSTORE_PASSWORD (e.g. from your CI's secret store)."],
    });
  }
  io.stderr.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding("utf8");
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let value = "";
      const onData = (chunk: string) => {
        for (const char of chunk) {
          if (char === "\r" || char === "\n" || char === "\u0004") {
            stdin.off("data", onData);
            resolve(value);
            return;
          }
          if (char === "\u0003") {
            stdin.off("data", onData);
            reject(new CliError({ code: "CA_CLI_USAGE", message: "Interrupted." }));
            return;
          }
          if (char === "\u007f" || char === "\b") value = value.slice(0, -1);
          else value += char;
        }
      };
      stdin.on("data", onData);
    });
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
    io.stderr.write("\n");
  }
}
