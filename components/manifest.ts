/**
 * Builds the `drManifest` stack output from the program's Outputs. Its shape (and the schema the
 * runbook validates it with) is defined once, in model/manifest.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Catalog } from "../model/catalog";
import type { Role } from "../model/config";
import { DrManifest, manifestAgreements } from "../model/manifest";

export type { DrManifest };
import type { DrStateStoreOutput } from "./drStateStore";

export interface DrManifestArgs {
  readonly role: Role;
  readonly region: string;
  readonly subscriptionId: pulumi.Input<string>;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly integrationAccountId: pulumi.Input<string>;
  readonly integrationAccountName: pulumi.Input<string>;
  readonly catalog: Catalog;
  readonly workflows: {
    readonly replication: readonly pulumi.Input<string>[];
    readonly business: readonly pulumi.Input<string>[];
  };
  readonly stateStore: pulumi.Input<DrStateStoreOutput>;
}

export function drManifest(args: DrManifestArgs): pulumi.Output<DrManifest> {
  const agreements = manifestAgreements(args.catalog);
  return pulumi
    .all([
      args.subscriptionId,
      args.resourceGroupName,
      args.integrationAccountId,
      args.integrationAccountName,
      pulumi.all([...args.workflows.replication]),
      pulumi.all([...args.workflows.business]),
      pulumi.output(args.stateStore),
    ])
    .apply(([subscriptionId, resourceGroupName, id, name, replication, business, stateStore]) => ({
      version: 1 as const,
      role: args.role,
      region: args.region,
      subscriptionId,
      resourceGroupName,
      integrationAccount: { id, name },
      agreements,
      workflows: { replication, business },
      stateStore,
    }));
}
