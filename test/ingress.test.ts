/**
 * Partner ingress (components/ingress.ts): the inbound-flow catalog rules, the rendered resources in
 * every phase (exactly one enabled origin, the active region's), the stable MDN receipt URL, secrets,
 * the rendered inputs checked against the azure-native input types (generated from Microsoft's REST
 * specs for the pinned API versions) and the REST-spec facts they rely on, and the ingress policies.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type * as apimanagement from "@pulumi/azure-native/apimanagement";
import type * as cdn from "@pulumi/azure-native/cdn";
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { loadCatalog } from "../model/catalog";
import { backendServiceUrl, gatewayPolicy, ingressMonthlyFixedCostUsd } from "../components/ingress";
import { phaseState } from "../model/phase";
import { RecordedResource } from "../plan/engine";
import { prepareJobs, renderStack } from "../plan/render";
import { StackRender } from "../plan/types";
import * as policies from "../policy/policies";
import { SAMPLE_CATALOG, assertProblem, catalogCopy, problemsOf } from "./helpers";
import { PHASES, pairFor } from "./renders";

const load = (dir: string) => () => loadCatalog(dir, { displayRoot: path.dirname(dir) });
const ofType = (r: StackRender, type: string) => r.resources.filter((x) => x.type === type);
const outputs = (r: StackRender) => r.rawOutputs as Record<string, unknown>;

describe("ingress: inbound.yaml", () => {
  it("the sample declares one flow, the AS2 receive flow, on the as2-receive Request trigger", () => {
    const c = loadCatalog(SAMPLE_CATALOG);
    assert.deepStrictEqual(c.inbound?.flows, [
      { name: "as2-receive", workflow: "as2-receive", trigger: "manual", path: "/as2", customDomain: undefined },
    ]);
    assert.strictEqual(c.inbound?.publisher?.email, "b2b-ops@contoso.example");
  });

  it("reports every problem at once, each with file, line, path, value and fix", () => {
    const problems = problemsOf(
      load(
        catalogCopy({
          "inbound.yaml": [
            "flows:",
            "  - { name: As2, workflow: nope, path: as2/ }",
            "  - { name: b, workflow: as2-receive, path: /as2 }",
            "  - { name: c, workflow: as2-receive, path: /as2/mdn, customDomain: { hostName: b2b.fabrikam.com, dnsZone: /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/dns/providers/Microsoft.Network/dnszones/contoso.com } }",
            "  - { name: d, workflow: as2-receive, path: /x, customDomain: { hostName: b2b.contoso.com, dnsZone: contoso.com } }",
          ].join("\n"),
        }),
      ),
    );
    assertProblem(problems, {
      file: "inbound.yaml",
      path: "publisher",
      message: /is required when flows are declared/,
      fix: /publisher: \{ name/,
    });
    assertProblem(problems, {
      file: "inbound.yaml",
      path: "flows[0].name",
      line: 2,
      value: "As2",
      message: /not a flow name/,
      fix: /lower-case/,
    });
    assertProblem(problems, {
      path: "flows[0].workflow",
      value: "nope",
      message: /not in workflows.yaml/,
      fix: /use one of: as2-receive/,
    });
    assertProblem(problems, {
      path: "flows[0].path",
      value: "as2/",
      message: /not a partner-facing path/,
      fix: /leading '\/'/,
    });
    assertProblem(problems, {
      path: "flows[2].path",
      value: "/as2/mdn",
      message: /overlaps the path \/as2 of flows\[1\]/,
    });
    assertProblem(problems, {
      path: "flows[2].customDomain.hostName",
      value: "b2b.fabrikam.com",
      message: /not inside the DNS zone contoso.com/,
    });
    assertProblem(problems, {
      path: "flows[3].customDomain.dnsZone",
      value: "contoso.com",
      message: /not the resource id of an Azure DNS zone/,
    });
    assert.strictEqual(problems.length, 7, problems.map((p) => p.path).join(", "));
    for (const p of problems) assert.ok(p.line !== undefined, `${p.path} has a line`);
  });

  it("reports an unknown key with the keys allowed there", () => {
    const problems = problemsOf(
      load(catalogCopy({ "inbound.yaml": (t) => t.replace("path: /as2", "path: /as2\n    extra: 1") })),
    );
    assertProblem(problems, {
      path: "flows[0].extra",
      value: 1,
      message: /not a known setting/,
      fix: /name, workflow, path, customDomain/,
    });
  });

  it("refuses a workflow without a Request trigger", () => {
    const problems = problemsOf(
      load(
        catalogCopy({
          "workflows.yaml": (t) => `${t}\n  - name: batch\n    file: workflows/batch.json\n`,
          "workflows/batch.json": JSON.stringify({
            $schema:
              "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
            contentVersion: "1.0.0.0",
            triggers: { Recurrence: { type: "Recurrence", recurrence: { frequency: "Hour", interval: 1 } } },
            actions: { Wait: { type: "Wait", inputs: { interval: { count: 1, unit: "Second" } }, runAfter: {} } },
          }),
          "inbound.yaml": (t) => `${t}\n  - { name: batch, workflow: batch, path: /batch }\n`,
        }),
      ),
    );
    assertProblem(problems, {
      path: "flows[1].workflow",
      value: "batch",
      message: /without a Request trigger/,
      fix: /as2-receive/,
    });
  });
});

describe("ingress: the offline plan", function () {
  this.timeout(240_000);

  for (const phase of PHASES) {
    it(`phase ${phase}: the secondary declares exactly one enabled origin, the active region's gateway`, async () => {
      const pair = await pairFor(phase);
      const active = phaseState(phase).activeRole;
      assert.deepStrictEqual(
        ofType(pair.primary, "azure-native:cdn:AFDOrigin"),
        [],
        "the primary declares no global resource",
      );
      const origins = ofType(pair.secondary, "azure-native:cdn:AFDOrigin");
      assert.strictEqual(origins.length, 2);
      const enabled = origins.filter((o) => o.inputs.enabledState === "Enabled");
      assert.strictEqual(enabled.length, 1, `${phase}: one enabled origin`);
      assert.strictEqual(enabled[0]!.inputs.originName, `origin-${active}`);
      assert.strictEqual(
        enabled[0]!.inputs.hostName,
        outputs(pair[active]).ingressGatewayHost,
        "the active region's gateway",
      );
      assert.strictEqual(outputs(pair.secondary).ingressActiveRole, active);
      // Routes: one per flow, to the group with the two origins; no health probes anywhere.
      const [group] = ofType(pair.secondary, "azure-native:cdn:AFDOriginGroup");
      assert.strictEqual(group?.inputs.healthProbeSettings, undefined);
      const routes = ofType(pair.secondary, "azure-native:cdn:Route");
      assert.deepStrictEqual(
        routes.map((r) => r.inputs.patternsToMatch),
        [["/as2", "/as2/*"]],
      );
      assert.match(String((routes[0]!.inputs.originGroup as { id: string }).id), /\/originGroups\/og-b2bdr-gateways$/);
    });
  }

  it("each region's gateway: one API per flow, no subscription key, backend = that region's trigger, credentials in secret named values", async () => {
    const pair = await pairFor("normal");
    for (const stack of ["primary", "secondary"] as const) {
      const r = pair[stack];
      const [service] = ofType(r, "azure-native:apimanagement:ApiManagementService");
      assert.deepStrictEqual(service?.inputs.sku, { capacity: 0, name: "Consumption" });
      const [api] = ofType(r, "azure-native:apimanagement:Api");
      assert.strictEqual(api?.inputs.subscriptionRequired, false);
      const workflow = `logic-b2bdr-prod-${stack === "primary" ? "westeurope" : "northeurope"}-as2-receive`;
      assert.strictEqual(api?.inputs.serviceUrl, `https://mock.logic.invalid/workflows/${workflow}/triggers`);
      const values = ofType(r, "azure-native:apimanagement:NamedValue");
      assert.deepStrictEqual(values.map((v) => v.inputs.namedValueId).sort(), [
        "b2bdr-as2-receive-api-version",
        "b2bdr-as2-receive-sig",
        "b2bdr-as2-receive-sp",
        "b2bdr-as2-receive-sv",
        "b2bdr-frontdoor-id",
      ]);
      for (const v of values) {
        assert.strictEqual(v.inputs.secret, true, `${String(v.inputs.namedValueId)} is a secret named value`);
        assert.strictEqual(v.inputs.value, "[secret]");
        assert.deepStrictEqual(v.secretInputs, ["value"]);
      }
      const [policy] = ofType(r, "azure-native:apimanagement:ApiPolicy");
      const xmlText = String(policy?.inputs.value);
      assert.match(xmlText, /<check-header name="X-Azure-FDID"[^>]*>\s*<value>\{\{b2bdr-frontdoor-id\}\}<\/value>/);
      assert.match(
        xmlText,
        /<set-query-parameter name="sig" exists-action="override"><value>\{\{b2bdr-as2-receive-sig\}\}<\/value>/,
      );
      assert.doesNotMatch(xmlText, /MOCKED-SAS-SIGNATURE/, "the signature is never in the policy text");
    }
    // The trigger callback URL is read in each stack from its own workflow only.
    for (const stack of ["primary", "secondary"] as const) {
      const region = stack === "primary" ? "westeurope" : "northeurope";
      const reads = pair[stack].invokes.filter((i) => i.token === "azure-native:logic:listWorkflowTriggerCallbackUrl");
      assert.ok(reads.length > 0);
      for (const i of reads) assert.match(String(i.args.workflowName), new RegExp(`-${region}-`));
    }
  });

  it("phase failover: the secondary reads the primary only through stack outputs (no invoke names the primary region)", async () => {
    const pair = await pairFor("failover");
    for (const i of pair.secondary.invokes) assert.doesNotMatch(JSON.stringify(i.args), /westeurope/);
    const primaryOrigin = ofType(pair.secondary, "azure-native:cdn:AFDOrigin").find(
      (o) => o.inputs.originName === "origin-primary",
    );
    assert.strictEqual(primaryOrigin?.inputs.hostName, outputs(pair.primary).ingressGatewayHost);
    assert.strictEqual(primaryOrigin?.inputs.enabledState, "Disabled");
  });

  it("outputs: one partner URL per flow, the same in both stacks; AS2 MDN receipts use it in both regions", async () => {
    const pair = await pairFor("normal");
    const urls = outputs(pair.secondary).ingressPartnerUrls as Record<string, string>;
    assert.match(urls["as2-receive"] ?? "", /^https:\/\/fde-b2bdr-prod-[0-9a-f]{16}\.z01\.azurefd\.net\/as2$/);
    assert.deepStrictEqual(outputs(pair.primary).ingressPartnerUrls, urls);
    assert.ok(!pair.secondary.secretOutputNames.includes("ingressPartnerUrls"), "no credentials in it: not a secret");
    assert.ok(pair.secondary.secretOutputNames.includes("ingressFrontDoorId"));
    assert.strictEqual(outputs(pair.secondary).ingressMonthlyFixedCostUsd, 35);
    for (const stack of ["primary", "secondary"] as const) {
      const [as2] = ofType(pair[stack], "azure-native:logic:IntegrationAccountAgreement").filter(
        (a) => a.inputs.agreementType === "AS2",
      );
      const send = (
        as2?.inputs.content as {
          aS2: { sendAgreement: { protocolSettings: { mdnSettings: { receiptDeliveryUrl: string } } } };
        }
      ).aS2;
      assert.strictEqual(
        send.sendAgreement.protocolSettings.mdnSettings.receiptDeliveryUrl,
        urls["as2-receive"],
        stack,
      );
    }
  });
});

describe("ingress: a catalog without inbound flows", function () {
  this.timeout(120_000);

  it("declares no ingress, and AS2 MDN receipts keep each region's own callback URL, as a secret", async () => {
    const jobs = prepareJobs({ catalog: catalogCopy({}) });
    fs.rmSync(path.join(jobs.primary.config["b2b-dr:catalogPath"]!, "inbound.yaml"));
    const render = await renderStack(jobs.primary);
    assert.deepStrictEqual(
      render.resources.filter((r) => r.name.startsWith("ingress")),
      [],
    );
    assert.ok(!Object.keys(render.rawOutputs).some((k) => k.startsWith("ingress")));
    const as2 = render.resources.find((r) => r.name === "b2b-agreement-Contoso-Fabrikam-AS2")!;
    assert.ok(as2.secretInputs.includes("content"));
    assert.deepStrictEqual(as2.additionalSecretOutputs, ["content"]);
    const mdn = (
      as2.inputs.content as { aS2: { sendAgreement: { protocolSettings: { mdnSettings: Record<string, unknown> } } } }
    ).aS2.sendAgreement.protocolSettings.mdnSettings;
    assert.strictEqual(mdn.receiptDeliveryUrl, "[secret]");
  });
});

describe("ingress: pure parts", () => {
  it("the gateway policy answers a GET itself, names its region and rewrites to the trigger with named values", () => {
    const text = gatewayPolicy({ name: "as2-receive", trigger: "manual" }, "northeurope");
    assert.match(text, /<when condition="@\(context.Request.Method == &quot;GET&quot;\)">\s*<return-response>/);
    assert.match(text, /<set-header name="x-b2bdr-region" exists-action="override"><value>northeurope<\/value>/);
    assert.match(text, /<rewrite-uri template="\/manual\/paths\/invoke" copy-unmatched-params="false" \/>/);
    for (const part of ["api-version", "sp", "sv", "sig"])
      assert.ok(
        text.includes(
          `<set-query-parameter name="${part}" exists-action="override"><value>{{b2bdr-as2-receive-${part}}}</value></set-query-parameter>`,
        ),
        part,
      );
    assert.doesNotMatch(text, /sig=/, "no query literal: nothing in the plan looks like a SAS signature");
    // The check comes before the probe answer: only Front Door may probe.
    assert.ok(text.indexOf("X-Azure-FDID") < text.indexOf("return-response"));
  });

  it("the backend URL is the callback base path up to /triggers; another shape fails loudly", () => {
    assert.strictEqual(
      backendServiceUrl(
        "https://prod-03.westus.logic.azure.com:443/workflows/c4ed/triggers/manual/paths/invoke",
        "manual",
      ),
      "https://prod-03.westus.logic.azure.com:443/workflows/c4ed/triggers",
    );
    assert.throws(
      () => backendServiceUrl("https://x/workflows/c4ed/triggers/other/paths/invoke", "manual"),
      /expects it to end in/,
    );
  });

  it("fixed monthly cost: the Front Door Standard base fee once, nothing without flows", () => {
    assert.strictEqual(ingressMonthlyFixedCostUsd(1), 35);
    assert.strictEqual(ingressMonthlyFixedCostUsd(3), 35);
    assert.strictEqual(ingressMonthlyFixedCostUsd(0), 0);
  });
});

/**
 * The rendered inputs against the azure-native input types (generated from Microsoft's REST specs
 * for the pinned API versions: Microsoft.Cdn 2025-06-01, Microsoft.ApiManagement 2024-05-01). The
 * `satisfies` lines fail `tsc --noEmit` if a field name or shape is not in the spec's types; the
 * runtime checks below pin the REST-spec facts the design relies on (enum values, required fields).
 */
