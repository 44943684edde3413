/**
 * The CLI's one door into the anchoring service's code: server/admin.ts, loaded only when
 * an operator command runs (it brings node:sqlite and the service's store with it).
 */
import type { Admin } from "../../server/admin.ts";

/**
 * Opens the service's database at `dbPath`, runs `work`, closes it.
 *
 * @example
 * const rows = await withAdmin("data/credanchor.db", (admin) => admin.listInstitutions());
 */
export async function withAdmin<T>(dbPath: string, work: (admin: Admin) => Promise<T>): Promise<T> {
  const { openAdmin } = await import("../../server/admin.ts");
  const admin = await openAdmin({ dbPath });
  try {
    return await work(admin);
  } finally {
    await admin.close();
  }
}

/**
 * The service's signing-keystore code (server/signing/), for `credanchor signing-keys`:
 * the same functions the service reads its keystore with, so the CLI never writes a file
 * the service cannot read.
 *
 * @example
 * const { encryptSigningKeystore } = await signingKeystoreModule();
 */
export async function signingKeystoreModule() {
  const [keystore, keyring] = await Promise.all([import("../../server/signing/keystore.ts"), import("../../server/signing/keyring.ts")]);
  return {
    encryptSigningKeystore: keystore.encryptSigningKeystore,
    decryptSigningKeystore: keystore.decryptSigningKeystore,
    parseKeyring: keyring.parseKeyring,
    describeKeyring: keyring.describeKeyring,
  };
}
