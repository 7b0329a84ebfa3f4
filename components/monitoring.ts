/**
 * Knowing when to switch: an Azure Service Health alert for Logic Apps in the primary region, a
 * silent-stop alert per replication workflow (no successful or skipped trigger within its RPO
 * bound), and an Azure Monitor workbook per stack (replication runs, latency, workflow states).
 *
 * Declared in every phase. The Service Health alert is declared by the secondary stack (its
 * resource group survives the primary region; activity-log alerts are global). Alerts go to the
 * replication action group (`ag-…-replication`), the one the runbook's e-mail also goes through.
 *
 * Facts used (Microsoft Learn):
 * - Logic Apps metrics `TriggersSucceeded`, `TriggersSkipped`, `RunsSucceeded`, `RunsFailed`,
 *   `RunLatency`, `TriggerLatency` of `Microsoft.Logic/workflows`, time grain PT1M:
 *   https://learn.microsoft.com/azure/azure-monitor/reference/supported-metrics/microsoft-logic-workflows-metrics
 * - Service Health activity-log alerts (category `ServiceHealth`, `impactedServices[*].ServiceName`,
 *   `impactedServices[*].ImpactedRegions[*].RegionName` with region display names):
 *   https://learn.microsoft.com/azure/service-health/alerts-activity-log-service-notifications-arm
 * - Metric alert window sizes PT1M, PT5M, PT15M, PT30M, PT1H, PT6H, PT12H, P1D:
 *   https://learn.microsoft.com/rest/api/monitor/metric-alerts/create-or-update
 * - Workbooks (`Microsoft.Insights/workbooks`, name a GUID, `serializedData` in `Notebook/1.0`):
 *   https://learn.microsoft.com/azure/azure-monitor/visualize/workbooks-automate
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as applicationinsights from "@pulumi/azure-native/applicationinsights";
import * as logic from "@pulumi/azure-native/logic";
import * as monitor from "@pulumi/azure-native/monitor";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import type { Role } from "../model/config";
import { stableJson } from "../model/json";
import * as naming from "../model/naming";
import { TAG } from "../model/tags";

/** The Application Insights custom event name of the runbook's switch announcements (runbook/notify.ts). */
export const SWITCH_EVENT_NAME = "b2b-dr switch";

/** Metric alert window sizes Azure Monitor accepts, in minutes. */
export const METRIC_WINDOWS_MINUTES = [1, 5, 15, 30, 60, 360, 720, 1440] as const;

/**
 * The window of the silent-stop alert: the smallest allowed window that is not shorter than the
 * RPO bound. A window shorter than the bound would fire between two legitimate polls; a longer one
 * only delays the alert.
 */
export function silentStopWindowMinutes(rpoMinutes: number): number {
  const window = METRIC_WINDOWS_MINUTES.find((w) => w >= rpoMinutes);
  if (window === undefined)
    throw new Error(
      `The replication RPO bound is ${rpoMinutes} minutes; Azure Monitor metric alerts look back at most 1440. ` +
        "Fix: poll more often (b2b-dr:replicationFrequency / b2b-dr:replicationInterval).",
    );
  return window;
}

/** ISO 8601 duration of a window in minutes (`PT15M`, `PT1H`, `P1D`). */
export function isoMinutes(minutes: number): string {
  if (minutes % 1440 === 0) return `P${minutes / 1440}D`;
  if (minutes % 60 === 0) return `PT${minutes / 60}H`;
  return `PT${minutes}M`;
}

/** Display names Service Health uses for regions (`ImpactedRegions[*].RegionName`). */
const REGION_DISPLAY: Readonly<Record<string, string>> = {
  australiacentral: "Australia Central",
  australiaeast: "Australia East",
  australiasoutheast: "Australia Southeast",
  austriaeast: "Austria East",
  belgiumcentral: "Belgium Central",
  brazilsouth: "Brazil South",
  brazilsoutheast: "Brazil Southeast",
  canadacentral: "Canada Central",
  canadaeast: "Canada East",
  centralindia: "Central India",
  centralus: "Central US",
  chilecentral: "Chile Central",
  eastasia: "East Asia",
  eastus: "East US",
  eastus2: "East US 2",
  francecentral: "France Central",
  francesouth: "France South",
  germanynorth: "Germany North",
  germanywestcentral: "Germany West Central",
  indonesiacentral: "Indonesia Central",
  israelcentral: "Israel Central",
  italynorth: "Italy North",
  japaneast: "Japan East",
  japanwest: "Japan West",
  koreacentral: "Korea Central",
  koreasouth: "Korea South",
  malaysiawest: "Malaysia West",
  mexicocentral: "Mexico Central",
  newzealandnorth: "New Zealand North",
  northcentralus: "North Central US",
  northeurope: "North Europe",
  norwayeast: "Norway East",
  norwaywest: "Norway West",
  polandcentral: "Poland Central",
  qatarcentral: "Qatar Central",
  southafricanorth: "South Africa North",
  southafricawest: "South Africa West",
  southcentralus: "South Central US",
  southeastasia: "Southeast Asia",
  southindia: "South India",
  spaincentral: "Spain Central",
  swedencentral: "Sweden Central",
  swedensouth: "Sweden South",
  switzerlandnorth: "Switzerland North",
  switzerlandwest: "Switzerland West",
  uaecentral: "UAE Central",
  uaenorth: "UAE North",
  uksouth: "UK South",
  ukwest: "UK West",
  westcentralus: "West Central US",
  westeurope: "West Europe",
  westindia: "West India",
  westus: "West US",
  westus2: "West US 2",
  westus3: "West US 3",
};