describe("ingress: rendered inputs against the ARM types", function () {
  this.timeout(240_000);

  const REQUIRED: Record<string, readonly string[]> = {
    // Required properties of the generated Args types (and of the REST spec's create bodies).
    "azure-native:cdn:Profile": ["resourceGroupName", "sku"],
    "azure-native:cdn:AFDEndpoint": ["profileName", "resourceGroupName"],
    "azure-native:cdn:AFDOriginGroup": ["profileName", "resourceGroupName"],
    "azure-native:cdn:AFDOrigin": ["originGroupName", "profileName", "resourceGroupName"],
    "azure-native:cdn:Route": ["endpointName", "profileName", "resourceGroupName"],
    "azure-native:apimanagement:ApiManagementService": ["publisherEmail", "publisherName", "resourceGroupName", "sku"],
    "azure-native:apimanagement:NamedValue": ["displayName", "resourceGroupName", "serviceName"],
    "azure-native:apimanagement:Api": ["path", "resourceGroupName", "serviceName"],
    "azure-native:apimanagement:ApiOperation": [
      "apiId",
      "displayName",
      "method",
      "resourceGroupName",
      "serviceName",
      "urlTemplate",
    ],
    "azure-native:apimanagement:ApiPolicy": ["apiId", "resourceGroupName", "serviceName", "value"],
  };

  it("every rendered input of the new types is a known field of its Args type, with the required ones present", async () => {
    const pair = await pairFor("normal");
    // Compile-time: every key listed is a key of the generated Args type (keysOf); at run time every
    // rendered input must be one of them.
    const argsKeys: Record<string, readonly string[]> = {
      "azure-native:cdn:Profile": keysOf<cdn.ProfileArgs>()([
        "identity",
        "location",
        "logScrubbing",
        "originResponseTimeoutSeconds",
        "profileName",
        "resourceGroupName",
        "sku",
        "tags",
      ]),
      "azure-native:cdn:AFDEndpoint": keysOf<cdn.AFDEndpointArgs>()([
        "autoGeneratedDomainNameLabelScope",
        "enabledState",
        "endpointName",
        "location",
        "profileName",
        "resourceGroupName",
        "tags",
      ]),
      "azure-native:cdn:AFDOriginGroup": keysOf<cdn.AFDOriginGroupArgs>()([
        "authentication",
        "healthProbeSettings",
        "loadBalancingSettings",
        "originGroupName",
        "profileName",
        "resourceGroupName",
        "sessionAffinityState",
        "trafficRestorationTimeToHealedOrNewEndpointsInMinutes",
      ]),
      "azure-native:cdn:AFDOrigin": keysOf<cdn.AFDOriginArgs>()([
        "azureOrigin",
        "enabledState",
        "enforceCertificateNameCheck",
        "hostName",
        "httpPort",
        "httpsPort",
        "originGroupName",
        "originHostHeader",
        "originName",
        "priority",
        "profileName",
        "resourceGroupName",
        "sharedPrivateLinkResource",
        "weight",
      ]),
      "azure-native:cdn:Route": keysOf<cdn.RouteArgs>()([
        "cacheConfiguration",
        "customDomains",
        "enabledState",
        "endpointName",
        "forwardingProtocol",
        "httpsRedirect",
        "linkToDefaultDomain",
        "originGroup",
        "originPath",
        "patternsToMatch",
        "profileName",
        "resourceGroupName",
        "routeName",
        "ruleSets",
        "supportedProtocols",
      ]),
      "azure-native:apimanagement:ApiManagementService": keysOf<apimanagement.ApiManagementServiceArgs>()([
        // The SDK fills these in with their defaults.
        "developerPortalStatus",
        "disableGateway",
        "enableClientCertificate",
        "legacyPortalStatus",
        "natGatewayState",
        "restore",
        "virtualNetworkType",
        "location",
        "publisherEmail",
        "publisherName",
        "resourceGroupName",
        "serviceName",
        "sku",
        "tags",
      ]),
      "azure-native:apimanagement:NamedValue": keysOf<apimanagement.NamedValueArgs>()([
        "displayName",
        "keyVault",
        "namedValueId",
        "resourceGroupName",
        "secret",
        "serviceName",
        "tags",
        "value",
      ]),
      "azure-native:apimanagement:Api": keysOf<apimanagement.ApiArgs>()([
        "apiId",
        "apiType",
        "displayName",
        "path",
        "protocols",
        "resourceGroupName",
        "serviceName",
        "serviceUrl",
        "subscriptionRequired",
      ]),
      "azure-native:apimanagement:ApiOperation": keysOf<apimanagement.ApiOperationArgs>()([
        "apiId",
        "displayName",
        "method",
        "operationId",
        "resourceGroupName",
        "serviceName",
        "urlTemplate",
      ]),
      "azure-native:apimanagement:ApiPolicy": keysOf<apimanagement.ApiPolicyArgs>()([
        "apiId",
        "format",
        "policyId",
        "resourceGroupName",
        "serviceName",
        "value",
      ]),
    };
    for (const stack of [pair.primary, pair.secondary]) {
      for (const [type, keys] of Object.entries(argsKeys)) {
        for (const r of ofType(stack, type)) {
          for (const k of Object.keys(r.inputs))
            assert.ok(keys.includes(k), `${type} ${r.name}: ${k} is not a field of its Args type`);
          for (const k of REQUIRED[type]!)
            assert.ok(r.inputs[k] !== undefined, `${type} ${r.name}: required ${k} missing`);
        }
      }
    }
  });

  it("enum values are the REST spec's (Microsoft.Cdn 2025-06-01, Microsoft.ApiManagement 2024-05-01)", async () => {
    const pair = await pairFor("normal");
    const one = (type: string) => ofType(pair.secondary, type);
    // Each literal is checked against the generated enum type at compile time.
    const sku = "Standard_AzureFrontDoor" satisfies `${cdn.SkuName}` | cdn.SkuName;
    const enabled = ["Enabled", "Disabled"] satisfies `${cdn.EnabledState}`[];
    const protocols = "Https" satisfies `${cdn.AFDEndpointProtocols}`;
    const forwarding = "HttpsOnly" satisfies `${cdn.ForwardingProtocol}`;
    const redirect = "Disabled" satisfies `${cdn.HttpsRedirect}`;
    const link = "Enabled" satisfies `${cdn.LinkToDefaultDomain}`;
    const scope = "TenantReuse" satisfies `${cdn.AutoGeneratedDomainNameLabelScope}`;
    const apimSku = "Consumption" satisfies `${apimanagement.SkuType}`;
    const format = "rawxml" satisfies `${apimanagement.PolicyContentFormat}`;
    const apiType = "http" satisfies `${apimanagement.ApiType}`;
    assert.deepStrictEqual(one("azure-native:cdn:Profile")[0]?.inputs.sku, { name: sku });
    for (const o of one("azure-native:cdn:AFDOrigin"))
      assert.ok((enabled as string[]).includes(String(o.inputs.enabledState)));
    const route = one("azure-native:cdn:Route")[0]!.inputs;
    assert.deepStrictEqual(
      [route.supportedProtocols, route.forwardingProtocol, route.httpsRedirect, route.linkToDefaultDomain],
      [[protocols], forwarding, redirect, link],
    );
    assert.strictEqual(one("azure-native:cdn:AFDEndpoint")[0]?.inputs.autoGeneratedDomainNameLabelScope, scope);
    assert.strictEqual(
      (one("azure-native:apimanagement:ApiManagementService")[0]?.inputs.sku as { name: string }).name,
      apimSku,
    );
    assert.strictEqual(one("azure-native:apimanagement:ApiPolicy")[0]?.inputs.format, format);
    assert.strictEqual(one("azure-native:apimanagement:Api")[0]?.inputs.apiType, apiType);
    // Consumption runs with capacity 0 (the REST spec: "For Consumption SKU capacity must be specified as 0").
    assert.strictEqual(
      (one("azure-native:apimanagement:ApiManagementService")[0]?.inputs.sku as { capacity: number }).capacity,
      0,
    );
    // Front Door profiles and endpoints are global resources.
    assert.strictEqual(one("azure-native:cdn:Profile")[0]?.inputs.location, "Global");
    // Origin priority 1-5, weight 1-1000 (REST spec ranges).
    for (const o of one("azure-native:cdn:AFDOrigin")) {
      assert.ok(Number(o.inputs.priority) >= 1 && Number(o.inputs.priority) <= 5);
      assert.ok(Number(o.inputs.weight) >= 1 && Number(o.inputs.weight) <= 1000);
    }
  });
});

