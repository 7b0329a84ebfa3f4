/**
 * The real program, both stacks, through the offline (mock) engine: mirrored artifacts, protection,
 * outputs, the phase switch, determinism and secrets.
 */
import * as assert from "assert";
import { DrPhase } from "../model/config";
import { createMocks, mockCallbackUrl, PLACEHOLDER_SUBSCRIPTION } from "../plan/engine";
import { RenderError, consistentWith, prepareJobs, renderPair, renderStack } from "../plan/render";
import { StackName, StackRender } from "../plan/types";
import { planFiles } from "../plan/write";
import { catalogCopy } from "./helpers";
import { PHASES, Pair, pairFor } from "./renders";

const MIRRORED = [
  "azure-native:logic:IntegrationAccountPartner",
  "azure-native:logic:IntegrationAccountSchema",
  "azure-native:logic:IntegrationAccountMap",
  "azure-native:logic:IntegrationAccountCertificate",
  "azure-native:logic:IntegrationAccountAgreement",
];
const REGIONAL_INPUTS = ["resourceGroupName", "integrationAccountName"];

const renders: Partial<Record<DrPhase, Pair>> = {};
let again: Pair;

function mirrored(render: StackRender) {
  return render.resources
    .filter((r) => MIRRORED.includes(r.type))
    .map((r) => {
      const inputs: Record<string, unknown> = { ...r.inputs };
      for (const k of REGIONAL_INPUTS) delete inputs[k];
      // The private key lives in each region's own Key Vault: the one input that must differ.
      const key = inputs.key as { keyVault?: { id?: string } } | undefined;
      if (key?.keyVault) inputs.key = { ...key, keyVault: { id: "(regional)" } };
      return { type: r.type, name: r.name, inputs };
    });
}

