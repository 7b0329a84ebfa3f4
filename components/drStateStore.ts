/**
 * The DR state store: one storage account and one blob container (`b2b-dr`) in THIS stack's region,
 * declared by both stacks. It holds what the runbook and the DR switch must keep outside the
 * integration accounts (whose sessions the replication triggers read):
 * - `runs/<operation-id>.json`: the runbook's record of one failover, fallback or bump (runbook/);
 * - `phase.json` in the secondary's store: the phase authority (issue 10).
 * Each region has its own store, so the secondary's record is readable while the primary region is down.
 *
 * Hardening: StorageV2, zone-redundant (ZRS), HTTPS only, TLS 1.2 minimum, no anonymous blob access,
 * and shared-key access OFF: every caller authenticates with Microsoft Entra ID. Operators who run the
 * runbook need the built-in role **Storage Blob Data Contributor** on the account (or the container);
 * `Contributor`/`Owner` on the resource group is NOT enough for data access
 * (https://learn.microsoft.com/azure/storage/blobs/assign-azure-role-data-access). With shared keys off,
 * SAS tokens signed with the account key stop working too
 * (https://learn.microsoft.com/azure/storage/common/shared-key-authorization-prevent).
 *
 * The account name is deterministic (naming.storageAccountName: a hash of subscription, environment and
 * region), so no random provider and no state is needed to rebuild it.
 */
import * as pulumi from "@pulumi/pulumi";
import * as storage from "@pulumi/azure-native/storage";
import * as naming from "../model/naming";
import { siteTags } from "../model/tags";
import type { Role } from "../model/config";
import type { StoreLocation } from "../model/phaseRule";

/** The non-secret stack output `drStateStore`: where the store is (`StoreLocation`, model/phaseRule.ts). */
export type DrStateStoreOutput = StoreLocation;

export interface DrStateStoreArgs {
  /** Required. This stack's environment and region. */
  readonly scope: naming.NameScope;
  /** Required. This stack's role (tags). */
  readonly role: Role;
  /** Required. This stack's resource group. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** Required. The subscription: part of the account name's hash. */
  readonly subscriptionId: pulumi.Input<string>;
  /** Required. Tag the stack as non-production. */
  readonly nonProduction: boolean;
  /**
   * Optional. Protect the account (deleting it loses the runbook's records and the phase authority).
   * @default false
   */
  readonly protect?: boolean;
}

export class DrStateStore extends pulumi.ComponentResource {
  readonly account: storage.StorageAccount;
  readonly container: storage.BlobContainer;
  /** `{ accountName, blobEndpoint, container }`, not secret. */
  readonly output: pulumi.Output<DrStateStoreOutput>;

  constructor(name: string, args: DrStateStoreArgs, opts?: pulumi.ComponentResourceOptions) {
    super("b2b-dr:state:DrStateStore", name, {}, opts);
    const accountName = pulumi.output(args.subscriptionId).apply((s) => naming.storageAccountName(args.scope, s));

    this.account = new storage.StorageAccount(
      `${name}-account`,
      {
        resourceGroupName: args.resourceGroupName,
        accountName,
        location: args.scope.region,
        kind: storage.Kind.StorageV2,
        sku: { name: storage.SkuName.Standard_ZRS },
        enableHttpsTrafficOnly: true,
        minimumTlsVersion: storage.MinimumTlsVersion.TLS1_2,
        allowBlobPublicAccess: false,
        allowSharedKeyAccess: false,
        defaultToOAuthAuthentication: true,
        tags: siteTags(args.role, args.scope.environment, args.nonProduction),
      },
      { parent: this, protect: args.protect ?? false },
    );

    this.container = new storage.BlobContainer(
      `${name}-container`,
      {
        resourceGroupName: args.resourceGroupName,
        accountName: this.account.name,
        containerName: naming.DR_STATE_CONTAINER,
        publicAccess: storage.PublicAccess.None,
      },
      { parent: this, protect: args.protect ?? false },
    );

    // Azure reports the endpoint (it differs in sovereign clouds); before the account exists (offline
    // plan, preview) the public-cloud form is used.
    this.output = pulumi
      .all([this.account.name, this.account.primaryEndpoints, this.container.name])
      .apply(([account, endpoints, container]) => ({
        accountName: account,
        blobEndpoint: endpoints?.blob ?? `https://${account}.blob.core.windows.net/`,
        container,
      }));
    this.registerOutputs({ output: this.output });
  }
}