/** A compile-time check that `keys` are all keys of `T` (a typo or a removed field fails tsc). */
function keysOf<T>() {
  return <K extends keyof T & string>(keys: readonly K[]): readonly string[] => keys;
}

describe("ingress: policies", function () {
  this.timeout(240_000);

  function run(policy: StackValidationPolicy, resources: readonly RecordedResource[]): string[] {
    const violations: string[] = [];
    const args = {
      resources: resources.map(
        (r) =>
          ({
            type: r.type,
            name: r.name,
            props: structuredClone(r.inputs),
            opts: { additionalSecretOutputs: [] },
          }) as unknown as PolicyResource,
      ),
    };
    void policy.validateStack(args as unknown as Parameters<StackValidationPolicy["validateStack"]>[0], (m) =>
      violations.push(m),
    );
    return violations;
  }
  const edit = (
    resources: readonly RecordedResource[],
    name: string,
    change: (inputs: Record<string, unknown>) => void,
  ) =>
    resources.map((r) => {
      if (r.name !== name) return r;
      const inputs = structuredClone(r.inputs);
      change(inputs);
      return { ...r, inputs };
    });

  it("pass on the rendered stacks in every phase", async () => {
    for (const phase of PHASES) {
      const pair = await pairFor(phase);
      for (const r of [pair.primary, pair.secondary]) {
        assert.deepStrictEqual(run(policies.ingressNoAutomaticFailover, r.resources), [], `${phase} ${r.stack}`);
        assert.deepStrictEqual(run(policies.ingressOneEnabledOrigin, r.resources), [], `${phase} ${r.stack}`);
      }
    }
  });

  it("refuse health probes and rule sets (automatic failover)", async () => {
    const r = (await pairFor("normal")).secondary.resources;
    const probed = edit(
      r,
      "ingress-origin-group",
      (i) =>
        void (i.healthProbeSettings = {
          probePath: "/",
          probeProtocol: "Https",
          probeRequestType: "HEAD",
          probeIntervalInSeconds: 30,
        }),
    );
    assert.match(run(policies.ingressNoAutomaticFailover, probed)[0] ?? "", /ingress-origin-group has health probes/);
    const ruled = edit(r, "ingress-route-as2-receive", (i) => void (i.ruleSets = [{ id: "/x/ruleSets/override" }]));
    assert.match(
      run(policies.ingressNoAutomaticFailover, ruled)[0] ?? "",
      /route ingress-route-as2-receive has rule sets/,
    );
  });

  it("refuse two enabled origins, none, or one without enabledState (ARM's default is Enabled)", async () => {
    const r = (await pairFor("failover")).secondary.resources;
    const both = edit(r, "ingress-origin-primary", (i) => void (i.enabledState = "Enabled"));
    assert.match(
      run(policies.ingressOneEnabledOrigin, both)[0] ?? "",
      /reaches 2 enabled origins \(ingress-origin-primary, ingress-origin-secondary\)/,
    );
    const none = edit(r, "ingress-origin-secondary", (i) => void (i.enabledState = "Disabled"));
    assert.match(run(policies.ingressOneEnabledOrigin, none)[0] ?? "", /reaches 0 enabled origins \(none\)/);
    const implicit = edit(r, "ingress-origin-primary", (i) => void delete i.enabledState);
    assert.match(run(policies.ingressOneEnabledOrigin, implicit)[0] ?? "", /reaches 2 enabled origins/);
  });
});
