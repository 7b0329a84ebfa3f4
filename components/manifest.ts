/**
 * The `drManifest` stack output: a non-secret description of one side of the DR pair, read by the
 * runbook and by outside tools. Its shape is a public contract (DESIGN.md); `version` changes when
 * it does.
 */
import * as pulumi from "@pulumi/pulumi";
import { Catalog, generatedControlNumbers } from "./catalog";
import type { ControlNumberRange } from "./catalog/agreements";
import type { Role } from "./config";
import type { DrStateStoreOutput } from "./drStateStore";

export type ManifestProtocol = "X12" | "Edifact" | "AS2";

export interface ManifestAgreement {
  readonly name: string;
  readonly protocol: ManifestProtocol;
  /** X12 and EDIFACT only: the generated (send-side) control-number ranges. */
  readonly controlNumbers?: {
    readonly interchange: ControlNumberRange;
    readonly group: ControlNumberRange;
    readonly transactionSet: ControlNumberRange;
  };
}

export interface DrManifest {
  readonly version: 1;
  readonly role: Role;
  readonly region: string;
  readonly subscriptionId: string;
  readonly resourceGroupName: string;
  readonly integrationAccount: { readonly id: string; readonly name: string };
  readonly agreements: readonly ManifestAgreement[];
  /** Workflow names in this stack's resource group. */
  readonly workflows: { readonly replication: readonly string[]; readonly business: readonly string[] };
  /** This region's DR state store (components/drStateStore.ts). */
  readonly stateStore: DrStateStoreOutput;
}

/** The agreements part of the manifest: plain values, straight from the catalog. */
export function manifestAgreements(catalog: Catalog): ManifestAgreement[] {
  return catalog.agreements.map((a) => {
    const ranges = generatedControlNumbers(a);
    return ranges === undefined
      ? { name: a.name, protocol: a.protocol }
      : {
          name: a.name,
          protocol: a.protocol,
          controlNumbers: {
            interchange: ranges.interchange,
            group: ranges.group,
            transactionSet: ranges.transactionSet,
          },
        };
  });
}

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
