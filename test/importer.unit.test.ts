/** The importer's pure parts: normalisation, minimal overrides, ids and names. */
import * as assert from "assert";
import { buildAgreementContent, loadCatalog } from "../model/catalog";
import type { AgreementSpec } from "../model/catalog";
import { minimalOverrides, workflowShortName } from "../importer/convert";
import { parseAccountId } from "../importer/live";
import { comparableContent, normaliseSettings } from "../importer/normalise";
import { SAMPLE_CATALOG } from "./helpers";

describe("importer: normalisation and minimal overrides", () => {
  it("rebuilds every agreement of the sample catalog from its own content", () => {
    for (const a of loadCatalog(SAMPLE_CATALOG).agreements) {
      const content = buildAgreementContent(a);
      const n = comparableContent(a.protocol, content, "content");
      assert.deepStrictEqual(n.lost, [], a.name);
      assert.deepStrictEqual(n.filled, [], a.name);
      const body = Object.values(n.content)[0] as Record<
        string,
        { protocolSettings: Record<string, Record<string, unknown>> }
      >;
      const settings = (d: "receive" | "send") => {
        const { schemaReferences: _, ...rest } = body[`${d}Agreement`]!.protocolSettings;
        void _;
        return rest;
      };
      const overrides = minimalOverrides(a.protocol, settings("receive"), settings("send"));
      const rebuilt: AgreementSpec = {
        ...a,
        overrides: {
          settings: overrides.settings as never,
          receive: overrides.receive as never,
          send: overrides.send as never,
        },
      };
      assert.deepStrictEqual(buildAgreementContent(rebuilt), content, a.name);
    }
  });

  it("puts a field equal in both directions under settings, and a receive default only under send", () => {
    const base = normaliseSettings("X12", "receive", {}, "r").settings;
    const send = normaliseSettings("X12", "send", {}, "s").settings;
    const receive = structuredClone(base);
    receive.envelopeSettings!.usageIndicator = "Production";
    send.envelopeSettings!.usageIndicator = "Production";
    send.validationSettings!.checkDuplicateInterchangeControlNumber = true; // the receive side's default
    assert.deepStrictEqual(minimalOverrides("X12", receive, send), {
      settings: { envelopeSettings: { usageIndicator: "Production" } },
      send: { validationSettings: { checkDuplicateInterchangeControlNumber: true } },
    });
  });

  it("matches field names case-insensitively, drops empty lists, lists what it cannot hold, fills missing fields", () => {
    const n = normaliseSettings(
      "AS2",
      "send",
      {
        mdnSettings: { signOutboundMdnIfOptional: true, dispatch: "x" },
        envelopeOverrides: [],
        messageFilterList: [{ messageId: "850" }],
      },
      "p",
    );
    assert.strictEqual(n.settings.mdnSettings!.signOutboundMDNIfOptional, true);
    assert.deepStrictEqual(
      n.lost.map((l) => l.path),
      ["p.mdnSettings.dispatch", "p.messageFilterList"],
    );
    assert.ok(n.filled.includes("p.validationSettings.signMessage"));
    assert.ok(!n.filled.some((f) => f.includes("signOutboundMDNIfOptional")));
  });

  it("parses integration account ids and refuses anything else", () => {
    assert.deepStrictEqual(
      parseAccountId(
        "/subscriptions/6c1f0a4e-3b2d-4e5f-9a8b-7c6d5e4f3a2b/resourceGroups/rg-edi/providers/Microsoft.Logic/integrationAccounts/ia-1",
      ),
      {
        subscriptionId: "6c1f0a4e-3b2d-4e5f-9a8b-7c6d5e4f3a2b",
        resourceGroupName: "rg-edi",
        integrationAccountName: "ia-1",
      },
    );
    for (const bad of [
      "",
      "ia-1",
      "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Logic/integrationAccounts/ia",
      "/subscriptions/6c1f0a4e-3b2d-4e5f-9a8b-7c6d5e4f3a2b/resourceGroups/rg/providers/Microsoft.Logic/workflows/w",
    ]) {
      assert.strictEqual(parseAccountId(bad), undefined, bad);
    }
  });

  it("gives workflows catalog short names", () => {
    assert.strictEqual(workflowShortName("logic-b2bdr-prod-westeurope-as2-receive"), "as2-receive");
    assert.strictEqual(workflowShortName("AS2 Receive (Contoso)"), "as2-receive-contoso");
  });
});
