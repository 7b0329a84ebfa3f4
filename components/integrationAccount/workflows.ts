/**
 * The user's business (encode/decode) workflows in this region: each linked to this region's
 * integration account, bound through `$connections` to connections of this region's account, and
 * enabled only while this region is the active one.
 */
import * as pulumi from "@pulumi/pulumi";
import * as logic from "@pulumi/azure-native/logic";
import type { BusinessWorkflow } from "../../model/catalog";
import { AccountRef, ManagedApi, Placement, accountConnection, binding } from "../connections";
import type { DrPhase } from "../../model/config";
import * as naming from "../../model/naming";
import { workflowTags } from "../../model/tags";

export interface BusinessWorkflowArgs extends Placement {
  readonly parent: pulumi.Resource;
  readonly prefix: string;
  readonly account: AccountRef;
  readonly enabled: boolean;
  readonly phase: DrPhase;
  readonly dependsOn: readonly pulumi.Resource[];
}

export interface DeclaredWorkflow {
  readonly spec: BusinessWorkflow;
  readonly workflowName: string;
  readonly resource: logic.Workflow;
}

export function declareBusinessWorkflows(
  args: BusinessWorkflowArgs,
  workflows: readonly BusinessWorkflow[],
): Map<string, DeclaredWorkflow> {
  const apis = [...new Set(workflows.flatMap((w) => w.connections))].sort() as ManagedApi[];
  const connections = new Map(
    apis.map((api) => [
      api,
      accountConnection(
        `${args.prefix}-business-${api}`,
        {
          scope: args.scope,
          resourceGroupName: args.resourceGroupName,
          subscriptionId: args.subscriptionId,
          api,
          purpose: `${api}-business`,
          account: args.account,
        },
        args.parent,
      ),
    ]),
  );
  const out = new Map<string, DeclaredWorkflow>();
  for (const spec of workflows) {
    const workflowName = naming.workflowName(args.scope, spec.name);
    const bindings = Object.fromEntries(
      spec.connections.map((api) => [api, binding(connections.get(api)!, args.subscriptionId, args.scope.region, api)]),
    );
    const resource = new logic.Workflow(
      `${args.prefix}-workflow-${spec.name}`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.scope.region,
        workflowName,
        state: args.enabled ? "Enabled" : "Disabled",
        definition: spec.definition,
        integrationAccount: { id: args.account.id },
        parameters: spec.connections.length > 0 ? { $connections: { value: bindings } } : undefined,
        tags: workflowTags("business", args.phase),
      },
      { parent: args.parent, dependsOn: [...args.dependsOn] },
    );
    out.set(spec.name, { spec, workflowName, resource });
  }
  return out;
}
