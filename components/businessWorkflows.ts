/**
 * The user's business (encode/decode) workflows in one region: each linked to this region's
 * integration account, bound through `$connections` to connections of this region's account, and
 * enabled only while this region is the active one.
 *
 * A component of its own (type `b2b-dr:workflows:BusinessWorkflows`), declared by the mirrored
 * integration account because its AS2 agreements need the receipt workflows' callback URLs. Until
 * this component existed the workflows and connections were direct children of the account
 * component; their aliases keep the old URNs, so the move replaces nothing on a live stack.
 */
import * as pulumi from "@pulumi/pulumi";
import * as logic from "@pulumi/azure-native/logic";
import type { BusinessWorkflow } from "../model/catalog";
import { AccountRef, ManagedApi, Placement, accountConnection, binding } from "./connections";
import type { DrPhase } from "../model/config";
import * as naming from "../model/naming";
import { workflowTags } from "../model/tags";

export interface BusinessWorkflowsArgs extends Placement {
  /** Required. Prefix of the logical names (the account component's name), a public contract. */
  readonly prefix: string;
  /** Required. This region's integration account, linked to each workflow and bound by its connections. */
  readonly account: AccountRef;
  /** Required. The workflows of the catalog. */
  readonly workflows: readonly BusinessWorkflow[];
  /** Required. Whether this region is the active one: its workflows are enabled only then. */
  readonly enabled: boolean;
  /** Required. The DR phase (tagged on each workflow). */
  readonly phase: DrPhase;
  /** Required. Resources each workflow waits for (the integration account). */
  readonly dependsOn: readonly pulumi.Resource[];
}

export interface DeclaredWorkflow {
  readonly spec: BusinessWorkflow;
  readonly workflowName: string;
  readonly resource: logic.Workflow;
}

/** Options of a child: parented here, aliased to its old parent (the component that declares this one). */
export function movedChildOptions(
  parent: pulumi.Resource,
  previousParent: pulumi.Resource | undefined,
): pulumi.CustomResourceOptions {
  return { parent, aliases: previousParent === undefined ? [] : [{ parent: previousParent }] };
}

export class BusinessWorkflows extends pulumi.ComponentResource {
  /** The declared workflows, by catalog name. */
  readonly workflows: ReadonlyMap<string, DeclaredWorkflow>;
  /** Azure names of the workflows, in catalog order. */
  readonly workflowNames: readonly string[];

  constructor(name: string, args: BusinessWorkflowsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("b2b-dr:workflows:BusinessWorkflows", name, {}, opts);
    const child = movedChildOptions(this, opts?.parent);
    const apis = [...new Set(args.workflows.flatMap((w) => w.connections))].sort() as ManagedApi[];
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
          child,
        ),
      ]),
    );
    const out = new Map<string, DeclaredWorkflow>();
    for (const spec of args.workflows) {
      const workflowName = naming.workflowName(args.scope, spec.name);
      const bindings = Object.fromEntries(
        spec.connections.map((api) => [
          api,
          binding(connections.get(api)!, args.subscriptionId, args.scope.region, api),
        ]),
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
        { ...child, dependsOn: [...args.dependsOn] },
      );
      out.set(spec.name, { spec, workflowName, resource });
    }
    this.workflows = out;
    this.workflowNames = [...out.values()].map((w) => w.workflowName);
    this.registerOutputs({ workflowNames: this.workflowNames });
  }
}