/** The Service Health display name of a region; both spellings are matched for a region not listed. */
export function serviceHealthRegionNames(region: string): string[] {
  const display = REGION_DISPLAY[region];
  return display === undefined ? [region] : [display];
}

/** The Service Health alert condition: Logic Apps incidents, maintenance and advisories in `regions`. */
export function serviceHealthCondition(regions: readonly string[]) {
  return {
    allOf: [
      { field: "category", equals: "ServiceHealth" },
      { field: "properties.impactedServices[*].ServiceName", containsAny: ["Logic Apps"] },
      { field: "properties.impactedServices[*].ImpactedRegions[*].RegionName", containsAny: [...regions] },
    ],
  } satisfies monitor.ActivityLogAlertArgs["condition"];
}

/** Columns of the switch event that become alert dimensions (and so appear in the e-mail). */
export const SWITCH_EVENT_DIMENSIONS = ["command", "stage", "epoch", "phase", "from", "to", "bumps"] as const;

/**
 * The log search query over the runbook's switch events (runbook/notify.ts sends them): one row per
 * event, its properties as columns.
 */
export function switchEventQuery(eventName: string): string {
  const columns = SWITCH_EVENT_DIMENSIONS.map((d) => `${d} = tostring(customDimensions['${d}'])`).join(", ");
  return `customEvents | where name == '${eventName}' | project timestamp, ${columns}`;
}

