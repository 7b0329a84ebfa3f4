/**
 * The policy pack: every policy passes on the rendered sample stacks (both stacks, every phase) and
 * reports a violation on a broken variant. Policies are called directly (the PolicyPack constructor
 * would start the analyzer server).
 */
import * as assert from "assert";
import type {
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { DrPhase } from "../model/config";
import { RecordedResource } from "../plan/engine";
import { StackRender } from "../plan/types";
import * as policies from "../policy/policies";
import { PHASES, pairFor } from "./renders";

/** What the engine would hand a policy: real values where the plan shows `[secret]`. */
function unmask(value: unknown): unknown {
  if (value === "[secret]") return "https://mock.logic.invalid/integrationAccounts/x?sp=%2F%2F%2A&sv=1.0&sig=MOCKED";
  if (Array.isArray(value)) return value.map(unmask);
  if (value !== null && typeof value === "object")
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unmask(v)]));
  return value;
}

function policyResource(r: RecordedResource): PolicyResource {
  return {
    type: r.type,
    name: r.name,
    urn: `urn:pulumi:stack::b2b-dr::${r.type}::${r.name}`,
    props: unmask(r.inputs) as Record<string, unknown>,
    opts: {
      protect: r.protect,
      ignoreChanges: [],
      aliases: [],
      additionalSecretOutputs: [...r.additionalSecretOutputs],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    },
    dependencies: [],
    propertyDependencies: {},
  } as unknown as PolicyResource;
}

function resourcesOf(render: StackRender): PolicyResource[] {
  return render.resources.filter((r) => r.custom).map(policyResource);
}

function runResourcePolicy(policy: ResourceValidationPolicy, resources: readonly PolicyResource[]): string[] {
  const violations: string[] = [];
  for (const r of resources) {
    const args = {
      ...r,
      stackTags: new Map(),
      getConfig: () => ({}),
      notApplicable: () => {
        throw new Error("not applicable");
      },
      isType: () => false,
      asType: () => undefined,
    } as unknown as ResourceValidationArgs;
    const validate = policy.validateResource;
    for (const v of Array.isArray(validate) ? validate : [validate])
      void v?.(args, (message) => violations.push(message));
  }
  return violations;
}

function runStackPolicy(policy: StackValidationPolicy, resources: readonly PolicyResource[]): string[] {
  const violations: string[] = [];
  const args = {
    resources: [...resources],
    stackTags: new Map(),
    getConfig: () => ({}),
    notApplicable: () => {
      throw new Error("not applicable");
    },
  };
  void policy.validateStack(args as Parameters<StackValidationPolicy["validateStack"]>[0], (message) =>
    violations.push(message),
  );
  return violations;
}

/** A deep copy of `resources` with `edit` applied to the resource named `name`. */
function edited(
  resources: readonly PolicyResource[],
  name: string,
  edit: (r: PolicyResource) => void,
): PolicyResource[] {
  const copy = structuredClone(resources.map((r) => ({ ...r }))) as PolicyResource[];
  const target = copy.find((r) => r.name === name);
  assert.ok(target, name);
  edit(target);
  return copy;
}

