/**
 * Replication workflow definitions: trigger on the source integration account's managed connector,
 * add-or-update action on the target's, exactly as Microsoft's DR template has them
 * (https://github.com/Azure/azure-quickstart-templates/tree/master/quickstarts/microsoft.logic/logic-app-b2b-disaster-recovery-replication; https://learn.microsoft.com/azure/logic-apps/logic-apps-enterprise-integration-b2b-business-continuity), plus the schedule and retry policy from config.
 */
import type { Protocol } from "../catalog/schema";
import { canonical } from "../json";
import {
  RecurrenceFrequency,
  RetryPolicy,
  WORKFLOW_SCHEMA,
  WorkflowDefinition,
  connectionReference,
} from "./definition";

/** Managed connector, trigger and action of each protocol's replication. */
export const REPLICATION_OPERATIONS = {
  X12: {
    api: "x12",
    trigger: { name: "When_a_control_number_is_modified", path: "/triggers/onModifiedControlNumber" },
    action: { name: "Add_or_update_control_numbers", path: "/controlNumbers" },
    replicates: "control numbers",
  },
  Edifact: {
    api: "edifact",
    trigger: { name: "When_a_control_number_is_modified", path: "/triggers/onmodifiedcontrolnumber" },
    action: { name: "Add_or_update_control_numbers", path: "/controlnumbers" },
    replicates: "control numbers",
  },
  AS2: {
    api: "as2",
    trigger: { name: "When_a_MIC_value_is_created", path: "/triggers/onCreatedMicValues" },
    action: { name: "Add_or_update_MIC_contents", path: "/createOrUpdateMicValues" },
    replicates: "MIC values",
  },
} as const satisfies Record<Protocol, unknown>;

export type ManagedApi = (typeof REPLICATION_OPERATIONS)[Protocol]["api"];

export interface ReplicationSchedule {
  readonly frequency: RecurrenceFrequency;
  readonly interval: number;
  /** Optional `startSyncTime` query: replicate changes from this ISO 8601 date-time on (a resync). */
  readonly startSyncTime?: string;
}

export interface ReplicationDefinitionArgs {
  readonly protocol: Protocol;
  /** `$connections` key of the connection to the source account (trigger). */
  readonly sourceKey: string;
  /** `$connections` key of the connection to the target account (action). */
  readonly targetKey: string;
  readonly schedule: ReplicationSchedule;
  readonly retryPolicy: RetryPolicy;
}

/** The definition of one protocol's replication workflow, keys sorted. */
export function replicationDefinition(args: ReplicationDefinitionArgs): WorkflowDefinition {
  const op = REPLICATION_OPERATIONS[args.protocol];
  const queries =
    args.schedule.startSyncTime === undefined ? undefined : { startSyncTime: args.schedule.startSyncTime };
  return canonical({
    $schema: WORKFLOW_SCHEMA,
    contentVersion: "1.0.0.0",
    parameters: { $connections: { type: "Object", defaultValue: {} } },
    triggers: {
      [op.trigger.name]: {
        type: "ApiConnection",
        recurrence: { frequency: args.schedule.frequency, interval: args.schedule.interval },
        inputs: {
          host: { connection: { name: connectionReference(args.sourceKey) } },
          method: "get",
          path: op.trigger.path,
          queries,
        },
      },
    },
    actions: {
      [op.action.name]: {
        type: "ApiConnection",
        inputs: {
          body: "@triggerBody()",
          host: { connection: { name: connectionReference(args.targetKey) } },
          method: "put",
          path: op.action.path,
          retryPolicy: args.retryPolicy,
        },
        runAfter: {},
      },
    },
    outputs: {},
  });
}

const MINUTES: Readonly<Record<RecurrenceFrequency, number>> = { Second: 1 / 60, Minute: 1, Hour: 60, Day: 1440 };

/** Minutes between two polls of a schedule. */
export function pollIntervalMinutes(schedule: Pick<ReplicationSchedule, "frequency" | "interval">): number {
  return MINUTES[schedule.frequency] * schedule.interval;
}

/**
 * The X12/EDIFACT trigger re-queries changes "five minutes or older" to cover clock skew
 * (https://github.com/Azure/azure-quickstart-templates/tree/master/quickstarts/microsoft.logic/logic-app-b2b-disaster-recovery-replication; https://learn.microsoft.com/azure/logic-apps/logic-apps-enterprise-integration-b2b-business-continuity): a record missed by the first query arrives up to this much later.
 */
export const LATE_REPLAY_MINUTES = 5;

/**
 * Upper bound, in minutes, of how far the target can be behind the source (the replication RPO):
 * one poll interval, plus one run, plus the late re-query when X12 or EDIFACT is replicated.
 */
export function replicationRpoMinutes(
  schedule: Pick<ReplicationSchedule, "frequency" | "interval">,
  maxRunMinutes: number,
  protocols: readonly Protocol[],
): number {
  const lateReplay = protocols.some((p) => p !== "AS2") ? LATE_REPLAY_MINUTES : 0;
  return pollIntervalMinutes(schedule) + maxRunMinutes + lateReplay;
}

/** Days in the month used for cost figures. */
export const BILLING_MONTH_DAYS = 30;

/**
 * Billed trigger executions per month: every poll is billed, fired or skipped (https://learn.microsoft.com/azure/logic-apps/logic-apps-pricing), for
 * every enabled replication workflow. Disabled workflows are not billed.
 */
export function triggerExecutionsPerMonth(
  schedule: Pick<ReplicationSchedule, "frequency" | "interval">,
  enabledWorkflows: number,
): number {
  return Math.round(((BILLING_MONTH_DAYS * 1440) / pollIntervalMinutes(schedule)) * enabledWorkflows);
}