describe("program (offline engine, both stacks)", function () {
  this.timeout(180_000);

  before(async () => {
    for (const phase of PHASES) renders[phase] = await pairFor(phase);
    again = await renderPair({ phase: "normal" });
  });
  const normal = () => renders.normal!;

  it("declares identical partner, schema, map, certificate and agreement names and contents in both accounts", () => {
    const { primary, secondary } = normal();
    const p = mirrored(primary);
    assert.strictEqual(p.length, 13);
    assert.deepStrictEqual(mirrored(secondary), p);
    // ...and the one regional difference is the Key Vault of the private key.
    const vault = (r: StackRender) =>
      (
        r.resources.find((x) => x.name === "b2b-certificate-contoso-signing")?.inputs.key as {
          keyVault: { id: string };
        }
      ).keyVault.id;
    assert.match(vault(primary), /rg-keys-prod-westeurope/);
    assert.match(vault(secondary), /rg-keys-prod-northeurope/);
  });

  it("gives every mirrored artifact its catalog name explicitly", () => {
    const nameKey: Record<string, string> = {
      "azure-native:logic:IntegrationAccountPartner": "partnerName",
      "azure-native:logic:IntegrationAccountSchema": "schemaName",
      "azure-native:logic:IntegrationAccountMap": "mapName",
      "azure-native:logic:IntegrationAccountCertificate": "certificateName",
      "azure-native:logic:IntegrationAccountAgreement": "agreementName",
    };
    const names = normal()
      .secondary.resources.filter((r) => MIRRORED.includes(r.type))
      .map((r) => r.inputs[nameKey[r.type]!]);
    assert.deepStrictEqual(
      [...names].sort(),
      [
        "Contoso",
        "Contoso-Fabrikam-AS2",
        "Contoso-Fabrikam-X12",
        "Contoso-Northwind-EDIFACT",
        "EFACT_D96A_ORDERS",
        "Fabrikam",
        "Northwind",
        "Order_to_Json",
        "X12_00401_810",
        "X12_00401_850",
        "X12_850_to_Order",
        "contoso-signing",
        "fabrikam-as2",
      ].sort(),
    );
  });

  it("never declares an integration-account session (runtime control numbers), in any stack or phase", () => {
    for (const pair of Object.values(renders)) {
      for (const render of Object.values(pair)) {
        assert.ok(!render.resources.some((r) => /IntegrationAccountSession/i.test(r.type)), render.stack);
      }
    }
  });

  it("protects the resource group and the integration account, parents every child to the component", () => {
    for (const render of Object.values(normal())) {
      const byType = (t: string) => render.resources.filter((r) => r.type === t);
      assert.ok(render.resources.find((r) => r.name === "b2b-rg")?.protect);
      assert.ok(byType("azure-native:logic:IntegrationAccount")[0]?.protect);
      for (const r of render.resources.filter((x) => x.type.startsWith("azure-native:"))) {
        const component = r.name.startsWith("replication-")
          ? "replication"
          : /^b2b-(business|workflow)-/.test(r.name)
            ? "b2b-business"
            : r.name.startsWith("state-")
              ? "state"
              : r.name.startsWith("monitoring-")
                ? "monitoring"
                : r.name.startsWith("ingress-")
                  ? "ingress"
                  : "b2b";
        assert.strictEqual(r.parent, component, `${r.name} is a child of its component`);
      }
      const ia = byType("azure-native:logic:IntegrationAccount")[0]!;
      assert.deepStrictEqual(ia.inputs.sku, { name: "Standard" });
      assert.strictEqual(ia.inputs.location, render.outputs.region);
    }
  });

  it("declares a hardened DR state store in each region: Entra ID only, no public access, deterministic name", () => {
    const names = new Set<string>();
    for (const render of Object.values(normal())) {
      const accounts = render.resources.filter((r) => r.type === "azure-native:storage:StorageAccount");
      const containers = render.resources.filter((r) => r.type === "azure-native:storage:BlobContainer");
      assert.strictEqual(accounts.length, 1);
      assert.strictEqual(containers.length, 1);
      const a = accounts[0]!.inputs;
      assert.strictEqual(a.location, render.outputs.region);
      assert.strictEqual(a.kind, "StorageV2");
      assert.deepStrictEqual(a.sku, { name: "Standard_ZRS" });
      assert.strictEqual(a.enableHttpsTrafficOnly, true);
      assert.strictEqual(a.minimumTlsVersion, "TLS1_2");
      assert.strictEqual(a.allowBlobPublicAccess, false);
      assert.strictEqual(a.allowSharedKeyAccess, false);
      assert.match(String(a.accountName), /^[a-z0-9]{3,24}$/);
      assert.strictEqual(containers[0]!.inputs.containerName, "b2b-dr");
      assert.strictEqual(containers[0]!.inputs.publicAccess, "None");
      assert.deepStrictEqual(render.outputs.drStateStore, {
        accountName: a.accountName,
        blobEndpoint: `https://${String(a.accountName)}.blob.core.windows.net/`,
        container: "b2b-dr",
      });
      names.add(String(a.accountName));
    }
    assert.strictEqual(names.size, 2, "one account per region, different names");
  });

  it("makes each agreement wait for the partners, schemas and certificates it names", () => {
    const as2 = normal().primary.resources.find((r) => r.name === "b2b-agreement-Contoso-Fabrikam-AS2")!;
    for (const dep of [
      "b2b-ia",
      "b2b-partner-Contoso",
      "b2b-partner-Fabrikam",
      "b2b-certificate-contoso-signing",
      "b2b-certificate-fabrikam-as2",
    ]) {
      assert.ok(as2.dependsOn.includes(dep), dep);
    }
    const x12 = normal().primary.resources.find((r) => r.name === "b2b-agreement-Contoso-Fabrikam-X12")!;
    assert.ok(x12.dependsOn.includes("b2b-schema-X12_00401_850") && x12.dependsOn.includes("b2b-schema-X12_00401_810"));
  });

  it("exports the drManifest in the exact documented shape (model/manifest.ts), not secret", () => {
    for (const render of Object.values(normal())) {
      const m = render.outputs.drManifest as Record<string, unknown>;
      assert.deepStrictEqual(Object.keys(m).sort(), [
        "agreements",
        "integrationAccount",
        "region",
        "resourceGroupName",
        "role",
        "stateStore",
        "subscriptionId",
        "version",
        "workflows",
      ]);
      assert.deepStrictEqual(m.stateStore, render.outputs.drStateStore);
      assert.strictEqual(m.version, 1);
      assert.strictEqual(m.role, render.stack);
      assert.strictEqual(m.subscriptionId, PLACEHOLDER_SUBSCRIPTION);
      assert.deepStrictEqual(m.integrationAccount, {
        id: render.outputs.integrationAccountId,
        name: render.outputs.integrationAccountName,
      });
      assert.match(
        String(render.outputs.integrationAccountId),
        /^\/subscriptions\/0{8}-0{4}-0{4}-0{4}-0{12}\/resourceGroups\/rg-b2bdr-prod-\w+\/providers\/Microsoft\.Logic\/integrationAccounts\/ia-b2bdr-prod-\w+$/,
      );
      assert.deepStrictEqual((m.workflows as { business: unknown }).business, [
        `logic-b2bdr-prod-${String(render.outputs.region)}-as2-receive`,
      ]);
      const agreements = m.agreements as { name: string; protocol: string; controlNumbers?: Record<string, unknown> }[];
      assert.deepStrictEqual(
        agreements.map((a) => [a.name, a.protocol, a.controlNumbers && Object.keys(a.controlNumbers).sort()]),
        [
          ["Contoso-Fabrikam-X12", "X12", ["group", "interchange", "transactionSet"]],
          ["Contoso-Northwind-EDIFACT", "Edifact", ["group", "interchange", "transactionSet"]],
          ["Contoso-Fabrikam-AS2", "AS2", undefined],
        ],
      );
      assert.ok(!render.secretOutputNames.includes("drManifest"));
    }
  });

  it("exports the callback URL as a secret, and only it", () => {
    for (const render of Object.values(normal())) {
      // The secondary also keeps the Front Door id secret (the gateways admit only requests carrying it).
      assert.deepStrictEqual(
        [...render.secretOutputNames].sort(),
        render.stack === "secondary"
          ? ["ingressFrontDoorId", "integrationAccountCallbackUrl"]
          : ["integrationAccountCallbackUrl"],
      );
      assert.ok(!render.secretOutputNames.includes("drManifest"));
      assert.strictEqual(render.outputs.integrationAccountCallbackUrl, "[secret]");
    }
  });

  it("follows one phase: the secondary's config; the primary reads it from the secondary's outputs", () => {
    const expected: Record<DrPhase, string> = {
      normal: "westeurope",
      failover: "northeurope",
      failback: "northeurope",
    };
    for (const [phase, pair] of Object.entries(renders) as [DrPhase, Pair][]) {
      for (const render of Object.values(pair)) {
        assert.strictEqual(render.outputs.drPhase, phase, `${render.stack} in ${phase}`);
        assert.strictEqual(render.outputs.activeRegion, expected[phase], `${render.stack} in ${phase}`);
      }
    }
  });

  it("makes only the known invokes, each against its own stack's resources", () => {
    for (const pair of Object.values(renders)) {
      for (const render of Object.values(pair)) {
        assert.deepStrictEqual(
          render.invokes.map((i) => i.token),
          [
            "azure-native:authorization:getClientConfig",
            "azure-native:logic:listIntegrationAccountCallbackUrl",
            "azure-native:logic:listWorkflowTriggerCallbackUrl",
          ],
        );
        assert.deepStrictEqual(render.invokes[1]!.args, {
          integrationAccountName: render.outputs.integrationAccountName,
          resourceGroupName: render.outputs.resourceGroupName,
        });
        assert.deepStrictEqual(render.invokes[2]!.args, {
          resourceGroupName: render.outputs.resourceGroupName,
          triggerName: "manual",
          workflowName: `logic-b2bdr-prod-${String(render.outputs.region)}-as2-receive`,
        });
      }
    }
  });

  it("deploys the business workflows in both regions, linked to the region's account, enabled in the active region only", () => {
    for (const [phase, pair] of Object.entries(renders) as [DrPhase, Pair][]) {
      for (const render of Object.values(pair)) {
        const wf = render.resources.find((r) => r.name === "b2b-workflow-as2-receive");
        assert.ok(wf, `${render.stack} ${phase}`);
        assert.deepStrictEqual(wf.inputs.integrationAccount, { id: render.outputs.integrationAccountId });
        const active = render.outputs.activeRegion === render.outputs.region;
        assert.strictEqual(wf.inputs.state, active ? "Enabled" : "Disabled", `${render.stack} ${phase}`);
        const bindings = (
          wf.inputs.parameters as { $connections: { value: Record<string, { connectionName: string }> } }
        ).$connections.value;
        assert.deepStrictEqual(Object.keys(bindings).sort(), ["as2", "x12"]);
        for (const api of ["as2", "x12"]) {
          const conn = render.resources.find((r) => r.inputs.connectionName === bindings[api]!.connectionName)!;
          const props = conn.inputs.properties as { parameterValues: Record<string, string> };
          assert.strictEqual(props.parameterValues.integrationAccountId, render.outputs.integrationAccountId);
        }
      }
      const receiving = Object.values(pair).filter(
        (r) => r.resources.find((x) => x.name === "b2b-workflow-as2-receive")?.inputs.state === "Enabled",
      );
      assert.strictEqual(receiving.length, 1, `exactly one region receives in ${phase}`);
    }
  });

  it("points the AS2 MDN receipt URL at the inbound flow's stable partner URL in both regions (no credentials in it)", () => {
    // Without an inbound flow it is each region's own callback URL, a secret: test/ingress.test.ts.
    const url = (normal().secondary.outputs.ingressPartnerUrls as Record<string, string>)["as2-receive"];
    for (const render of Object.values(normal())) {
      const as2 = render.resources.find((r) => r.name === "b2b-agreement-Contoso-Fabrikam-AS2")!;
      const mdn = (
        as2.inputs.content as { aS2: { sendAgreement: { protocolSettings: { mdnSettings: Record<string, unknown> } } } }
      ).aS2.sendAgreement.protocolSettings.mdnSettings;
      assert.strictEqual(mdn.receiptDeliveryUrl, url);
      assert.match(String(url), /^https:\/\/fde-b2bdr-prod-[0-9a-f]+\.z01\.azurefd\.net\/as2$/);
      assert.strictEqual(mdn.sendMDNAsynchronously, true);
      assert.ok(as2.dependsOn.includes("b2b-workflow-as2-receive"));
    }
  });

  it("renders a fixed point: everything each stack read from the other is what the other publishes", () => {
    for (const [phase, pair] of Object.entries(renders) as [DrPhase, Pair][]) {
      assert.ok(consistentWith(pair.primary, pair.secondary), `primary in ${phase}`);
      assert.ok(consistentWith(pair.secondary, pair.primary), `secondary in ${phase}`);
      for (const key of ["integrationAccountCallbackUrl", "integrationAccountId"]) {
        assert.ok(key in pair.secondary.peerRead, `the secondary reads the primary's ${key} (${phase})`);
      }
      // The standby reads the active region from the other stack; the secondary always reads the
      // primary's region (its Service Health alert watches it).
      assert.ok("region" in pair.secondary.peerRead, phase);
      assert.strictEqual("region" in pair.primary.peerRead, phase !== "normal", phase);
      assert.ok("drStateStore" in pair.primary.peerRead, "the primary reads where the phase authority is");
      assert.ok("drPhase" in pair.primary.peerRead, "the primary reads the phase from the secondary");
    }
  });

  it("needs two renders in every phase: the secondary's config and account predict what the primary reads", async () => {
    const count = async (phase: DrPhase) => {
      let n = 0;
      await renderPair({ phase, onRender: () => void n++ });
      return n;
    };
    assert.strictEqual(await count("normal"), 2);
    assert.strictEqual(await count("failback"), 2, "the guess holds the secondary's account, read in failback");
  });

  it("calls a render stale when a value it read, or its secrecy, differs from what the other stack publishes", () => {
    const { primary, secondary } = normal();
    assert.ok(consistentWith(primary, secondary));
    const id = secondary.rawOutputs.integrationAccountId;
    const reading = (peerRead: Record<string, unknown>, peerReadSecret: string[]) =>
      consistentWith({ ...primary, peerRead, peerReadSecret }, secondary);
    assert.ok(reading({ integrationAccountId: id }, []));
    assert.ok(!reading({ integrationAccountId: `${String(id)}x` }, []), "another value");
    assert.ok(!reading({ integrationAccountId: id }, ["integrationAccountId"]), "read as a secret, published plain");
    assert.ok(!reading({ noSuchOutput: "guessed" }, []), "a guessed output the other stack does not publish");
    assert.ok(reading({ noSuchOutput: undefined }, []), "read as absent, and absent");
  });

  it("renders byte-identical plan files from run to run", () => {
    for (const stack of ["primary", "secondary"] as const) {
      assert.deepStrictEqual(planFiles(again[stack]), planFiles(normal()[stack]));
    }
  });

  it("leaves no secret in plain text in any plan file", () => {
    for (const pair of Object.values(renders)) {
      for (const render of Object.values(pair)) {
        const secret = mockCallbackUrl(
          String(render.outputs.resourceGroupName),
          String(render.outputs.integrationAccountName),
        );
        for (const [file, text] of planFiles(render)) {
          assert.ok(!text.includes(secret), `${render.stack}/${file} holds the callback URL`);
          assert.ok(!/sig=/i.test(text), `${render.stack}/${file} holds a SAS signature`);
        }
      }
    }
  });
});

