/**
 * The pack's own tests, run from this folder alone (`npm ci && npm test`, Node's built-in test
 * runner): each policy is called directly on small resources, once passing and once violated.
 * The main suite (test/policy.test.ts) also runs every policy on the program's rendered stacks.
 */
import * as assert from "node:assert";
import { describe, it } from "node:test";
import type {
  PolicyResource,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { CONTROL_NUMBER_MAX, TAG } from "../constants";
import * as policies from "../policies";

type Props = Record<string, unknown>;
const NAME = "logic-b2bdr-prod-northeurope-x12-replication";

function resource(
  type: string,
  name: string,
  props: Props,
  opts: Partial<PolicyResource["opts"]> = {},
): PolicyResource {
  return {
    type,
    name,
    urn: `urn:pulumi:secondary::b2b-dr::${type}::${name}`,
    props,
    opts: { protect: false, ignoreChanges: [], additionalSecretOutputs: [], aliases: [], customTimeouts: {}, ...opts },
    isSecret: () => false,
    dependencies: [],
    propertyDependencies: {},
  } as unknown as PolicyResource;
}

function violations(policy: ResourceValidationPolicy, r: PolicyResource): string[] {
  const out: string[] = [];
  const args = {
    ...r,
    getConfig: () => ({}),
    isType: () => false,
    asType: () => undefined,
  } as unknown as ResourceValidationArgs;
  const validate = policy.validateResource as ResourceValidation;
  void validate(args, (m: string) => out.push(m));
  return out;
}

function stackViolations(policy: StackValidationPolicy, resources: PolicyResource[]): string[] {
  const out: string[] = [];
  void policy.validateStack!({ resources, getConfig: () => ({}) } as never, (m) => out.push(m));
  return out;
}

const account = (sku: string, production: boolean, protect = true) =>
  resource(
    "azure-native:logic:IntegrationAccount",
    "ia",
    { sku: { name: sku }, tags: { [TAG.role]: "secondary", [TAG.production]: String(production) } },
    { protect },
  );

const bounds = (lower: number, upper: number) => ({
  interchangeControlNumberLowerBound: lower,
  interchangeControlNumberUpperBound: upper,
  groupControlNumberLowerBound: 1,
  groupControlNumberUpperBound: 999,
  transactionSetControlNumberLowerBound: 1,
  transactionSetControlNumberUpperBound: 999,
});
const x12Agreement = (checks: boolean, lower = 1, upper = CONTROL_NUMBER_MAX) => {
  const oneWay = {
    protocolSettings: {
      validationSettings: {
        checkDuplicateInterchangeControlNumber: checks,
        checkDuplicateGroupControlNumber: true,
        checkDuplicateTransactionSetControlNumber: true,
      },
      envelopeSettings: bounds(lower, upper),
      acknowledgementSettings: {
        acknowledgementControlNumberLowerBound: 1,
        acknowledgementControlNumberUpperBound: 999,
      },
    },
  };
  return resource("azure-native:logic:IntegrationAccountAgreement", "Contoso-Fabrikam-X12", {
    content: { x12: { receiveAgreement: oneWay, sendAgreement: oneWay } },
  });
};
const replication = (state: string, direction = "primaryToSecondary") =>
  resource("azure-native:logic:Workflow", NAME, {
    workflowName: NAME,
    state,
    tags: { [TAG.purpose]: "replication", [TAG.phase]: "normal", [TAG.direction]: direction },
  });

describe("b2b-dr policy pack", () => {
  it("integration account SKU: Standard, or anything on a non-production stack", () => {
    assert.deepStrictEqual(violations(policies.integrationAccountSku, account("Standard", true)), []);
    assert.deepStrictEqual(violations(policies.integrationAccountSku, account("Free", false)), []);
    assert.match(violations(policies.integrationAccountSku, account("Basic", true)).join(), /uses SKU Basic/);
  });

  it("integration account protected unless non-production", () => {
    assert.deepStrictEqual(violations(policies.integrationAccountProtected, account("Standard", true, true)), []);
    assert.match(
      violations(policies.integrationAccountProtected, account("Standard", true, false)).join(),
      /is not protected/,
    );
  });

  it("no session resources", () => {
    const session = resource("azure-native:logic:IntegrationAccountSession", "s", {});
    assert.match(violations(policies.noSessionResources, session).join(), /declares an integration-account session/);
  });

  it("duplicate checks on X12/EDIFACT receive agreements", () => {
    assert.deepStrictEqual(violations(policies.receiveDuplicateChecks, x12Agreement(true)), []);
    assert.match(
      violations(policies.receiveDuplicateChecks, x12Agreement(false)).join(),
      /checkDuplicateInterchangeControlNumber off/,
    );
  });

  it("control-number bounds within 1..999999999, lower <= upper", () => {
    assert.deepStrictEqual(violations(policies.controlNumberBounds, x12Agreement(true)), []);
    assert.strictEqual(violations(policies.controlNumberBounds, x12Agreement(true, 0, 10)).length, 2, "both sides");
    assert.strictEqual(violations(policies.controlNumberBounds, x12Agreement(true, 10, 5)).length, 2);
  });

  it("SAS URLs only in the sanctioned secret inputs", () => {
    const sas = "https://prod.logic.azure.com/integrationAccounts/x?sv=1.0&sig=abc";
    const connection = (secretOutputs: string[]) =>
      resource(
        "azure-native:web:Connection",
        "c",
        { properties: { parameterValues: { integrationAccountUrl: sas } } },
        { additionalSecretOutputs: secretOutputs },
      );
    assert.deepStrictEqual(stackViolations(policies.callbackUrlsSecret, [connection(["properties"])]), []);
    assert.match(
      stackViolations(policies.callbackUrlsSecret, [connection([])]).join(),
      /does not keep properties secret/,
    );
    const leak = resource("azure-native:logic:Workflow", "w", { definition: { uri: sas } });
    assert.match(stackViolations(policies.callbackUrlsSecret, [leak]).join(), /plain property definition\.uri/);
  });

  it("replication: enabled in phase normal on the secondary, never both directions", () => {
    assert.deepStrictEqual(
      stackViolations(policies.replicationInNormal, [
        account("Standard", true),
        x12Agreement(true),
        replication("Enabled"),
      ]),
      [],
    );
    assert.match(
      stackViolations(policies.replicationInNormal, [
        account("Standard", true),
        x12Agreement(true),
        replication("Disabled"),
      ]).join(),
      /is Disabled in phase normal/,
    );
    assert.match(
      stackViolations(policies.replicationInNormal, [account("Standard", true), x12Agreement(true)]).join(),
      /declares no x12 replication workflow/,
    );
    assert.match(
      stackViolations(policies.replicationInNormal, [
        replication("Enabled"),
        replication("Enabled", "secondaryToPrimary"),
      ]).join(),
      /both directions at once/,
    );
  });

  it("the pack lists every policy once", () => {
    const names = [...policies.resourcePolicies, ...policies.stackPolicies].map((p) => p.name);
    assert.strictEqual(new Set(names).size, names.length, "a policy is listed twice");
    assert.deepStrictEqual([...names].sort(), [
      "b2b-dr-callback-urls-secret",
      "b2b-dr-control-number-bounds",
      "b2b-dr-ingress-no-automatic-failover",
      "b2b-dr-ingress-one-enabled-origin",
      "b2b-dr-integration-account-protected",
      "b2b-dr-integration-account-sku",
      "b2b-dr-no-session-resources",
      "b2b-dr-receive-duplicate-checks",
      "b2b-dr-replication",
    ]);
  });
});
