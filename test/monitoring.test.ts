/**
 * Knowing when to switch, in the offline plan of every phase: the Service Health alert, the
 * silent-stop alerts, the workbook per stack, and the switch-announcement log alert. Validation: the
 * component passes its inputs to azure-native's generated input types (from Microsoft's REST API
 * specs of the pinned API versions; `tsc` checks them), and these tests check the facts taken from
 * Microsoft's documentation on the rendered inputs.
 */
import * as assert from "assert";
import type * as monitor from "@pulumi/azure-native/monitor";
import { DR_PHASES } from "../model/config";
import {
  METRIC_WINDOWS_MINUTES,
  SWITCH_EVENT_DIMENSIONS,
  drWorkbookContent,
  isoMinutes,
  nameGuid,
  serviceHealthCondition,
  serviceHealthRegionNames,
  silentStopWindowMinutes,
  switchEventQuery,
} from "../components/monitoring";
import { nameProblem } from "../model/naming";
import { PLACEHOLDER_SUBSCRIPTION } from "../plan/engine";
import type { StackRender } from "../plan/types";
import { SWITCH_EVENT } from "../runbook/notify";
import { pairFor } from "./renders";

const ofType = (r: StackRender, type: string) => r.resources.filter((x) => x.type === `azure-native:${type}`);
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const minutesOf = (iso: string) => {
  const m = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(iso)!;
  return Number(m[1] ?? 0) * 1440 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
};
const agId = (r: StackRender) =>
  `/subscriptions/${PLACEHOLDER_SUBSCRIPTION}/resourceGroups/rg-b2bdr-prod-${r.outputs.region as string}/providers/Microsoft.Insights/actionGroups/ag-b2bdr-prod-${r.outputs.region as string}-replication`;

describe("monitoring: pure parts", () => {
  it("sizes the silent-stop window to the smallest allowed window not shorter than the RPO bound", () => {
    assert.deepStrictEqual([1, 5, 7, 15, 16, 61, 1440].map(silentStopWindowMinutes), [1, 5, 15, 15, 30, 360, 1440]);
    assert.throws(() => silentStopWindowMinutes(1441), /at most 1440.*Fix: poll more often/);
    assert.deepStrictEqual(METRIC_WINDOWS_MINUTES.map(isoMinutes), [
      "PT1M",
      "PT5M",
      "PT15M",
      "PT30M",
      "PT1H",
      "PT6H",
      "PT12H",
      "P1D",
    ]);
  });

  it("names regions as Service Health does, and builds a condition the SDK's input type accepts", () => {
    assert.deepStrictEqual(serviceHealthRegionNames("westeurope"), ["West Europe"]);
    assert.deepStrictEqual(serviceHealthRegionNames("eastus2"), ["East US 2"]);
    const condition: monitor.ActivityLogAlertArgs["condition"] = serviceHealthCondition(["West Europe"]);
    assert.ok(condition);
  });

  it("gives workbooks deterministic RFC 4122 GUIDs (name-based, version 5 layout)", () => {
    assert.match(nameGuid("prod/northeurope/workbook"), GUID);
    assert.strictEqual(nameGuid("a"), nameGuid("a"));
    assert.notStrictEqual(nameGuid("prod/northeurope/workbook"), nameGuid("prod/westeurope/workbook"));
  });

  it("matches the event the runbook sends (runbook/notify.ts) in the log alert query", () => {
    assert.strictEqual(
      switchEventQuery(SWITCH_EVENT),
      "customEvents | where name == 'b2b-dr switch' | project timestamp, command = tostring(customDimensions['command']), stage = tostring(customDimensions['stage']), epoch = tostring(customDimensions['epoch']), phase = tostring(customDimensions['phase']), from = tostring(customDimensions['from']), to = tostring(customDimensions['to']), bumps = tostring(customDimensions['bumps'])",
    );
  });
});

