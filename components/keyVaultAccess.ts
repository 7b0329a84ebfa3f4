/**
 * Lets Azure Logic Apps use the private keys of the catalog's certificates: an integration account
 * reads a certificate's private key from Key Vault as the "Azure Logic Apps" service principal
 * (application id 7cd684f4-8a78-49b0-91ec-6a35d38739ba), which needs the key operations get, list,
 * decrypt and sign ("Add certificates to integration accounts",
 * https://learn.microsoft.com/azure/logic-apps/logic-apps-enterprise-integration-certificates).
 *
 * For vaults on Azure RBAC this component grants the built-in role "Key Vault Crypto User"
 * (12338af0-0e69-4776-bea7-57ae8d297424, "perform cryptographic operations using keys";
 * https://learn.microsoft.com/azure/role-based-access-control/built-in-roles/security) on each vault
 * the catalog names for this stack's region. Vaults on access policies are granted by hand
 * (docs/deployment.md). Declared only when `b2b-dr:keyVaultAccess` is true: the deploying identity
 * then needs `Microsoft.Authorization/roleAssignments/write` on those vaults.
 */
import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import type { Catalog } from "../model/catalog";
import type { Role } from "../model/config";
import { deterministicGuid } from "../model/guid";

export const KEY_VAULT_CRYPTO_USER_ROLE = "12338af0-0e69-4776-bea7-57ae8d297424";

/** The distinct Key Vaults holding private keys of the catalog's certificates in one region, sorted. */
export function privateKeyVaults(catalog: Catalog, role: Role): string[] {
  const ids = new Set<string>();
  for (const c of catalog.certificates) if (c.privateKey !== undefined) ids.add(c.privateKey.keyVault[role]);
  return [...ids].sort();
}

export interface KeyVaultAccessArgs {
  /** Required. The validated catalog. */
  readonly catalog: Catalog;
  /** Required. This stack's side: selects each certificate's vault in this region. */
  readonly role: Role;
  /** Required. Object id of the "Azure Logic Apps" service principal in the tenant. */
  readonly servicePrincipalId: string;
}

export class KeyVaultAccess extends pulumi.ComponentResource {
  /** The vaults granted, by id. */
  readonly vaultIds: readonly string[];

  constructor(name: string, args: KeyVaultAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("b2b-dr:security:KeyVaultAccess", name, {}, opts);
    this.vaultIds = privateKeyVaults(args.catalog, args.role);
    for (const vaultId of this.vaultIds) {
      const subscription = /^\/subscriptions\/([^/]+)\//i.exec(vaultId)?.[1] ?? "";
      const vaultName = vaultId.split("/").pop() ?? vaultId;
      new authorization.RoleAssignment(
        `${name}-${vaultName}`,
        {
          scope: vaultId,
          roleAssignmentName: deterministicGuid(vaultId, args.servicePrincipalId, KEY_VAULT_CRYPTO_USER_ROLE),
          roleDefinitionId: `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${KEY_VAULT_CRYPTO_USER_ROLE}`,
          principalId: args.servicePrincipalId,
          principalType: "ServicePrincipal",
          description: "b2b-dr: lets Azure Logic Apps use integration-account certificate private keys",
        },
        { parent: this },
      );
    }
    this.registerOutputs({ vaultIds: this.vaultIds });
  }
}