describe("program: config variations and refusals", function () {
  this.timeout(60_000);
  const job = (stack: StackName, extra: Record<string, string>) => {
    const jobs = prepareJobs({});
    return { ...jobs[stack], config: { ...jobs[stack].config, ...extra } };
  };

  it("adds a CanNotDelete lock when b2b-dr:lock is true", async () => {
    const render = await renderStack(job("primary", { "b2b-dr:lock": "true" }));
    const lock = render.resources.find((r) => r.type === "azure-native:authorization:ManagementLockAtResourceLevel");
    assert.ok(lock);
    assert.strictEqual(lock.inputs.level, "CanNotDelete");
    assert.strictEqual(lock.inputs.resourceName, "ia-b2bdr-prod-westeurope");
    assert.strictEqual(lock.inputs.resourceType, "integrationAccounts");
  });

  it("grants the Logic Apps service principal Key Vault Crypto User on each of the region's vaults when asked", async () => {
    const principal = "0b8c6d4e-1f2a-4b3c-9d8e-7f6a5b4c3d2e";
    const config = { "b2b-dr:keyVaultAccess": "true", "b2b-dr:logicAppsServicePrincipalId": principal };
    const first = await renderStack(job("primary", config));
    const grants = first.resources.filter((r) => r.type === "azure-native:authorization:RoleAssignment");
    assert.strictEqual(grants.length, 1);
    const grant = grants[0]!;
    assert.strictEqual(grant.parent, "keyvault-access");
    assert.match(String(grant.inputs.scope), /\/vaults\/kv-b2bdr-prod-weu$/);
    assert.match(String(grant.inputs.roleDefinitionId), /roleDefinitions\/12338af0-0e69-4776-bea7-57ae8d297424$/);
    assert.strictEqual(grant.inputs.principalId, principal);
    assert.strictEqual(grant.inputs.principalType, "ServicePrincipal");
    assert.match(
      String(grant.inputs.roleAssignmentName),
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    // Deterministic: a second run names it the same (no perpetual diff, no random value).
    const second = await renderStack(job("primary", config));
    const again = second.resources.find((r) => r.type === "azure-native:authorization:RoleAssignment");
    assert.strictEqual(again?.inputs.roleAssignmentName, grant.inputs.roleAssignmentName);
    // Without the setting nothing is granted.
    const none = await renderStack(job("primary", {}));
    assert.ok(!none.resources.some((r) => r.type === "azure-native:authorization:RoleAssignment"));
  });

  it("warns on the Free SKU (no SLA)", async () => {
    const render = await renderStack(job("primary", { "b2b-dr:integrationAccountSku": "Free" }));
    assert.ok(
      render.warnings.some((w) => /Free integration-account tier has no SLA/.test(w)),
      render.warnings.join("\n"),
    );
  });

  it("tells the deployment order when the secondary is deployed before the primary has outputs", async () => {
    await assert.rejects(renderStack(job("secondary", {})), (e: unknown) => {
      assert.ok(e instanceof RenderError && e.userError);
      assert.match(
        e.message,
        /organization\/b2b-dr\/primary has no output integrationAccountId yet.*Run `pulumi up` on the primary stack first/,
      );
      return true;
    });
  });

  it("refuses an invalid catalog inside the program before registering anything", async () => {
    const catalog = catalogCopy({ "partners.yaml": (t) => t.replace("qualifier: ZZZ", "qualifier: QQ") });
    await assert.rejects(renderStack(job("primary", { "b2b-dr:catalogPath": catalog })), (e: unknown) => {
      assert.ok(e instanceof RenderError);
      assert.ok(e.userError, "a RunError: no stack trace");
      assert.strictEqual(e.registered, 0);
      assert.match(e.message, /partners\[2\]\.identities\[0\]\.qualifier = "QQ"/);
      assert.doesNotMatch(e.message, /at .*\.ts:\d+/);
      return true;
    });
  });
});

describe("offline engine", () => {
  const { mocks, recording } = createMocks({ subscriptionId: "sub", peer: () => undefined });
  it("throws on an invoke it does not implement, and records it", () => {
    assert.throws(
      () => mocks.call({ token: "azure-native:logic:getIntegrationAccount", inputs: {} }),
      /does not implement the invoke azure-native:logic:getIntegrationAccount/,
    );
    assert.strictEqual(recording.invokes.at(-1)?.token, "azure-native:logic:getIntegrationAccount");
  });
  it("throws on a resource type it has no id shape for", () => {
    assert.throws(
      () => mocks.newResource({ type: "azure-native:keyvault:Vault", name: "kv", inputs: {}, custom: true }),
      /no ARM id shape/,
    );
  });
  it("throws on an Azure resource without an explicit name", () => {
    assert.throws(
      () =>
        mocks.newResource({
          type: "azure-native:logic:IntegrationAccount",
          name: "ia",
          inputs: { resourceGroupName: "rg" },
          custom: true,
        }),
      /no explicit integrationAccountName/,
    );
  });
  it("builds ARM ids from the configured subscription", () => {
    const r = mocks.newResource({
      type: "azure-native:logic:IntegrationAccountPartner",
      name: "p",
      inputs: { resourceGroupName: "rg", integrationAccountName: "ia", partnerName: "P" },
      custom: true,
    }) as { id: string };
    assert.strictEqual(
      r.id,
      "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Logic/integrationAccounts/ia/partners/P",
    );
  });
});