describe("policy pack", function () {
  this.timeout(120_000);
  const stacks: { phase: DrPhase; render: StackRender }[] = [];
  let secondary: PolicyResource[];
  let primary: PolicyResource[];
  before(async () => {
    for (const phase of PHASES) {
      const pair = await pairFor(phase);
      stacks.push({ phase, render: pair.primary }, { phase, render: pair.secondary });
    }
    secondary = resourcesOf((await pairFor("normal")).secondary);
    primary = resourcesOf((await pairFor("normal")).primary);
  });

  it("every policy passes on both rendered stacks in every phase", () => {
    for (const { phase, render } of stacks) {
      const resources = resourcesOf(render);
      for (const p of policies.resourcePolicies)
        assert.deepStrictEqual(runResourcePolicy(p, resources), [], `${p.name} ${render.stack} ${phase}`);
      for (const p of policies.stackPolicies)
        assert.deepStrictEqual(runStackPolicy(p, resources), [], `${p.name} ${render.stack} ${phase}`);
    }
  });

  it("SKU: refuses Basic in production, allows it on a non-production stack", () => {
    const basic = edited(primary, "b2b-ia", (r) => void ((r.props as { sku: unknown }).sku = { name: "Basic" }));
    assert.match(runResourcePolicy(policies.integrationAccountSku, basic)[0] ?? "", /uses SKU Basic. Use Standard/);
    const nonProd = edited(
      basic,
      "b2b-ia",
      (r) => void ((r.props.tags as Record<string, string>)["b2b-dr-production"] = "false"),
    );
    assert.deepStrictEqual(runResourcePolicy(policies.integrationAccountSku, nonProd), []);
  });

  it("protection: refuses an unprotected integration account", () => {
    const open = edited(primary, "b2b-ia", (r) => void ((r.opts as { protect: boolean }).protect = false));
    assert.match(runResourcePolicy(policies.integrationAccountProtected, open)[0] ?? "", /b2b-ia is not protected/);
  });

  it("sessions: refuses an integration-account session resource", () => {
    const withSession = [
      ...primary,
      { ...primary[0]!, type: "azure-native:logic:IntegrationAccountSession", name: "icn" } as PolicyResource,
    ];
    assert.match(
      runResourcePolicy(policies.noSessionResources, withSession)[0] ?? "",
      /icn declares an integration-account session/,
    );
  });

  it("duplicate checks: refuses an X12 receive agreement without them", () => {
    const off = edited(secondary, "b2b-agreement-Contoso-Fabrikam-X12", (r) => {
      const v = (
        r.props.content as {
          x12: { receiveAgreement: { protocolSettings: { validationSettings: Record<string, boolean> } } };
        }
      ).x12.receiveAgreement.protocolSettings.validationSettings;
      v.checkDuplicateGroupControlNumber = false;
    });
    assert.match(
      runResourcePolicy(policies.receiveDuplicateChecks, off)[0] ?? "",
      /Contoso-Fabrikam-X12: the receive side has checkDuplicateGroupControlNumber off/,
    );
  });

  it("bounds: refuses control numbers outside 1..999999999 or lower > upper", () => {
    const bad = edited(secondary, "b2b-agreement-Contoso-Northwind-EDIFACT", (r) => {
      const e = (
        r.props.content as {
          edifact: { sendAgreement: { protocolSettings: { envelopeSettings: Record<string, number> } } };
        }
      ).edifact.sendAgreement.protocolSettings.envelopeSettings;
      e.groupControlNumberLowerBound = 0;
    });
    assert.match(
      runResourcePolicy(policies.controlNumberBounds, bad)[0] ?? "",
      /sendAgreement: group control numbers 0..999999999/,
    );
  });

  it("callback URLs: refuses a SAS URL in a plain property, or a connection that does not keep it secret", () => {
    const inline = edited(secondary, "b2b-workflow-as2-receive", (r) => {
      (r.props.definition as { actions: Record<string, unknown> }).actions.Post = {
        type: "Http",
        inputs: {
          uri: "https://prod-1.westeurope.logic.azure.com/workflows/1/triggers/manual/paths/invoke?sig=abcdef",
        },
      };
    });
    assert.match(
      runStackPolicy(policies.callbackUrlsSecret, inline)[0] ?? "",
      /a SAS URL \(sig=…\) sits in plain property definition.actions.Post.inputs.uri/,
    );
    const notSecret = edited(
      secondary,
      "replication-x12-primary",
      (r) => void (r.opts as { additionalSecretOutputs: string[] }).additionalSecretOutputs.splice(0),
    );
    assert.match(runStackPolicy(policies.callbackUrlsSecret, notSecret)[0] ?? "", /does not keep properties secret/);
  });

  it("replication: refuses a secondary missing a protocol's workflow, a disabled one in normal, or both directions enabled", () => {
    const missing = secondary.filter((r) => r.name !== "replication-edifact");
    assert.match(
      runStackPolicy(policies.replicationInNormal, missing)[0] ?? "",
      /declares no edifact replication workflow/,
    );
    const disabled = edited(secondary, "replication-x12", (r) => void (r.props.state = "Disabled"));
    assert.match(
      runStackPolicy(policies.replicationInNormal, disabled)[0] ?? "",
      /logic-b2bdr-prod-northeurope-x12-replication is Disabled in phase normal/,
    );
    const both = [
      ...secondary,
      ...edited(
        secondary,
        "replication-as2",
        (r) => void ((r.props.tags as Record<string, string>)["b2b-dr-direction"] = "secondaryToPrimary"),
      ).filter((r) => r.name === "replication-as2"),
    ];
    assert.match(runStackPolicy(policies.replicationInNormal, both)[0] ?? "", /both directions at once/);
  });
});
