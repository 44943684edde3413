/**
 * Ignition module for registry v1 (CredentialRegistry) and v2 (CredentialRegistryV2),
 * deployed side by side with the same governance.
 *
 *   npx hardhat ignition deploy ignition/modules/CredentialRegistry.ts --network localhost \
 *     --parameters '{"CredentialRegistryModule":{"governanceAdmin":"0x…","adminTransferDelay":259200,"actionDelay":172800}}'
 *
 * Parameters (defaults: core/deployment.ts registryDefaults):
 * - governanceAdmin: default admin (two-step transfer) and first governor; defaults to the
 *   deploying account.
 * - adminTransferDelay: seconds a default-admin transfer must wait (uint48); defaults to 3 days.
 * - actionDelay: v2, seconds a scheduled destructive act can be cancelled (uint40); 2 days.
 * - massRevocationThreshold: v2, most credentials revoked in one call without scheduling; 1,000.
 *
 * scripts/deploy.ts deploys the same contracts with plain ethers and writes
 * deployments/<network>.json (see deployments/README.md for why both exist).
 */
import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";

import { registryDefaults } from "../../core/deployment.ts";

export const DEFAULT_ADMIN_TRANSFER_DELAY = BigInt(registryDefaults.adminTransferDelay);

export default buildModule("CredentialRegistryModule", (m) => {
  const governanceAdmin = m.getParameter("governanceAdmin", m.getAccount(0));
  const adminTransferDelay = m.getParameter("adminTransferDelay", DEFAULT_ADMIN_TRANSFER_DELAY);
  const actionDelay = m.getParameter("actionDelay", BigInt(registryDefaults.actionDelay));
  const massRevocationThreshold = m.getParameter("massRevocationThreshold", BigInt(registryDefaults.massRevocationThreshold));
  const registry = m.contract("CredentialRegistry", [governanceAdmin, adminTransferDelay]);
  const registryV2 = m.contract("CredentialRegistryV2", [governanceAdmin, adminTransferDelay, actionDelay, massRevocationThreshold], {
    after: [registry],
  });
  return { registry, registryV2 };
});
