/**
 * Replication of runtime state between the two integration accounts: per protocol in use, two API
 * connections (to the source and the target account) and one polling workflow, plus an action group
 * and metric alerts on failed runs and failed triggers.
 *
 * Everything lives in THIS stack's region and resource group: the secondary stack runs
 * primary → secondary replication; the primary stack runs secondary → primary in `failback`.
 * The source account's id and callback URL arrive as inputs (from the other stack's outputs), so
 * declaring this component makes no call into the source's region.
 */
import * as pulumi from "@pulumi/pulumi";
import * as logic from "@pulumi/azure-native/logic";
import * as monitor from "@pulumi/azure-native/monitor";
import type { Protocol } from "../model/catalog/schema";
import type { DrPhase, Role } from "../model/config";
import { workflowTags } from "../model/tags";
import * as naming from "../model/naming";
import { AccountRef, Placement, accountConnection, binding } from "./connections";
import { RetryPolicy } from "../model/workflows/definition";
import { REPLICATION_OPERATIONS, ReplicationSchedule, replicationDefinition } from "../model/workflows/replication";

export type { AccountRef } from "./connections";

export interface ReplicationArgs extends Placement {
  /** Required. The account changes are read from (trigger side). */
  readonly source: AccountRef;
  /** Required. The account changes are written to (action side). */
  readonly target: AccountRef;
  /** Required. Protocols in use; one workflow each, in this order. */
  readonly protocols: readonly Protocol[];
  /** Required. `Enabled` or `Disabled` state of every workflow (and its alerts). */
  readonly enabled: boolean;
  /** Required. The DR phase the state comes from (tagged on the workflows for the policy pack). */
  readonly phase: DrPhase;
  /** Required. Polling schedule of the triggers. */
  readonly schedule: ReplicationSchedule;
  /** Required. Retry policy of the add-or-update actions. */
  readonly retryPolicy: RetryPolicy;
  /** Required. E-mail receivers of the action group (may be empty: alerts then notify no one). */
  readonly alertEmails: readonly string[];
  /**
   * Optional. Protect the workflows: replacing one resets its trigger state (a resync is then needed).
   * @default false
   */
  readonly protect?: boolean;
}

/** `$connections` key (and connection purpose) of a protocol's connection to one account, e.g. `x12-primary`. */
export function connectionKey(protocol: Protocol, role: Role): string {
  return `${REPLICATION_OPERATIONS[protocol].api}-${role}`;
}

/** Azure Monitor metrics of a Consumption workflow that mean "replication is broken". */
export const ALERT_METRICS = [
  { metric: "RunsFailed", purpose: "runs-failed", description: "a replication run failed" },
  { metric: "TriggersFailed", purpose: "triggers-failed", description: "a replication trigger failed to poll" },
] as const;

export class Replication extends pulumi.ComponentResource {
  readonly workflows: ReadonlyMap<Protocol, logic.Workflow>;
  /** Azure names of the workflows, in protocol order. */
  readonly workflowNames: readonly string[];
  readonly actionGroup: monitor.ActionGroup;

  constructor(name: string, args: ReplicationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("b2b-dr:replication:Replication", name, {}, opts);
    const region = args.scope.region;
    const state = args.enabled ? "Enabled" : "Disabled";

    const connection = (protocol: Protocol, account: AccountRef) => {
      const key = connectionKey(protocol, account.role);
      const api = REPLICATION_OPERATIONS[protocol].api;
      return accountConnection(
        `${name}-${key}`,
        {
          scope: args.scope,
          resourceGroupName: args.resourceGroupName,
          subscriptionId: args.subscriptionId,
          api,
          purpose: key,
          account,
        },
        { parent: this },
      );
    };

    this.actionGroup = new monitor.ActionGroup(
      `${name}-alerts`,
      {
        resourceGroupName: args.resourceGroupName,
        actionGroupName: naming.actionGroupName(args.scope, "replication"),
        groupShortName: naming.actionGroupShortName("repl"),
        location: "Global",
        enabled: true,
        emailReceivers: args.alertEmails.map((emailAddress, i) => ({
          name: `email-${i + 1}`,
          emailAddress,
          useCommonAlertSchema: true,
        })),
      },
      { parent: this },
    );

    const workflows = new Map<Protocol, logic.Workflow>();
    const names: string[] = [];
    for (const protocol of args.protocols) {
      const source = connection(protocol, args.source);
      const target = connection(protocol, args.target);
      const sourceKey = connectionKey(protocol, args.source.role);
      const targetKey = connectionKey(protocol, args.target.role);
      const api = REPLICATION_OPERATIONS[protocol].api;
      const bind = (c: typeof source) => binding(c, args.subscriptionId, region, api);
      const purpose = `${REPLICATION_OPERATIONS[protocol].api}-replication`;
      const workflowName = naming.workflowName(args.scope, purpose);
      const workflow = new logic.Workflow(
        `${name}-${REPLICATION_OPERATIONS[protocol].api}`,
        {
          resourceGroupName: args.resourceGroupName,
          location: region,
          workflowName,
          state,
          definition: replicationDefinition({
            protocol,
            sourceKey,
            targetKey,
            schedule: args.schedule,
            retryPolicy: args.retryPolicy,
          }),
          parameters: { $connections: { value: { [sourceKey]: bind(source), [targetKey]: bind(target) } } },
          tags: workflowTags(
            "replication",
            args.phase,
            `${args.source.role}To${args.target.role[0]!.toUpperCase()}${args.target.role.slice(1)}`,
          ),
        },
        { parent: this, protect: args.protect ?? false },
      );
      for (const alert of ALERT_METRICS) {
        new monitor.MetricAlert(
          `${name}-${REPLICATION_OPERATIONS[protocol].api}-${alert.purpose}`,
          {
            resourceGroupName: args.resourceGroupName,
            ruleName: naming.alertName(args.scope, `${purpose}-${alert.purpose}`),
            description: `b2b-dr: ${alert.description} in ${workflowName} (${REPLICATION_OPERATIONS[protocol].replicates}, ${args.source.role} → ${args.target.role}).`,
            location: "global",
            severity: 1,
            enabled: args.enabled,
            scopes: [workflow.id],
            evaluationFrequency: "PT5M",
            windowSize: "PT15M",
            autoMitigate: true,
            criteria: {
              odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
              allOf: [
                {
                  criterionType: "StaticThresholdCriterion",
                  name: alert.metric,
                  metricName: alert.metric,
                  metricNamespace: "Microsoft.Logic/workflows",
                  operator: "GreaterThan",
                  threshold: 0,
                  timeAggregation: "Total",
                },
              ],
            },
            actions: [{ actionGroupId: this.actionGroup.id }],
          },
          { parent: this },
        );
      }
      workflows.set(protocol, workflow);
      names.push(workflowName);
    }
    this.workflows = workflows;
    this.workflowNames = names;
    this.registerOutputs({ workflowNames: names });
  }
}
