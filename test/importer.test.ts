/**
 * `npm run catalog -- import` end to end: the real command and the real Azure SDK client against a
 * local HTTPS ARM stand-in (test/arm/fakeAccount.ts) serving a realistic account, then the real
 * catalog loader and the offline plan on the imported catalog.
 */
import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { loadCatalog } from "../components/catalog";
import { prepareJobs, renderPair, renderStack, configGuess } from "../plan/render";
import type { StackRender } from "../plan/types";
import { ArtifactKind, comparable } from "../importer/normalise";
import { TOKEN } from "./arm/fakeAzure";
import { ACCOUNT, ACCOUNT_ID, RESOURCE_GROUP, SUBSCRIPTION, VAULT, WORKFLOW_ENDPOINT, realisticAccount } from "./arm/accountFixture";
import { FakeAccountServer } from "./arm/fakeAccount";
import { PROJECT_DIR, tempDir } from "./helpers";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

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
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", path.join(PROJECT_DIR, "importer/cli.ts"), "import", "--account", account, "--arm-endpoint", this.url, ...args],
        {
          cwd: PROJECT_DIR,
          env: { ...process.env, NODE_EXTRA_CA_CERTS: this.caFile, AZURE_ACCESS_TOKEN: TOKEN, TS_NODE_TRANSPILE_ONLY: "true" },
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
      child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
      child.on("error", reject);
      child.on("close", (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
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
const NAME_INPUT: Record<ArtifactKind, string> = { partner: "partnerName", schema: "schemaName", map: "mapName", certificate: "certificateName", agreement: "agreementName" };
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
        live: comparable(kind, { ...item.properties, ...(item.content === undefined ? {} : { content: item.content }) }),
        declared: res === undefined ? undefined : comparable(kind, res.inputs),
      });
    }
  }
  return out;
}

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
    const result = JSON.parse(r.stdout) as { outcome: string; losses: unknown[]; counts: Record<string, number>; adoption: Record<string, string> };
    assert.strictEqual(result.outcome, "written");
    assert.deepStrictEqual(result.losses, []);
    assert.deepStrictEqual(result.counts, { partners: 5, schemas: 3, maps: 2, certificates: 2, agreements: 5, workflows: 0 });
    assert.match(r.stderr, /reading integration account contoso-b2b/);
    // Paging: every list was read in more than one page.
    for (const c of ["partners", "agreements"]) assert.ok(h.fake.requests.filter((q) => q.path.endsWith(`/${c}`)).length >= 3, c);

    const catalog = loadCatalog(out);
    assert.deepStrictEqual(catalog.agreements.map((a) => a.name).sort(), realisticAccount().agreements.map((a) => a.name).sort());
    // Minimal: the X12 agreement holds only what differs from the documented defaults.
    const x12 = (YAML.parse(fs.readFileSync(path.join(out, "agreements.yaml"), "utf8")) as { agreements: Record<string, unknown>[] }).agreements.find((a) => a.name === "Contoso-Fabrikam-X12")!;
    assert.deepStrictEqual(x12.settings, { envelopeSettings: { usageIndicator: "Production" } });
    assert.deepStrictEqual(x12.receive, undefined);
    assert.deepStrictEqual(x12.send, {
      acknowledgementSettings: { needFunctionalAcknowledgement: true, needTechnicalAcknowledgement: true },
      envelopeSettings: { interchangeControlNumberLowerBound: 5000 },
    });
    // The private key stays a Key Vault reference.
    assert.deepStrictEqual(catalog.certificates.find((c) => c.name === "contoso-signing")?.privateKey?.keyVault, { primary: VAULT, secondary: VAULT });

    const pair = await renderPair({ catalog: out });
    const compared = pairsOf(pair.primary);
    assert.strictEqual(compared.length, 17);
    for (const c of compared) assert.deepStrictEqual(c.declared, c.live, `${c.kind} ${c.name}`);
  });
});
