/**
 * Replication: the pure definition builders, the phase → replication plan, and the wiring of the
 * rendered stacks in every phase (connections, $connections bindings, states, alerts, secrets,
 * failover touching nothing of the primary region).
 */
import * as assert from "assert";
import fc from "fast-check";
import { DR_PHASES, DrPhase, Role } from "../model/config";
import { canonical } from "../model/json";
import { phaseState, replicationPlan } from "../model/phase";
import { DEFINITION_LIMITS, WorkflowDefinition, connectionKeyOf } from "../model/workflows/definition";
import {
  REPLICATION_OPERATIONS,
  replicationDefinition,
  replicationRpoMinutes,
  triggerExecutionsPerMonth,
} from "../model/workflows/replication";
import { RecordedResource } from "../plan/engine";
import { StackRender } from "../plan/types";
import { PHASES, Pair, pairFor } from "./renders";

const schedule = { frequency: "Minute", interval: 1 } as const;
const retryPolicy = { type: "exponential", count: 4, interval: "PT20S" } as const;

describe("replication definitions (pure)", () => {
  for (const protocol of ["X12", "Edifact", "AS2"] as const) {
    it(`${protocol}: trigger on the source, add-or-update on the target, as Microsoft's template has them`, () => {
      const d = replicationDefinition({ protocol, sourceKey: "s", targetKey: "t", schedule, retryPolicy });
      const op = REPLICATION_OPERATIONS[protocol];
      assert.strictEqual(
        d.$schema,
        "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
      );
      assert.deepStrictEqual(d.parameters, { $connections: { defaultValue: {}, type: "Object" } });
      assert.deepStrictEqual(Object.keys(d.triggers), [op.trigger.name]);
      assert.deepStrictEqual(Object.keys(d.actions), [op.action.name]);
      const trigger = d.triggers[op.trigger.name]!;
      assert.strictEqual(trigger.type, "ApiConnection");
      assert.deepStrictEqual(trigger.recurrence, { frequency: "Minute", interval: 1 });
      assert.deepStrictEqual(trigger.inputs, {
        host: { connection: { name: "@parameters('$connections')['s']['connectionId']" } },
        method: "get",
        path: op.trigger.path,
      });
      const action = d.actions[op.action.name]!;
      assert.strictEqual(action.type, "ApiConnection");
      assert.deepStrictEqual(action.runAfter, {});
      assert.deepStrictEqual(action.inputs, {
        body: "@triggerBody()",
        host: { connection: { name: "@parameters('$connections')['t']['connectionId']" } },
        method: "put",
        path: op.action.path,
        retryPolicy,
      });
      assert.strictEqual(JSON.stringify(d), JSON.stringify(canonical(d)), "keys sorted");
    });
  }

  it("uses the reference's exact paths", () => {
    assert.deepStrictEqual(
      Object.values(REPLICATION_OPERATIONS).map((o) => [o.api, o.trigger.path, o.action.path]),
      [
        ["x12", "/triggers/onModifiedControlNumber", "/controlNumbers"],
        ["edifact", "/triggers/onmodifiedcontrolnumber", "/controlnumbers"],
        ["as2", "/triggers/onCreatedMicValues", "/createOrUpdateMicValues"],
      ],
    );
  });

  it("adds startSyncTime as a trigger query only when configured", () => {
    const d = replicationDefinition({
      protocol: "X12",
      sourceKey: "s",
      targetKey: "t",
      schedule: { ...schedule, startSyncTime: "2026-01-01T00:00:00Z" },
      retryPolicy,
    });
    assert.deepStrictEqual(d.triggers.When_a_control_number_is_modified?.inputs.queries, {
      startSyncTime: "2026-01-01T00:00:00Z",
    });
  });

  it("keeps trigger and action names within Azure's limits", () => {
    for (const op of Object.values(REPLICATION_OPERATIONS)) {
      for (const name of [op.trigger.name, op.action.name]) {
        assert.ok(
          name.length <= DEFINITION_LIMITS.triggerOrActionName && DEFINITION_LIMITS.namePattern.test(name),
          name,
        );
      }
    }
  });

  it("RPO bound: one interval + one run + the 5-minute late re-query for X12/EDIFACT", () => {
    assert.strictEqual(replicationRpoMinutes(schedule, 1, ["X12", "AS2"]), 7);
    assert.strictEqual(replicationRpoMinutes(schedule, 1, ["AS2"]), 2);
    assert.strictEqual(replicationRpoMinutes({ frequency: "Second", interval: 30 }, 1, ["AS2"]), 1.5);
  });

  it("billed trigger executions: every poll of every enabled workflow, skipped or not", () => {
    assert.strictEqual(triggerExecutionsPerMonth(schedule, 3), 129_600);
    assert.strictEqual(triggerExecutionsPerMonth({ frequency: "Minute", interval: 5 }, 3), 25_920);
    assert.strictEqual(triggerExecutionsPerMonth({ frequency: "Hour", interval: 1 }, 1), 720);
    assert.strictEqual(triggerExecutionsPerMonth(schedule, 0), 0);
  });
});

