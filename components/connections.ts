/**
 * API connections (`Microsoft.Web/connections`) of the managed B2B connectors to an integration
 * account, shared by replication and business workflows. A connection lives in its workflow's region
 * and carries the account's id and its callback (SAS) URL, which stays a secret.
 */
import * as pulumi from "@pulumi/pulumi";
import * as web from "@pulumi/azure-native/web";
import type { Role } from "../model/config";
import * as naming from "../model/naming";
import type { ConnectionBinding } from "../model/workflows/definition";

import type { ManagedApi } from "../model/protocols";
export type { ManagedApi };

/** An integration account as a connection sees it. */
export interface AccountRef {
  readonly role: Role;
  readonly id: pulumi.Input<string>;
  /** The account's callback (SAS) URL; kept secret end to end. */
  readonly callbackUrl: pulumi.Input<string>;
}

/** The managed API id, built with the WORKFLOW's region (https://github.com/Azure/azure-quickstart-templates/tree/master/quickstarts/microsoft.logic/logic-app-b2b-disaster-recovery-replication). */
export function managedApiId(
  subscriptionId: pulumi.Input<string>,
  region: string,
  api: ManagedApi,
): pulumi.Output<string> {
  return pulumi.interpolate`/subscriptions/${subscriptionId}/providers/Microsoft.Web/locations/${region}/managedApis/${api}`;
}

/** Where a stack's connections and workflows go: its region and resource group. */
export interface Placement {
  /** Required. This stack's environment and region: where the connections and workflows live. */
  readonly scope: naming.NameScope;
  /** Required. This stack's resource group. */
  readonly resourceGroupName: pulumi.Input<string>;
  /** Required. Subscription of the managed API ids. */
  readonly subscriptionId: pulumi.Input<string>;
}

export interface AccountConnectionArgs extends Placement {
  readonly api: ManagedApi;
  /** Suffix of the Azure name, e.g. `x12-primary`. */
  readonly purpose: string;
  readonly account: AccountRef;
}

/** One connection of a managed B2B connector to `args.account`, in the scope's region. */
export function accountConnection(
  logicalName: string,
  args: AccountConnectionArgs,
  /** The connection's options: at least its parent. */
  opts: pulumi.CustomResourceOptions,
): web.Connection {
  const connectionName = naming.connectionName(args.scope, args.purpose);
  return new web.Connection(
    logicalName,
    {
      resourceGroupName: args.resourceGroupName,
      location: args.scope.region,
      connectionName,
      properties: {
        displayName: connectionName,
        api: { id: managedApiId(args.subscriptionId, args.scope.region, args.api) },
        parameterValues: {
          integrationAccountId: args.account.id,
          integrationAccountUrl: pulumi.secret(args.account.callbackUrl),
        },
      },
    },
    // Belt and braces: what Azure returns for `properties` is kept secret in state too.
    { ...opts, additionalSecretOutputs: ["properties"] },
  );
}

/** The workflow parameter binding of a connection: `$connections.value[<key>]`. */
export function binding(
  connection: web.Connection,
  subscriptionId: pulumi.Input<string>,
  region: string,
  api: ManagedApi,
): ConnectionBinding<pulumi.Output<string>> {
  return {
    id: managedApiId(subscriptionId, region, api),
    connectionId: connection.id,
    connectionName: connection.name,
  };
}
