/**
 * Ignition module for CredentialRegistry.
 *
 *   npx hardhat ignition deploy ignition/modules/CredentialRegistry.ts --network localhost \
 *     --parameters '{"CredentialRegistryModule":{"governanceAdmin":"0x…","adminTransferDelay":259200}}'
 *
 * Parameters:
 * - governanceAdmin: default admin (two-step transfer) and first governor; defaults to the
 *   deploying account.
 * - adminTransferDelay: seconds a default-admin transfer must wait (uint48); defaults to 3 days.
 *
 * scripts/deploy.ts deploys the same contract with plain ethers and writes
 * deployments/<network>.json (see deployments/README.md for why both exist).
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

export const DEFAULT_ADMIN_TRANSFER_DELAY = 3n * 24n * 60n * 60n;

export default buildModule("CredentialRegistryModule", (m) => {
  const governanceAdmin = m.getParameter("governanceAdmin", m.getAccount(0));
  const adminTransferDelay = m.getParameter("adminTransferDelay", DEFAULT_ADMIN_TRANSFER_DELAY);
  const registry = m.contract("CredentialRegistry", [governanceAdmin, adminTransferDelay]);
  return { registry };
});