describe("replication plan per phase", () => {
  it("normal: secondary replicates primary → secondary; failover: nothing enabled; failback: primary runs the reverse", () => {
    const plan = (role: Role, phase: DrPhase) => replicationPlan(role, phaseState(phase));
    assert.deepStrictEqual(plan("secondary", "normal"), { direction: "primaryToSecondary", enabled: true });
    assert.deepStrictEqual(plan("primary", "normal"), { direction: undefined, enabled: false });
    assert.deepStrictEqual(plan("secondary", "failover"), { direction: "primaryToSecondary", enabled: false });
    assert.deepStrictEqual(plan("primary", "failover"), { direction: undefined, enabled: false });
    assert.deepStrictEqual(plan("secondary", "failback"), { direction: "primaryToSecondary", enabled: false });
    assert.deepStrictEqual(plan("primary", "failback"), { direction: "secondaryToPrimary", enabled: true });
  });

  it("never enables both directions, and enables the one the phase calls for (property)", () => {
    fc.assert(
      fc.property(fc.constantFrom(...DR_PHASES), (phase) => {
        const state = phaseState(phase);
        const enabled = (["primary", "secondary"] as const)
          .map((role) => replicationPlan(role, state))
          .filter((p) => p.enabled)
          .map((p) => p.direction);
        assert.ok(enabled.length <= 1);
        assert.deepStrictEqual(enabled, state.replication === "none" ? [] : [state.replication]);
      }),
    );
  });
});

const byType = (render: StackRender, type: string) => render.resources.filter((r) => r.type === type);
/** The replication component's workflows (business workflows are the site component's). */
const workflowsOf = (render: StackRender) =>
  byType(render, "azure-native:logic:Workflow").filter((r) => r.parent === "replication");
const replicationConnections = (render: StackRender) =>
  byType(render, "azure-native:web:Connection").filter((r) => r.parent === "replication");

type Binding = { id: string; connectionId: string; connectionName: string };

