/**
 * `npm run catalog -- import` end to end: the real command and the real Azure SDK client against a
 * local HTTPS ARM stand-in (test/arm/fakeAccount.ts) serving a realistic account, then the real
 * catalog loader and the offline plan on the imported catalog.
 */
import { CliRun, runTsCli } from "./support/cli";
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { loadCatalog } from "../model/catalog";
import { prepareJobs, renderPair, renderStack } from "../plan/render";
import type { StackRender } from "../plan/types";
import { ArtifactKind, comparable } from "../importer/normalise";
import { TOKEN } from "./arm/fakeAzure";
import {
  ACCOUNT,
  ACCOUNT_ID,
  RESOURCE_GROUP,
  SUBSCRIPTION,
  VAULT,
  WORKFLOW_ENDPOINT,
  realisticAccount,
} from "./arm/accountFixture";
import { FakeAccountServer } from "./arm/fakeAccount";
import { tempDir } from "./helpers";

type Run = CliRun;

class Harness {
  fake = new FakeAccountServer(realisticAccount());
  url = "";
  caFile = "";
  close: () => Promise<void> = async () => undefined;

  async start(): Promise<this> {
    const s = await this.fake.serve();
    Object.assign(this, { url: s.url, caFile: s.caFile, close: s.close });
    return this;
  }

  run(args: string[], account = ACCOUNT_ID): Promise<Run> {
    return runTsCli("importer/cli.ts", ["import", "--account", account, "--arm-endpoint", this.url, ...args], {
      NODE_EXTRA_CA_CERTS: this.caFile,
      AZURE_ACCESS_TOKEN: TOKEN,
    });
  }
}

const KINDS: Record<string, ArtifactKind> = {
  "azure-native:logic:IntegrationAccountPartner": "partner",
  "azure-native:logic:IntegrationAccountSchema": "schema",
  "azure-native:logic:IntegrationAccountMap": "map",
  "azure-native:logic:IntegrationAccountCertificate": "certificate",
  "azure-native:logic:IntegrationAccountAgreement": "agreement",
};
const NAME_INPUT: Record<ArtifactKind, string> = {
  partner: "partnerName",
  schema: "schemaName",
  map: "mapName",
  certificate: "certificateName",
  agreement: "agreementName",
};
const COLLECTION: Record<ArtifactKind, "partners" | "schemas" | "maps" | "certificates" | "agreements"> = {
  partner: "partners",
  schema: "schemas",
  map: "maps",
  certificate: "certificates",
  agreement: "agreements",
};

/** Every artifact the stand-in serves, next to the one the render declares, in comparable form. */
function pairsOf(render: StackRender, served = realisticAccount()) {
  const out: { kind: ArtifactKind; name: string; live: unknown; declared: unknown }[] = [];
  for (const kind of Object.values(KINDS)) {
    for (const item of served[COLLECTION[kind]]) {
      const res = render.resources.find((r) => KINDS[r.type] === kind && r.inputs[NAME_INPUT[kind]] === item.name);
      out.push({
        kind,
        name: item.name,
        live: comparable(kind, {
          ...item.properties,
          ...(item.content === undefined ? {} : { content: item.content }),
        }),
        declared: res === undefined ? undefined : comparable(kind, res.inputs),
      });
    }
  }
  return out;
}

/** A nested object of the served account, for edits. */
const dig = (o: unknown, ...keys: string[]) =>
  keys.reduce((x, k) => (x as Record<string, unknown>)[k], o) as Record<string, unknown>;

/** The served content of the Contoso-Fabrikam-AS2 agreement. */
const as2Of = (x: Harness) =>
  x.fake.account.agreements.find((a) => a.name === "Contoso-Fabrikam-AS2")!.properties.content;

const listing = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);

