/**
 * The catalog loader and validator: the sample catalog loads; every class of bad input is reported
 * with file, path, line where known, value, message and fix; all problems come at once.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { loadCatalog } from "../model/catalog";
import { loadProgramInputs } from "../model/inputs";
import { formatProblem } from "../model/problems";
import { SAMPLE_CATALOG, assertProblem, catalogCopy, problemsOf, tempDir } from "./helpers";

const load = (dir: string) => () => loadCatalog(dir, { displayRoot: path.dirname(dir) });

describe("catalog: the sample", () => {
  it("loads with the partners, artifacts and agreements of all three protocols", () => {
    const c = loadCatalog(SAMPLE_CATALOG);
    assert.deepStrictEqual(
      c.partners.map((p) => [p.name, p.host]),
      [
        ["Contoso", true],
        ["Fabrikam", false],
        ["Northwind", false],
      ],
    );
    assert.deepStrictEqual(c.agreements.map((a) => a.protocol).sort(), ["AS2", "Edifact", "X12"]);
    assert.ok(c.partners.filter((p) => !p.host).length >= 2, "at least two guest partners");
    assert.deepStrictEqual(
      c.maps.map((m) => [m.name, m.mapType]),
      [
        ["X12_850_to_Order", "Xslt"],
        ["Order_to_Json", "Liquid"],
      ],
    );
    assert.strictEqual(
      c.schemas.find((s) => s.name === "X12_00401_850")?.targetNamespace,
      "http://schemas.microsoft.com/BizTalk/EDI/X12/2006",
    );
    const cert = c.certificates.find((x) => x.name === "fabrikam-as2");
    assert.match(cert?.publicCertificate ?? "", /^MII[A-Za-z0-9+/=]+$/, "PEM is turned into base64 DER");
    assert.deepStrictEqual(c.warnings, []);
  });

  it("every schema an agreement references is in the catalog", () => {
    const c = loadCatalog(SAMPLE_CATALOG);
    const names = new Set(c.schemas.map((s) => s.name));
    for (const a of c.agreements)
      for (const r of a.schemaReferences) assert.ok(names.has(r.schemaName ?? ""), r.schemaName);
  });
});

describe("catalog: bad input", () => {
  it("reports a YAML syntax error with its line", () => {
    const dir = catalogCopy({ "partners.yaml": (t) => t.replace("  - name: Fabrikam", "  - name: [Fabrikam") });
    const p = assertProblem(problemsOf(load(dir)), {
      file: "catalog/partners.yaml",
      path: "(YAML syntax)",
      message: /./,
    });
    assert.ok(p.line !== undefined && p.line >= 14, `line ${p.line}`);
  });

  it("reports a duplicate YAML key", () => {
    const dir = catalogCopy({
      "partners.yaml": (t) => t.replace("    host: true\n", "    host: true\n    host: false\n"),
    });
    assertProblem(problemsOf(load(dir)), {
      file: "catalog/partners.yaml",
      path: "(YAML syntax)",
      line: 7,
      message: /unique/i,
    });
  });

  it("reports an unknown key with the keys allowed there", () => {
    const dir = catalogCopy({
      "partners.yaml": (t) => t.replace("  - name: Northwind\n", "  - name: Northwind\n    hots: true\n"),
    });
    assertProblem(problemsOf(load(dir)), {
      file: "catalog/partners.yaml",
      path: "partners[2].hots",
      line: 22,
      value: true,
      message: /not a known setting/,
      fix: /name, host, identities, metadata/,
    });
  });

  it("reports a wrong type", () => {
    const dir = catalogCopy({ "partners.yaml": (t) => t.replace("    host: true", "    host: yes please") });
    assertProblem(problemsOf(load(dir)), {
      path: "partners[0].host",
      value: "yes please",
      message: /wrong type: expected boolean/,
      fix: /give a boolean/,
    });
  });

  it("reports a missing required key", () => {
    const dir = catalogCopy({ "agreements.yaml": (t) => t.replace("    protocol: Edifact\n", "") });
    assertProblem(problemsOf(load(dir)), {
      path: "agreements[1].protocol",
      message: /required/,
      fix: /"X12", "Edifact", "AS2"/,
    });
  });

  it("reports duplicate names, case-insensitively", () => {
    const dir = catalogCopy({ "partners.yaml": (t) => t.replace("name: Northwind", "name: fabrikam") });
    assertProblem(problemsOf(load(dir)), {
      path: "partners[2].name",
      value: "fabrikam",
      message: /duplicates the partner name at partners\[1\]/,
      fix: /unique name/,
    });
  });

  it("reports an agreement naming a partner that does not exist", () => {
    const dir = catalogCopy({
      "agreements.yaml": (t) => t.replace("guest: { partner: Northwind", "guest: { partner: Northwnd"),
    });
    assertProblem(problemsOf(load(dir)), {
      file: "catalog/agreements.yaml",
      path: "agreements[1].guest.partner",
      line: 26,
      value: "Northwnd",
      message: /not in partners.yaml/,
      fix: /Contoso, Fabrikam, Northwind/,
    });
  });

  it("reports an agreement naming an identity the partner does not have", () => {
    const dir = catalogCopy({ "agreements.yaml": (t) => t.replace("value: FABRIKAM }", "value: FABRIKAM2 }") });
    assertProblem(problemsOf(load(dir)), {
      path: "agreements[0].guest",
      value: "ZZ:FABRIKAM2",
      message: /not an identity of partner Fabrikam/,
      fix: /ZZ:FABRIKAM, AS2Identity:fabrikam-as2/,
    });
  });

  it("reports a host that is not a host partner and a qualifier of the wrong protocol", () => {
    const dir = catalogCopy({
      "agreements.yaml": (t) =>
        t.replace(
          "host: { partner: Contoso, qualifier: ZZ, value: CONTOSO }",
          "host: { partner: Contoso, qualifier: AS2Identity, value: contoso-as2 }",
        ),
    });
    assertProblem(problemsOf(load(dir)), {
      path: "agreements[0].host.qualifier",
      value: "AS2Identity",
      message: /not a X12 identity qualifier/,
      fix: /ZZ/,
    });
  });

  it("reports an unknown identity qualifier", () => {
    const dir = catalogCopy({ "partners.yaml": (t) => t.replace("qualifier: ZZZ", "qualifier: QQ") });
    assertProblem(problemsOf(load(dir)), {
      path: "partners[2].identities[0].qualifier",
      value: "QQ",
      message: /not a known business-identity qualifier/,
      fix: /ZZ, 01, 14/,
    });
  });

  it("reports artifact names Azure refuses: characters and length", () => {
    const long = "P".repeat(81);
    const dir = catalogCopy({
      "partners.yaml": (t) => t.replace("name: Northwind", "name: North wind/1"),
      "artifacts.yaml": (t) => t.replace("name: Order_to_Json", `name: ${long}`),
    });
    const problems = problemsOf(load(dir));
    assertProblem(problems, {
      path: "partners[2].name",
      value: "North wind/1",
      message: /characters Azure refuses/,
      fix: /1-80 letters/,
    });
    assertProblem(problems, {
      path: "maps[1].name",
      value: long,
      message: /81 characters long; Azure allows at most 80/,
    });
  });

  it("reports control-number bounds outside 1..999999999 and lower > upper", () => {
    const dir = catalogCopy({
      "agreements.yaml": (t) =>
        t.replace(
          "        groupHeaderAgencyCode: X\n",
          "        groupHeaderAgencyCode: X\n        interchangeControlNumberUpperBound: 1000000000\n        groupControlNumberLowerBound: 500\n        groupControlNumberUpperBound: 100\n",
        ),
    });
    const problems = problemsOf(load(dir));
    assertProblem(problems, {
      path: "agreements[0].send.envelopeSettings.interchangeControlNumberUpperBound",
      value: 1000000000,
      message: /\(send side\) is outside the allowed range 1..999999999/,
    });
    assertProblem(problems, {
      path: "agreements[0].send.envelopeSettings.groupControlNumberLowerBound",
      value: 500,
      message: /greater than groupControlNumberUpperBound \(100\)/,
      fix: /at most/,
    });
  });

  it("reports an EDIFACT prefix + number + suffix longer than 14 characters", () => {
    const dir = catalogCopy({
      "agreements.yaml": (t) =>
        t.replace("interchangeControlNumberPrefix: CT", "interchangeControlNumberPrefix: CONTOSO"),
    });
    assertProblem(problemsOf(load(dir)), {
      path: "agreements[1].send.envelopeSettings.interchangeControlNumberPrefix",
      value: "CONTOSO",
      message: /15 characters; EDIFACT control references are at most 14/,
      fix: /shorten the prefix/,
    });
  });

  it("reports schema and map files that are missing or not well-formed", () => {
    const dir = catalogCopy({
      "artifacts.yaml": (t) => t.replace("schemas/X12_00401_810.xsd", "schemas/missing.xsd"),
      "schemas/EFACT_D96A_ORDERS.xsd": (t) => t.replace("</xs:schema>", ""),
      "maps/X12_850_to_Order.xslt": (t) =>
        t.replace("<xsl:stylesheet", "<stylesheet").replace("</xsl:stylesheet>", "</stylesheet>"),
      "maps/Order_to_Json.liquid": (t) => t.replace("{%- endfor -%}", ""),
    });
    const problems = problemsOf(load(dir));
    assertProblem(problems, {
      path: "schemas[1].file",
      value: "schemas/missing.xsd",
      message: /does not exist/,
      fix: /fix the path/,
    });
    assertProblem(problems, { path: "schemas[2].file", message: /not well-formed XML: .*line \d+/ });
    assertProblem(problems, { path: "maps[0].file", message: /not an XSLT stylesheet/, fix: /xsl:stylesheet/ });
    assertProblem(problems, { path: "maps[1].file", message: /not a well-formed Liquid template/ });
  });

  it("reports a schema file that is XML but not XSD", () => {
    const dir = catalogCopy({ "schemas/X12_00401_850.xsd": '<?xml version="1.0"?><order/>' });
    assertProblem(problemsOf(load(dir)), {
      path: "schemas[0].file",
      message: /not an XML Schema: its root is <order>/,
    });
  });

  it("reports settings that contradict each other: signed MDN without MDN, signing without a certificate", () => {
    const dir = catalogCopy({
      "agreements.yaml": (t) =>
        t
          .replace(
            "      mdnSettings:\n        signMDN: true\n",
            "      mdnSettings:\n        signMDN: true\n        needMDN: false\n",
          )
          .replace("        signingCertificateName: contoso-signing\n", ""),
    });
    const problems = problemsOf(load(dir));
    assertProblem(problems, {
      path: "agreements[2].send.mdnSettings.signMDN",
      message: /signed or asynchronous MDN while needMDN is false/,
    });
    assertProblem(problems, {
      path: "agreements[2].settings.securitySettings.signingCertificateName",
      message: /\(send side\) signing is on .* but no certificate/,
      fix: /contoso-signing, fabrikam-as2/,
    });
  });

  it("refuses a certificate file holding a private key, and a malformed Key Vault id", () => {
    const dir = catalogCopy({
      "certificates/fabrikam-as2.pem": (t) => `${t}-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n`,
      "artifacts.yaml": (t) => t.replace(/primary: \/subscriptions\/\S+/, "primary: kv-b2bdr-prod-weu"),
    });
    const problems = problemsOf(load(dir));
    assertProblem(problems, {
      path: "certificates[1].publicCertificate",
      message: /contains a private key/,
      fix: /Key Vault/,
    });
    assertProblem(problems, {
      path: "certificates[0].privateKey.keyVault.primary",
      value: "kv-b2bdr-prod-weu",
      message: /not a Key Vault resource id/,
    });
  });

  it("reports every problem of every file at once", () => {
    const dir = catalogCopy({
      "partners.yaml": (t) => t.replace("qualifier: ZZZ", "qualifier: QQ"),
      "artifacts.yaml": (t) => t.replace("schemas/X12_00401_810.xsd", "schemas/missing.xsd"),
      "agreements.yaml": (t) => t.replace("usageIndicator: Production", "usageIndicator: Prod"),
    });
    const problems = problemsOf(load(dir));
    const files = new Set(problems.map((p) => path.basename(p.file)));
    assert.deepStrictEqual([...files].sort(), ["agreements.yaml", "artifacts.yaml", "partners.yaml"]);
    assert.ok(problems.length >= 4, `${problems.length} problems`);
    for (const p of problems) assert.match(formatProblem(p), /^catalog\/\w+\.yaml:\d+ {2}\S+/);
  });

  it("reports business workflows that are not valid JSON definitions, or whose connections do not match", () => {
    const dir = catalogCopy({
      "workflows.yaml": (t) =>
        t.replace("connections: [as2, x12]", "connections: [as2]") +
        "  - { name: Broken_Name, file: workflows/broken.json }\n",
      "workflows/broken.json": '{ "triggers": {',
    });
    const problems = problemsOf(load(dir));
    assertProblem(problems, {
      file: "catalog/workflows.yaml",
      path: "workflows[0].connections",
      value: ["as2"],
      message: /references \$connections \["as2","x12"\]/,
      fix: /as2, x12/,
    });
    assertProblem(problems, { path: "workflows[1].name", value: "Broken_Name", message: /not a workflow short name/ });
    assertProblem(problems, { path: "workflows[1].file", message: /not valid JSON/ });
  });

  it("refuses a workflow definition that embeds a SAS signature", () => {
    const dir = catalogCopy({
      "workflows/as2-receive.json": (t) => t.replace('"path": "/decode",', '"path": "/decode?sig=abcdefghijklmnop",'),
    });
    assertProblem(problemsOf(load(dir)), { path: "workflows[0].file", message: /SAS signature/, fix: /parameters/ });
  });

  it("reports an mdnReceiptWorkflow that does not exist or is set on a non-AS2 agreement", () => {
    const dir = catalogCopy({
      "agreements.yaml": (t) =>
        t
          .replace("mdnReceiptWorkflow: as2-receive", "mdnReceiptWorkflow: as2-recieve")
          .replace(
            "    traffic: { peakMessagesPerMinute: 5 }\n",
            "    traffic: { peakMessagesPerMinute: 5 }\n    mdnReceiptWorkflow: as2-receive\n",
          ),
    });
    const problems = problemsOf(load(dir));
    assertProblem(problems, {
      path: "agreements[2].mdnReceiptWorkflow",
      value: "as2-recieve",
      message: /not in workflows.yaml/,
      fix: /as2-receive/,
    });
    assertProblem(problems, { path: "agreements[1].mdnReceiptWorkflow", message: /non-AS2/ });
  });

  it("reads the runbook's missing-session knob (traffic.missingControlNumbers), refusing other values", () => {
    const skip = catalogCopy({
      "agreements.yaml": (t) =>
        t.replace(
          "traffic: { peakMessagesPerMinute: 5 }",
          "traffic: { peakMessagesPerMinute: 5, missingControlNumbers: skip }",
        ),
    });
    const agreements = load(skip)().agreements;
    assert.deepStrictEqual(
      agreements.map((a) => a.missingControlNumbers),
      [undefined, "skip", undefined],
    );
    const bad = catalogCopy({
      "agreements.yaml": (t) =>
        t.replace(
          "traffic: { peakMessagesPerMinute: 5 }",
          "traffic: { peakMessagesPerMinute: 5, missingControlNumbers: later }",
        ),
    });
    assertProblem(problemsOf(load(bad)), {
      path: "agreements[1].traffic.missingControlNumbers",
      value: "later",
      message: /not one of the allowed values/,
      fix: /"create", "skip"/,
    });
  });

  it("reports a catalog directory that does not exist", () => {
    assertProblem(problemsOf(load(path.join(tempDir(), "nothing"))), {
      path: "(directory)",
      message: /does not exist/,
      fix: /catalogPath/,
    });
  });

  it("warns, without failing, when a receive agreement turns a duplicate check off", () => {
    const dir = catalogCopy({
      "agreements.yaml": (t) =>
        t.replace(
          "    send:\n      acknowledgementSettings:",
          "    receive:\n      validationSettings:\n        checkDuplicateGroupControlNumber: false\n    send:\n      acknowledgementSettings:",
        ),
    });
    const c = loadCatalog(dir);
    assert.strictEqual(c.warnings.length, 1);
    assert.match(c.warnings[0] ?? "", /Contoso-Fabrikam-X12 turns off checkDuplicateGroupControlNumber/);
  });
});

describe("catalog against the SKU", () => {
  const config = (sku: string) => ({
    "b2b-dr:role": "primary",
    "b2b-dr:region": "westeurope",
    "b2b-dr:environment": "prod",
    "b2b-dr:peerStack": "organization/b2b-dr/secondary",
    "b2b-dr:catalogPath": SAMPLE_CATALOG,
    "b2b-dr:integrationAccountSku": sku,
  });

  it("refuses Basic for a catalog with more than 1 agreement and 2 partners, naming the fix (never Free for production)", () => {
    assertProblem(
      problemsOf(() => loadProgramInputs(config("Basic"), "Pulumi.primary.yaml", tempDir())),
      {
        file: "Pulumi.primary.yaml",
        path: "b2b-dr:integrationAccountSku",
        value: "Basic",
        message: /3 agreements \(the Basic tier allows 1\), 3 partners \(the Basic tier allows 2\)/,
        fix: /^set b2b-dr:integrationAccountSku to Standard$/,
      },
    );
  });

  it("accepts Standard and Free", () => {
    for (const sku of ["Standard", "Free"])
      assert.ok(loadProgramInputs(config(sku), "Pulumi.primary.yaml", tempDir()).catalog);
  });

  it("the sample catalog files exist where the README says", () => {
    for (const f of ["partners.yaml", "artifacts.yaml", "agreements.yaml"])
      assert.ok(fs.existsSync(path.join(SAMPLE_CATALOG, f)));
  });
});