/** Every `$connections` reference of every workflow is bound, to a connection of the right API and account. */
function checkWiring(
  render: StackRender,
  expected: { source: StackRender; target: StackRender; region: string; subscription: string },
) {
  const connections = replicationConnections(render);
  for (const wf of workflowsOf(render)) {
    const definition = wf.inputs.definition as WorkflowDefinition;
    const bindings = (wf.inputs.parameters as { $connections: { value: Record<string, Binding> } }).$connections.value;
    assert.strictEqual(wf.inputs.location, expected.region, "workflow in this stack's region");
    const name = String(wf.inputs.workflowName);
    assert.ok(name.length <= DEFINITION_LIMITS.workflowName && DEFINITION_LIMITS.namePattern.test(name), name);
    const api = /-(x12|edifact|as2)-replication$/.exec(name)?.[1];
    assert.ok(api, name);
    const sides = [
      ...Object.values(definition.triggers).map((t) => ({
        ref: t.inputs.host.connection.name,
        account: expected.source,
      })),
      ...Object.values(definition.actions).map((a) => ({
        ref: a.inputs.host.connection.name,
        account: expected.target,
      })),
    ];
    assert.strictEqual(sides.length, 2);
    const used = new Set<string>();
    for (const side of sides) {
      const key = connectionKeyOf(side.ref);
      assert.ok(key !== undefined, side.ref);
      used.add(key);
      const binding = bindings[key];
      assert.ok(binding, `${name}: $connections['${key}'] is bound`);
      assert.strictEqual(
        binding.id,
        `/subscriptions/${expected.subscription}/providers/Microsoft.Web/locations/${expected.region}/managedApis/${api}`,
      );
      const conn = connections.find((c) => c.inputs.connectionName === binding.connectionName) as RecordedResource;
      assert.ok(conn, `connection ${binding.connectionName} is declared in this stack`);
      assert.strictEqual(
        binding.connectionId,
        `/subscriptions/${expected.subscription}/resourceGroups/${String(conn.inputs.resourceGroupName)}/providers/Microsoft.Web/connections/${binding.connectionName}`,
      );
      assert.strictEqual(conn.inputs.location, expected.region, "connection in the workflow's region");
      const props = conn.inputs.properties as { api: { id: string }; parameterValues: Record<string, string> };
      assert.strictEqual(props.api.id, binding.id, "same managed API");
      assert.strictEqual(
        props.parameterValues.integrationAccountId,
        side.account.outputs.integrationAccountId,
        `${key} points at the ${side.account.stack} account`,
      );
      assert.strictEqual(props.parameterValues.integrationAccountUrl, "[secret]");
      assert.ok(conn.secretInputs.includes("properties"), "the callback URL makes the connection properties a secret");
    }
    assert.deepStrictEqual(Object.keys(bindings).sort(), [...used].sort(), "no unused bindings");
  }
}