describe("catalog import against a local HTTPS ARM", function () {
  this.timeout(180_000);
  let h: Harness;
  beforeEach(async () => (h = await new Harness().start()));
  afterEach(async () => h.close());

  it("import -> validate -> plan gives back the served content of every artifact", async () => {
    const out = path.join(tempDir(), "catalog");
    const r = await h.run(["--out", out, "--json"]);
    assert.strictEqual(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as {
      outcome: string;
      losses: unknown[];
      counts: Record<string, number>;
      adoption: Record<string, string>;
    };
    assert.strictEqual(result.outcome, "written");
    assert.deepStrictEqual(result.losses, []);
    assert.deepStrictEqual(result.counts, {
      partners: 5,
      schemas: 3,
      maps: 2,
      certificates: 2,
      agreements: 5,
      workflows: 0,
    });
    assert.match(r.stderr, /reading integration account contoso-b2b/);
    // Paging: every list was read in more than one page.
    for (const c of ["partners", "agreements"])
      assert.ok(h.fake.requests.filter((q) => q.path.endsWith(`/${c}`)).length >= 3, c);

    const catalog = loadCatalog(out);
    assert.deepStrictEqual(
      catalog.agreements.map((a) => a.name).sort(),
      realisticAccount()
        .agreements.map((a) => a.name)
        .sort(),
    );
    // Minimal: the X12 agreement holds only what differs from the documented defaults.
    const x12 = (
      YAML.parse(fs.readFileSync(path.join(out, "agreements.yaml"), "utf8")) as {
        agreements: Record<string, unknown>[];
      }
    ).agreements.find((a) => a.name === "Contoso-Fabrikam-X12")!;
    assert.deepStrictEqual(x12.settings, { envelopeSettings: { usageIndicator: "Production" } });
    assert.deepStrictEqual(x12.receive, undefined);
    assert.deepStrictEqual(x12.send, {
      acknowledgementSettings: { needFunctionalAcknowledgement: true, needTechnicalAcknowledgement: true },
      envelopeSettings: { interchangeControlNumberLowerBound: 5000 },
    });
    // The private key stays a Key Vault reference.
    assert.deepStrictEqual(catalog.certificates.find((c) => c.name === "contoso-signing")?.privateKey?.keyVault, {
      primary: VAULT,
      secondary: VAULT,
    });

    const pair = await renderPair({ catalog: out });
    const compared = pairsOf(pair.primary);
    assert.strictEqual(compared.length, 17);
    for (const c of compared) assert.deepStrictEqual(c.declared, c.live, `${c.kind} ${c.name}`);
  });
});

describe("catalog import: adoption, re-import and bad input", function () {
  this.timeout(180_000);
  let h: Harness;
  beforeEach(async () => (h = await new Harness().start()));
  afterEach(async () => h.close());

  it("adoption renders the primary with import ids for the existing resources and no new account", async () => {
    const out = path.join(tempDir(), "catalog");
    const r = await h.run(["--out", out, "--json"]);
    assert.strictEqual(r.code, 0, r.stderr);
    const adoption = (JSON.parse(r.stdout) as { adoption: Record<string, string> }).adoption;
    // A real subscription refuses the sample's placeholders (documentation domains): a user replaces
    // them before adopting, and so does this test.
    const partners = path.join(out, "partners.yaml");
    fs.writeFileSync(partners, fs.readFileSync(partners, "utf8").replaceAll(".example", ".com"));
    const jobs = prepareJobs({ catalog: out });
    const config = {
      ...jobs.primary.config,
      ...adoption,
      "b2b-dr:catalogPath": out,
      "b2b-dr:alertEmails": '["edi-oncall@contoso.com"]',
    };
    const primary = await renderStack({ ...jobs.primary, config, subscriptionId: SUBSCRIPTION }, jobs.secondary.guess);
    const accounts = primary.resources.filter((x) => x.type === "azure-native:logic:IntegrationAccount");
    assert.strictEqual(accounts.length, 1);
    assert.strictEqual(accounts[0]!.importId, ACCOUNT_ID);
    assert.strictEqual(accounts[0]!.inputs.integrationAccountName, ACCOUNT);
    const rg = primary.resources.find((x) => x.type === "azure-native:resources:ResourceGroup")!;
    assert.strictEqual(rg.importId, `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RESOURCE_GROUP}`);
    const served = realisticAccount();
    for (const kind of Object.values(KINDS)) {
      for (const item of served[COLLECTION[kind]]) {
        const res = primary.resources.find((x) => KINDS[x.type] === kind && x.inputs[NAME_INPUT[kind]] === item.name);
        assert.strictEqual(res?.importId, `${ACCOUNT_ID}/${COLLECTION[kind]}/${item.name}`, `${kind} ${item.name}`);
      }
    }
    // Never a session; workflows and connections b2b-dr adds are created, not imported.
    assert.ok(!primary.resources.some((x) => /Session/.test(x.type)));
    const imported = primary.resources.filter((x) => x.importId !== undefined).length;
    assert.strictEqual(imported, 2 + 17);
    // Without adoption nothing is imported.
    const plain = await renderStack(jobs.primary, jobs.secondary.guess);
    assert.ok(plain.resources.every((x) => x.importId === undefined));
  });

  it("re-import of a changed account shows the diff and writes nothing, unless --force", async () => {
    const out = path.join(tempDir(), "catalog");
    assert.strictEqual((await h.run(["--out", out])).code, 0);
    // The operator adds what Azure does not know: the agreement's peak traffic.
    const agreementsFile = path.join(out, "agreements.yaml");
    fs.writeFileSync(
      agreementsFile,
      fs
        .readFileSync(agreementsFile, "utf8")
        .replace(
          "  - name: Contoso-Fabrikam-X12\n",
          "  - name: Contoso-Fabrikam-X12\n    traffic: { peakMessagesPerMinute: 20 }\n",
        ),
    );
    const before = fs.readFileSync(path.join(out, "partners.yaml"), "utf8");
    const same = await h.run(["--out", out]);
    assert.strictEqual(same.code, 0, same.stderr);
    assert.match(same.stdout, /is up to date/);
    // A partner added in the portal, and an agreement edited.
    h.fake.account.partners.push({
      name: "Litware",
      properties: {
        partnerType: "B2B",
        content: { b2b: { businessIdentities: [{ qualifier: "ZZ", value: "LITWARE" }] } },
        metadata: {},
      },
    });
    const x12 = h.fake.account.agreements.find((a) => a.name === "Contoso-Fabrikam-X12")!;
    (
      dig(x12.properties.content, "x12", "sendAgreement", "protocolSettings", "envelopeSettings") as Record<
        string,
        unknown
      >
    ).usageIndicator = "Test";
    const changed = await h.run(["--out", out]);
    assert.strictEqual(changed.code, 3, changed.stderr);
    assert.match(changed.stdout, /\+ partners: Litware/);
    assert.match(changed.stdout, /~ agreements: Contoso-Fabrikam-X12/);
    assert.match(changed.stdout, /receive: \(none\) -> \{"envelopeSettings":\{"usageIndicator":"Production"\}\}/);
    assert.match(changed.stderr, /Nothing was written.*--force/);
    assert.strictEqual(fs.readFileSync(path.join(out, "partners.yaml"), "utf8"), before);
    const forced = await h.run(["--out", out, "--force"]);
    assert.strictEqual(forced.code, 0, forced.stderr);
    assert.ok(loadCatalog(out).partners.some((p) => p.name === "Litware"));
    assert.strictEqual(
      loadCatalog(out).agreements.find((a) => a.name === "Contoso-Fabrikam-X12")?.peakMessagesPerMinute,
      20,
    );
    assert.deepStrictEqual(listing(path.dirname(out)), ["catalog"]);
  });

  const cases: { name: string; setup: (h: Harness) => void; account?: string; code: number; message: RegExp }[] = [
    {
      name: "a malformed id",
      setup: () => undefined,
      account: "/subscriptions/x/resourceGroups/rg",
      code: 2,
      message: /is not the ARM id of an integration account/,
    },
    {
      name: "an account that does not exist (404)",
      setup: () => undefined,
      account: ACCOUNT_ID.replace(ACCOUNT, "nope"),
      code: 1,
      message: /HTTP 404, not found.*Fix: check/,
    },
    {
      name: "no permission (403)",
      setup: (x) => x.fake.faults.push({ path: /integrationAccounts\/contoso-b2b$/, status: 403 }),
      code: 1,
      message: /HTTP 403, no permission.*Reader/,
    },
    {
      name: "throttling that does not stop (429)",
      setup: (x) => x.fake.faults.push({ path: /\/agreements$/, status: 429, retryAfter: 0 }),
      code: 1,
      message: /HTTP 429.*throttling.*run the import again/,
    },
    {
      name: "a schema whose content cannot be parsed",
      setup: (x) =>
        void (x.fake.account.schemas[0]!.content =
          "<xs:schema xmlns:xs='http://www.w3.org/2001/XMLSchema'><xs:element"),
      code: 1,
      message: /schema X12_00401_850: the content Azure returned is not well-formed XML/,
    },
    {
      name: "a field the catalog cannot hold (without --accept-lossy)",
      setup: (x) =>
        void (dig(as2Of(x), "aS2", "sendAgreement", "protocolSettings", "envelopeSettings").dispatchMode = "Queue"),
      code: 1,
      message:
        /agreement Contoso-Fabrikam-AS2: content\.aS2\.sendAgreement\.protocolSettings\.envelopeSettings\.dispatchMode is not a field the catalog knows/,
    },
  ];
  for (const c of cases) {
    it(`fails cleanly on ${c.name}, with nothing written`, async () => {
      const parent = tempDir();
      c.setup(h);
      const r = await h.run(["--out", path.join(parent, "catalog")], c.account);
      assert.strictEqual(r.code, c.code, r.stderr);
      assert.match(r.stderr, c.message);
      assert.deepStrictEqual(listing(parent), []);
    });
  }

  it("honours Retry-After on a throttled call, then imports", async () => {
    h.fake.faults.push({ path: /\/partners$/, status: 429, retryAfter: 2, times: 1 });
    const out = path.join(tempDir(), "catalog");
    const r = await h.run(["--out", out]);
    assert.strictEqual(r.code, 0, r.stderr);
    const calls = h.fake.requests.filter((q) => q.path.endsWith("/partners"));
    assert.ok(calls[1]!.at - calls[0]!.at >= 1900, `retried after ${calls[1]!.at - calls[0]!.at} ms`);
  });

  it("--accept-lossy writes the catalog and lists what was left out", async () => {
    dig(as2Of(h), "aS2", "sendAgreement", "protocolSettings", "envelopeSettings").dispatchMode = "Queue";
    const out = path.join(tempDir(), "catalog");
    const r = await h.run(["--out", out, "--accept-lossy", "--json"]);
    assert.strictEqual(r.code, 0, r.stderr);
    const losses = (JSON.parse(r.stdout) as { losses: { artifact: string; field: string }[] }).losses;
    assert.deepStrictEqual(
      losses.map((l) => `${l.artifact} ${l.field}`),
      ["agreement Contoso-Fabrikam-AS2 content.aS2.sendAgreement.protocolSettings.envelopeSettings.dispatchMode"],
    );
    assert.ok(loadCatalog(out).agreements.length === 5);
  });

  it("--workflows exports the linked business workflows with $connections in the catalog's form", async () => {
    // Tailspin sends its MDNs asynchronously to the AS2-Receive workflow (a SAS callback URL).
    const t = h.fake.account.agreements.find((a) => a.name === "Contoso-Tailspin-AS2")!;
    const mdn = dig(t.properties.content, "aS2", "sendAgreement", "protocolSettings", "mdnSettings") as Record<
      string,
      unknown
    >;
    Object.assign(mdn, {
      sendMDNAsynchronously: true,
      receiptDeliveryUrl: `${WORKFLOW_ENDPOINT}/triggers/manual/paths/invoke?api-version=2019-05-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=abcdefghijklmnop`,
    });
    const without = await h.run(["--out", path.join(tempDir(), "catalog")]);
    assert.strictEqual(without.code, 1);
    assert.match(without.stderr, /receiptDeliveryUrl is a SAS callback URL/);
    const out = path.join(tempDir(), "catalog");
    const r = await h.run(["--out", out, "--workflows"]);
    assert.strictEqual(r.code, 0, r.stderr);
    const catalog = loadCatalog(out);
    assert.deepStrictEqual(
      catalog.workflows.map((w) => [w.name, w.connections]),
      [["as2-receive", ["as2", "x12"]]],
    );
    assert.ok(!JSON.stringify(catalog.workflows[0]!.definition).includes("x12_1"));
    assert.strictEqual(
      catalog.agreements.find((a) => a.name === "Contoso-Tailspin-AS2")?.mdnReceiptWorkflow,
      "as2-receive",
    );
    assert.ok(!fs.readFileSync(path.join(out, "agreements.yaml"), "utf8").includes("sig="));
  });
});