describe("monitoring in the offline plan, every phase", function () {
  this.timeout(300_000);

  for (const phase of DR_PHASES) {
    it(`${phase}: Service Health alert on Logic Apps in the primary region, declared by the secondary, to the action group`, async () => {
      const { primary, secondary } = await pairFor(phase);
      assert.strictEqual(ofType(primary, "monitor:ActivityLogAlert").length, 0);
      const [alert] = ofType(secondary, "monitor:ActivityLogAlert");
      assert.ok(alert, "no Service Health alert");
      assert.deepStrictEqual(alert.inputs.condition, serviceHealthCondition(["West Europe"]));
      assert.deepStrictEqual(alert.inputs.scopes, [`/subscriptions/${PLACEHOLDER_SUBSCRIPTION}`]);
      assert.strictEqual(alert.inputs.location, "Global");
      assert.strictEqual(alert.inputs.enabled, true);
      assert.deepStrictEqual(alert.inputs.actions, { actionGroups: [{ actionGroupId: agId(secondary) }] });
      assert.strictEqual(nameProblem("alert", String(alert.inputs.activityLogAlertName)), undefined);
    });

    it(`${phase}: a silent-stop alert per replication workflow, enabled with it, window within the metric alert limits`, async () => {
      const pair = await pairFor(phase);
      for (const render of [pair.primary, pair.secondary]) {
        const workflows = ofType(render, "logic:Workflow").filter((w) =>
          String(w.inputs.workflowName).endsWith("-replication"),
        );
        const silent = ofType(render, "monitor:MetricAlert").filter((a) =>
          String(a.inputs.ruleName).endsWith("-silent"),
        );
        assert.strictEqual(silent.length, workflows.length, `${render.stack}: one per replication workflow`);
        for (const [i, alert] of silent.entries()) {
          const workflow = workflows[i]!;
          assert.strictEqual(alert.inputs.enabled, workflow.inputs.state === "Enabled", String(alert.inputs.ruleName));
          assert.deepStrictEqual(alert.inputs.scopes, [
            `/subscriptions/${PLACEHOLDER_SUBSCRIPTION}/resourceGroups/${String(workflow.inputs.resourceGroupName)}/providers/Microsoft.Logic/workflows/${String(workflow.inputs.workflowName)}`,
          ]);
          const window = String(alert.inputs.windowSize);
          assert.strictEqual(window, "PT15M", "RPO 7 min -> 15 min window");
          assert.ok((METRIC_WINDOWS_MINUTES as readonly number[]).includes(minutesOf(window)));
          assert.ok(minutesOf(String(alert.inputs.evaluationFrequency)) <= minutesOf(window));
          const criteria = alert.inputs.criteria as { odataType: string; allOf: Record<string, unknown>[] };
          assert.strictEqual(criteria.odataType, "Microsoft.Azure.Monitor.SingleResourceMultipleMetricCriteria");
          assert.deepStrictEqual(
            criteria.allOf.map((c) => [c.metricName, c.metricNamespace, c.operator, c.threshold, c.timeAggregation]),
            [
              ["TriggersSucceeded", "Microsoft.Logic/workflows", "LessThan", 1, "Total"],
              ["TriggersSkipped", "Microsoft.Logic/workflows", "LessThan", 1, "Total"],
            ],
          );
          assert.deepStrictEqual(alert.inputs.actions, [{ actionGroupId: agId(render) }]);
        }
        if (render.stack === "primary") assert.strictEqual(silent.length, phase === "failback" ? 3 : 0);
        else assert.strictEqual(silent.length, 3);
      }
    });

    it(`${phase}: a workbook per stack (GUID name, Notebook/1.0 content: runs, triggers, latency, workflow states)`, async () => {
      const pair = await pairFor(phase);
      for (const render of [pair.primary, pair.secondary]) {
        const [wb, ...more] = ofType(render, "applicationinsights:Workbook");
        assert.ok(wb && more.length === 0, `${render.stack}: one workbook`);
        assert.match(String(wb.inputs.resourceName), GUID);
        assert.deepStrictEqual(
          [wb.inputs.kind, wb.inputs.category, wb.inputs.version, wb.inputs.location],
          ["shared", "workbook", "Notebook/1.0", render.outputs.region],
        );
        const content = JSON.parse(String(wb.inputs.serializedData)) as ReturnType<typeof drWorkbookContent>;
        assert.strictEqual(content.version, wb.inputs.version, "serializedData's version matches the resource's");
        assert.deepStrictEqual(
          content,
          JSON.parse(JSON.stringify(drWorkbookContent({ environment: "prod", role: render.stack }))),
        );
        const metrics = content.items.flatMap((i) =>
          "metrics" in i.content ? (i.content.metrics as { metric: string }[]).map((m) => m.metric.split("--")[1]) : [],
        );
        assert.deepStrictEqual(metrics, [
          "RunsSucceeded",
          "RunsFailed",
          "TriggersSucceeded",
          "TriggersSkipped",
          "TriggersFailed",
          "RunLatency",
          "TriggerLatency",
        ]);
        assert.ok(content.items.some((i) => i.name === "workflow-states"));
      }
    });

    it(`${phase}: the switch announcement: Log Analytics, Application Insights and a log alert to the action group (secondary)`, async () => {
      const { primary, secondary } = await pairFor(phase);
      assert.strictEqual(ofType(primary, "monitor:ScheduledQueryRule").length, 0);
      const [rule] = ofType(secondary, "monitor:ScheduledQueryRule");
      const [component] = ofType(secondary, "applicationinsights:Component");
      const [workspace] = ofType(secondary, "operationalinsights:Workspace");
      assert.ok(rule && component && workspace);
      assert.strictEqual(nameProblem("logWorkspace", String(workspace.inputs.workspaceName)), undefined);
      assert.deepStrictEqual(
        [component.inputs.ingestionMode, component.inputs.resourceName, component.inputs.location],
        ["LogAnalytics", "appi-b2bdr-prod-northeurope", "northeurope"],
      );
      assert.deepStrictEqual(rule.inputs.scopes, [
        `/subscriptions/${PLACEHOLDER_SUBSCRIPTION}/resourceGroups/rg-b2bdr-prod-northeurope/providers/Microsoft.Insights/components/appi-b2bdr-prod-northeurope`,
      ]);
      const criteria = rule.inputs.criteria as { allOf: Record<string, unknown>[] };
      assert.strictEqual(criteria.allOf[0]!.query, switchEventQuery(SWITCH_EVENT));
      assert.deepStrictEqual(
        (criteria.allOf[0]!.dimensions as { name: string }[]).map((d) => d.name),
        [...SWITCH_EVENT_DIMENSIONS],
      );
      assert.deepStrictEqual([rule.inputs.kind, rule.inputs.enabled], ["LogAlert", true]);
      assert.deepStrictEqual(rule.inputs.actions, { actionGroups: [agId(secondary)] });
      assert.ok(minutesOf(String(rule.inputs.evaluationFrequency)) <= minutesOf(String(rule.inputs.windowSize)));
    });
  }
});