describe("replication in the rendered stacks", function () {
  this.timeout(180_000);
  const pairs: Partial<Record<DrPhase, Pair>> = {};
  before(async () => {
    for (const phase of PHASES) pairs[phase] = await pairFor(phase);
  });

  it("secondary, every phase: one workflow per protocol and two connections per protocol, wired primary → secondary", () => {
    for (const phase of PHASES) {
      const { primary, secondary } = pairs[phase]!;
      assert.deepStrictEqual(
        workflowsOf(secondary).map((w) => w.inputs.workflowName),
        ["x12", "edifact", "as2"].map((p) => `logic-b2bdr-prod-northeurope-${p}-replication`),
      );
      assert.strictEqual(replicationConnections(secondary).length, 6);
      checkWiring(secondary, {
        source: primary,
        target: secondary,
        region: "northeurope",
        subscription: "00000000-0000-0000-0000-000000000000",
      });
      const expected = phase === "normal" ? "Enabled" : "Disabled";
      for (const wf of workflowsOf(secondary)) assert.strictEqual(wf.inputs.state, expected, `${phase}`);
    }
  });

  it("primary: reverse replication (secondary → primary, in the primary region) in failback only", () => {
    for (const phase of PHASES) {
      const { primary, secondary } = pairs[phase]!;
      if (phase !== "failback") {
        assert.deepStrictEqual(workflowsOf(primary), [], phase);
        assert.deepStrictEqual(replicationConnections(primary), [], phase);
        continue;
      }
      assert.strictEqual(workflowsOf(primary).length, 3);
      checkWiring(primary, {
        source: secondary,
        target: primary,
        region: "westeurope",
        subscription: "00000000-0000-0000-0000-000000000000",
      });
      for (const wf of workflowsOf(primary)) assert.strictEqual(wf.inputs.state, "Enabled");
    }
  });

  it("the workflows files of the plan are the workflows as sent", () => {
    const secondary = pairs.normal!.secondary;
    for (const wf of workflowsOf(secondary)) assert.ok(wf.inputs.definition && wf.inputs.parameters && wf.inputs.state);
  });

  it("drManifest.workflows.replication names this stack's replication workflows", () => {
    for (const phase of PHASES) {
      for (const render of Object.values(pairs[phase]!)) {
        const manifest = render.outputs.drManifest as { workflows: { replication: string[] } };
        assert.deepStrictEqual(
          manifest.workflows.replication,
          workflowsOf(render).map((w) => w.inputs.workflowName),
        );
      }
    }
  });

  it("alerts on failed runs and failed triggers of every workflow, to an action group with the configured receivers", () => {
    for (const phase of PHASES) {
      const secondary = pairs[phase]!.secondary;
      const [group] = byType(secondary, "azure-native:monitor:ActionGroup");
      assert.deepStrictEqual(group?.inputs.emailReceivers, [
        { emailAddress: "edi-oncall@contoso.example", name: "email-1", useCommonAlertSchema: true },
      ]);
      // The replication component's own alerts (the silent-stop alerts are the monitoring component's).
      const alerts = byType(secondary, "azure-native:monitor:MetricAlert").filter((a) => a.parent === "replication");
      assert.strictEqual(alerts.length, 6);
      for (const wf of workflowsOf(secondary)) {
        const id = `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-b2bdr-prod-northeurope/providers/Microsoft.Logic/workflows/${String(wf.inputs.workflowName)}`;
        const mine = alerts.filter((a) => (a.inputs.scopes as string[])[0] === id);
        const metrics = mine
          .map((a) => (a.inputs.criteria as { allOf: { metricName: string }[] }).allOf[0]?.metricName)
          .sort();
        assert.deepStrictEqual(metrics, ["RunsFailed", "TriggersFailed"]);
        for (const a of mine) {
          assert.strictEqual(a.inputs.enabled, phase === "normal");
          assert.deepStrictEqual(a.inputs.actions, [
            {
              actionGroupId: `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-b2bdr-prod-northeurope/providers/Microsoft.Insights/actionGroups/${String(group?.inputs.actionGroupName)}`,
            },
          ]);
        }
      }
    }
  });

  it("in failover, the secondary makes no invoke against, and reads nothing from, the primary region", () => {
    const { primary, secondary } = pairs.failover!;
    const primaryNames = [
      String(primary.outputs.integrationAccountName),
      String(primary.outputs.resourceGroupName),
      "westeurope",
    ];
    for (const invoke of secondary.invokes) {
      const text = JSON.stringify(invoke.args);
      for (const n of primaryNames) assert.ok(!text.includes(n), `${invoke.token} touches ${n}`);
    }
    // The only read is the StackReference: the state backend, not Azure.
    const reads = secondary.resources.filter((r) => r.type === "pulumi:pulumi:StackReference");
    assert.deepStrictEqual(
      reads.map((r) => r.inputs.name),
      ["organization/b2b-dr/primary"],
    );
    assert.ok(
      !secondary.invokes.some(
        (i) =>
          /:get[A-Z]/.test(i.token.split(":")[2] ?? "") && i.token !== "azure-native:authorization:getClientConfig",
      ),
    );
  });

  it("exports the RPO bound and the billed trigger executions of the enabled schedule", () => {
    const { primary, secondary } = pairs.normal!;
    assert.strictEqual(secondary.outputs.replicationRpoMinutes, 7);
    assert.strictEqual(secondary.outputs.replicationTriggerExecutionsPerMonth, 129_600);
    assert.strictEqual(primary.outputs.replicationTriggerExecutionsPerMonth, 0);
    assert.ok(!("replicationRpoMinutes" in primary.outputs));
    assert.strictEqual(
      pairs.failover!.secondary.outputs.replicationTriggerExecutionsPerMonth,
      0,
      "disabled workflows are not billed",
    );
    assert.strictEqual(pairs.failback!.primary.outputs.replicationTriggerExecutionsPerMonth, 129_600);
  });

  it("protects the forward workflows (a replacement resets trigger state), not the transient reverse ones", () => {
    for (const wf of workflowsOf(pairs.normal!.secondary)) assert.ok(wf.protect);
    for (const wf of workflowsOf(pairs.failback!.primary)) assert.ok(!wf.protect);
  });
});