/** A deterministic GUID for a name (workbook resource names must be GUIDs). */
export function nameGuid(name: string): string {
  const h = createHash("sha256").update(`b2b-dr/${name}`).digest("hex");
  // RFC 4122 layout, version nibble 5 and variant bits 10, from a name hash.
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A workbook metric of `Microsoft.Logic/workflows` with its aggregation (1 Total/Sum, 4 Average). */
interface WorkbookMetric {
  readonly metric: string;
  readonly aggregation: 1 | 4;
}

/**
 * The workbook content (`Notebook/1.0`): the replication workflows of this environment found with
 * Azure Resource Graph (by name prefix), their runs and trigger outcomes, run and trigger latency,
 * and the states of every b2b-dr workflow of both regions with the phase they were declared for.
 */
export function drWorkbookContent(args: { readonly environment: string; readonly role: Role }) {
  const prefix = `logic-${naming.WORKLOAD}-${args.environment}-`;
  const b2bdrWorkflows =
    `resources | where type =~ 'microsoft.logic/workflows' and name startswith '${prefix}' ` +
    `and isnotempty(tags['${TAG.purpose}'])`;
  const metricsItem = (name: string, title: string, metrics: readonly WorkbookMetric[]) => ({
    type: 10,
    name,
    content: {
      version: "MetricsItem/2.0",
      title,
      size: 0,
      chartType: 2,
      resourceType: "microsoft.logic/workflows",
      metricScope: 0,
      resourceParameter: "ReplicationWorkflows",
      resourceIds: ["{ReplicationWorkflows}"],
      timeContext: { durationMs: 86_400_000 },
      metrics: metrics.map((m) => ({
        namespace: "microsoft.logic/workflows",
        metric: `microsoft.logic/workflows--${m.metric}`,
        aggregation: m.aggregation,
      })),
    },
  });
  return {
    version: "Notebook/1.0",
    items: [
      {
        type: 1,
        name: "title",
        content: {
          json:
            `## b2b-dr ${args.environment}: replication and DR phase (${args.role} stack)\n` +
            "Replication runs and trigger outcomes of the replication workflows, their latency, and the state of every " +
            "b2b-dr workflow. A replication workflow that is enabled but shows neither succeeded nor skipped triggers has " +
            "stopped silently. The control-number lag per session is in `npm run dr -- status`.",
        },
      },
      {
        type: 9,
        name: "parameters",
        content: {
          version: "KqlParameterItem/1.0",
          parameters: [
            {
              id: nameGuid(`${args.environment}/${args.role}/workbook/ReplicationWorkflows`),
              version: "KqlParameterItem/1.0",
              name: "ReplicationWorkflows",
              label: "Replication workflows",
              type: 5,
              isRequired: true,
              multiSelect: true,
              quote: "'",
              delimiter: ",",
              query: `${b2bdrWorkflows} and tags['${TAG.purpose}'] == 'replication' | project id`,
              crossComponentResources: ["value::all"],
              typeSettings: { additionalResourceOptions: ["value::all"], showDefault: false },
              defaultValue: "value::all",
              queryType: 1,
              resourceType: "microsoft.resourcegraph/resources",
            },
          ],
        },
      },
      metricsItem("replication-runs", "Replication runs", [
        { metric: "RunsSucceeded", aggregation: 1 },
        { metric: "RunsFailed", aggregation: 1 },
      ]),
      metricsItem("replication-triggers", "Replication triggers (none succeeded or skipped: stopped)", [
        { metric: "TriggersSucceeded", aggregation: 1 },
        { metric: "TriggersSkipped", aggregation: 1 },
        { metric: "TriggersFailed", aggregation: 1 },
      ]),
      metricsItem("replication-lag", "Replication latency (seconds)", [
        { metric: "RunLatency", aggregation: 4 },
        { metric: "TriggerLatency", aggregation: 4 },
      ]),
      {
        type: 3,
        name: "workflow-states",
        content: {
          version: "KqlItem/1.0",
          title: "Workflow states (both regions)",
          query:
            `${b2bdrWorkflows} | project name, location, resourceGroup, state = tostring(properties.state), ` +
            `purpose = tostring(tags['${TAG.purpose}']), phase = tostring(tags['${TAG.phase}']), ` +
            `direction = tostring(tags['${TAG.direction}']) | order by purpose asc, name asc`,
          size: 0,
          queryType: 1,
          resourceType: "microsoft.resourcegraph/resources",
          crossComponentResources: ["value::all"],
        },
      },
    ],
  };
}

export interface DrMonitoringArgs {
  readonly scope: naming.NameScope;
  readonly role: Role;
  readonly resourceGroupName: pulumi.Input<string>;
  readonly subscriptionId: pulumi.Input<string>;
  /**
   * Conditional (secondary): the primary's region, watched by the Service Health alert. Required on
   * the secondary, ignored on the primary.
   */
  readonly primaryRegion?: pulumi.Input<string | undefined>;
  /** Optional. The action group alerts notify (the replication action group); no alerts without one. */
  readonly actionGroupId?: pulumi.Input<string>;
  /** Optional. This stack's replication workflows, watched by the silent-stop alerts. @default none */
  readonly replicationWorkflows?: readonly { readonly name: string; readonly workflow: logic.Workflow }[];
  /** Required with `replicationWorkflows`: whether they are enabled (alerts follow). */
  readonly replicationEnabled: boolean;
  /** Required with `replicationWorkflows`: the RPO bound, in minutes. */
  readonly rpoMinutes: number;
}

export class DrMonitoring extends pulumi.ComponentResource {
  readonly workbook: applicationinsights.Workbook;
  readonly serviceHealthAlert: monitor.ActivityLogAlert | undefined;
  /** The Application Insights resource the runbook sends switch events to (secondary only). */
  readonly switchEvents: applicationinsights.Component | undefined;

  constructor(name: string, args: DrMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("b2b-dr:monitoring:DrMonitoring", name, {}, opts);
    const actions = args.actionGroupId === undefined ? [] : [{ actionGroupId: args.actionGroupId }];

    this.serviceHealthAlert =
      args.role === "secondary" && args.actionGroupId !== undefined
        ? new monitor.ActivityLogAlert(
            `${name}-service-health`,
            {
              resourceGroupName: args.resourceGroupName,
              activityLogAlertName: naming.alertName(args.scope, "primary-logic-apps-health"),
              location: "Global",
              description:
                "b2b-dr: Azure Service Health reports an incident, maintenance or advisory for Logic Apps in the primary region. Consider `npm run dr -- failover`.",
              enabled: true,
              scopes: [pulumi.interpolate`/subscriptions/${args.subscriptionId}`],
              condition: pulumi.output(args.primaryRegion).apply((region) => {
                if (region === undefined)
                  throw new pulumi.RunError(
                    "The Service Health alert needs the primary's region: run pulumi up on the primary stack first.",
                  );
                return serviceHealthCondition(serviceHealthRegionNames(region));
              }),
              actions: { actionGroups: actions },
            },
            { parent: this },
          )
        : undefined;

    // Switch announcements by e-mail: the runbook's custom event -> log search alert -> action group.
    this.switchEvents = undefined;
    if (args.role === "secondary" && args.actionGroupId !== undefined) {
      const workspace = new operationalinsights.Workspace(
        `${name}-logs`,
        {
          resourceGroupName: args.resourceGroupName,
          workspaceName: naming.logWorkspaceName(args.scope),
          location: args.scope.region,
          sku: { name: "PerGB2018" },
          retentionInDays: 30,
        },
        { parent: this },
      );
      this.switchEvents = new applicationinsights.Component(
        `${name}-switch-events`,
        {
          resourceGroupName: args.resourceGroupName,
          resourceName: naming.appInsightsName(args.scope),
          location: args.scope.region,
          kind: "other",
          applicationType: "other",
          ingestionMode: "LogAnalytics",
          workspaceResourceId: workspace.id,
        },
        { parent: this },
      );
      new monitor.ScheduledQueryRule(
        `${name}-switch-announcement`,
        {
          resourceGroupName: args.resourceGroupName,
          ruleName: naming.alertName(args.scope, "dr-switch"),
          displayName: `b2b-dr ${args.scope.environment}: DR switch (failover / fallback) started, completed or failed`,
          description:
            "b2b-dr: the runbook announced a failover or fallback stage; the e-mail's dimensions hold the command, stage, epoch, phase, regions and bump summary.",
          location: args.scope.region,
          kind: "LogAlert",
          severity: 3,
          enabled: true,
          scopes: [this.switchEvents.id],
          evaluationFrequency: "PT5M",
          windowSize: "PT5M",
          autoMitigate: false,
          criteria: {
            allOf: [
              {
                query: switchEventQuery(SWITCH_EVENT_NAME),
                timeAggregation: "Count",
                operator: "GreaterThan",
                threshold: 0,
                dimensions: SWITCH_EVENT_DIMENSIONS.map((d) => ({ name: d, operator: "Include", values: ["*"] })),
                failingPeriods: { numberOfEvaluationPeriods: 1, minFailingPeriodsToAlert: 1 },
              },
            ],
          },
          actions: { actionGroups: [args.actionGroupId] },
        },
        { parent: this },
      );
    }

    if (args.actionGroupId !== undefined) {
      const window = silentStopWindowMinutes(args.rpoMinutes);
      for (const { name: workflowName, workflow } of args.replicationWorkflows ?? []) {
        new monitor.MetricAlert(
          `${name}-${workflowName}-silent`,
          {
            resourceGroupName: args.resourceGroupName,
            ruleName: naming.alertName(args.scope, `${workflowName.replace(/^logic-[^-]+-[^-]+-[^-]+-/, "")}-silent`),
            description:
              `b2b-dr: ${workflowName} completed no trigger (succeeded or skipped) in ${window} minutes, ` +
              `its RPO bound being ${args.rpoMinutes}: replication has stopped silently.`,
            location: "global",
            severity: 1,
            enabled: args.replicationEnabled,
            scopes: [workflow.id],
            evaluationFrequency: "PT5M",
            windowSize: isoMinutes(window),
            autoMitigate: true,
            criteria: {
              odataType: "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria",
              // Both below 1 in the window: neither a successful nor a skipped poll (criteria are ANDed).
              allOf: ["TriggersSucceeded", "TriggersSkipped"].map((metric) => ({
                criterionType: "StaticThresholdCriterion",
                name: metric,
                metricName: metric,
                metricNamespace: "Microsoft.Logic/workflows",
                operator: "LessThan",
                threshold: 1,
                timeAggregation: "Total",
              })),
            },
            actions,
          },
          { parent: this },
        );
      }
    }

    this.workbook = new applicationinsights.Workbook(
      `${name}-workbook`,
      {
        resourceGroupName: args.resourceGroupName,
        resourceName: nameGuid(`${args.scope.environment}/${args.scope.region}/workbook`),
        location: args.scope.region,
        kind: "shared",
        category: "workbook",
        displayName: `b2b-dr ${args.scope.environment} ${args.role} (${args.scope.region}): replication and DR phase`,
        serializedData: stableJson(drWorkbookContent({ environment: args.scope.environment, role: args.role })),
        version: "Notebook/1.0",
        sourceId: "azure monitor",
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}
