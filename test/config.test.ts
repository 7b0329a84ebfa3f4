/** Stack config: the schema, the stack files in the repo, and Pulumi.yaml declaring every key. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { CONFIG_KEYS, KNOWN_REGIONS, parseStackConfig } from "../model/config";
import { mergeStackConfig, projectFileProblems, readProjectFile } from "../model/pulumiProject";
import type { Problem } from "../model/problems";
import { readStackFile } from "../model/stackFile";
import { GENERATED, generatedText } from "../tools/generate";
import { PROJECT_DIR, assertProblem, tempDir } from "./helpers";

const base = {
  "b2b-dr:role": "secondary",
  "b2b-dr:region": "northeurope",
  "b2b-dr:environment": "prod",
};

function problems(raw: Record<string, unknown>) {
  const r = parseStackConfig(raw, "Pulumi.test.yaml");
  assert.ok(!r.ok, "expected the config to be refused");
  return r.problems;
}

describe("config", () => {
  it("applies documented defaults", () => {
    const r = parseStackConfig(base, "Pulumi.test.yaml");
    assert.ok(r.ok);
    assert.deepStrictEqual(r.config, {
      role: "secondary",
      region: "northeurope",
      environment: "prod",
      catalogPath: "catalog",
      peerStack: "organization/b2b-dr/primary",
      drPhase: "normal",
      integrationAccountSku: "Standard",
      protect: true,
      lock: false,
      callbackUrlNotAfter: undefined,
      nonProduction: false,
      keyVaultAccess: undefined,
      replication: {
        frequency: "Minute",
        interval: 1,
        startSyncTime: undefined,
        maxRunMinutes: 1,
        retryCount: 4,
        retryInterval: "PT20S",
      },
      alertEmails: [],
      existingNames: { resourceGroupName: undefined, integrationAccountName: undefined },
      adopt: undefined,
      bump: { decisionMinutes: 15, safetyFactor: 2, minimum: 100 },
    });
  });

  it("adoption: existing names, and adopt only with the subscription of the import ids", () => {
    const names = { "b2b-dr:resourceGroupName": "rg-edi-prod", "b2b-dr:integrationAccountName": "contoso-b2b" };
    const refused = problems({ ...base, ...names, "b2b-dr:adopt": "true" });
    assertProblem(refused, {
      path: "b2b-dr:adopt",
      message: /needs the subscription/,
      fix: /azure-native:subscriptionId/,
    });
    const sub = "6c1f0a4e-3b2d-4e5f-9a8b-7c6d5e4f3a2b";
    const r = parseStackConfig({ ...base, ...names, "b2b-dr:adopt": "true", "azure-native:subscriptionId": sub }, "x");
    assert.ok(r.ok);
    assert.deepStrictEqual(r.config.existingNames, {
      resourceGroupName: "rg-edi-prod",
      integrationAccountName: "contoso-b2b",
    });
    assert.deepStrictEqual(r.config.adopt, { subscriptionId: sub });
    assertProblem(problems({ ...base, "b2b-dr:integrationAccountName": "bad name!" }), {
      path: "b2b-dr:integrationAccountName",
      message: /./,
      fix: /existing integration account's name/,
    });
  });

  it("reads one input shape, the engine's text: a YAML-typed value is refused, not converted", () => {
    const r = parseStackConfig({ ...base, "b2b-dr:lock": "true" }, "Pulumi.test.yaml");
    assert.ok(r.ok && r.config.lock === true);
    assertProblem(problems({ ...base, "b2b-dr:lock": true }), { path: "b2b-dr:lock", value: true, message: /./ });
  });

  it("derives the peer stack from this stack's organization and project unless set", () => {
    const derived = parseStackConfig(base, "x", { organization: "acme", project: "b2b-dr" });
    assert.ok(derived.ok && derived.config.peerStack === "acme/b2b-dr/primary");
    const primary = parseStackConfig({ ...base, "b2b-dr:role": "primary" }, "x", {
      organization: "acme",
      project: "p",
    });
    assert.ok(primary.ok && primary.config.peerStack === "acme/p/secondary");
    const explicit = parseStackConfig({ ...base, "b2b-dr:peerStack": "other/b2b-dr/dr-north" }, "x", {
      organization: "acme",
      project: "b2b-dr",
    });
    assert.ok(explicit.ok && explicit.config.peerStack === "other/b2b-dr/dr-north");
    assertProblem(problems({ ...base, "b2b-dr:peerStack": "just-a-name" }), {
      path: "b2b-dr:peerStack",
      message: /./,
      fix: /<org>\/b2b-dr\/<stack>/,
    });
  });

  it("keyVaultAccess needs the Logic Apps service principal's object id", () => {
    assertProblem(problems({ ...base, "b2b-dr:keyVaultAccess": "true" }), {
      path: "b2b-dr:logicAppsServicePrincipalId",
      message: /required when b2b-dr:keyVaultAccess is true/,
      fix: /az ad sp show --id 7cd684f4-8a78-49b0-91ec-6a35d38739ba/,
    });
    const id = "0b8c6d4e-1f2a-4b3c-9d8e-7f6a5b4c3d2e";
    const r = parseStackConfig(
      { ...base, "b2b-dr:keyVaultAccess": "true", "b2b-dr:logicAppsServicePrincipalId": id },
      "x",
    );
    assert.ok(r.ok);
    assert.deepStrictEqual(r.config.keyVaultAccess, { servicePrincipalId: id });
  });

  it("names the file, key, value and fix of every bad value at once", () => {
    const p = problems({ ...base, "b2b-dr:region": "West Europe", "b2b-dr:drPhase": "panic", "b2b-dr:lok": true });
    assertProblem(p, {
      file: "Pulumi.test.yaml",
      path: "b2b-dr:region",
      value: "West Europe",
      message: /./,
      fix: /westeurope/,
    });
    assertProblem(p, { path: "b2b-dr:drPhase", value: "panic", message: /./, fix: /normal, failover, failback/ });
    assertProblem(p, { path: "b2b-dr:lok", value: true, message: /not a b2b-dr setting/, fix: /lock/ });
    assert.strictEqual(p.length, 3);
  });

  it("requires exactly the keys without a default: role, region and environment", () => {
    const p = problems({});
    for (const key of ["role", "region", "environment"]) {
      assertProblem(p, { path: `b2b-dr:${key}`, message: /is required/ });
    }
    assert.strictEqual(p.length, 3, JSON.stringify(p));
    const required = Object.entries(CONFIG_KEYS)
      .filter(([, spec]) => !("default" in spec))
      .map(([k]) => k);
    assert.deepStrictEqual(required, ["role", "region", "environment"]);
  });

  it("refuses drPhase on the primary: one source of truth", () => {
    const p = problems({ ...base, "b2b-dr:role": "primary", "b2b-dr:drPhase": "failover" });
    assertProblem(p, { path: "b2b-dr:drPhase", message: /one source of truth, the secondary/, fix: /remove/ });
  });

  it("refuses a computed-looking callback expiry that is not an ISO date-time", () => {
    assertProblem(problems({ ...base, "b2b-dr:callbackUrlNotAfter": "next year" }), {
      path: "b2b-dr:callbackUrlNotAfter",
      message: /./,
      fix: /fixed ISO 8601/,
    });
  });

  it("warns about a region it does not know", () => {
    const r = parseStackConfig({ ...base, "b2b-dr:region": "marsnorth" }, "Pulumi.test.yaml");
    assert.ok(r.ok);
    assert.ok(
      r.warnings.some((w) => /region "marsnorth" is not a region b2b-dr knows/.test(w)),
      r.warnings.join("\n"),
    );
  });

  it("reads alertEmails as the engine hands a list over (JSON); warns when empty; refuses a bad address", () => {
    const r = parseStackConfig({ ...base, "b2b-dr:alertEmails": '["a@x.example","b@x.example"]' }, "Pulumi.test.yaml");
    assert.ok(r.ok && r.config.alertEmails.join() === "a@x.example,b@x.example");
    assert.deepStrictEqual(r.warnings, []);
    const empty = parseStackConfig(base, "Pulumi.test.yaml");
    assert.ok(empty.ok && empty.warnings.some((w) => /alertEmails is empty/.test(w)));
    assertProblem(problems({ ...base, "b2b-dr:alertEmails": "a@x.example" }), {
      path: "b2b-dr:alertEmails",
      message: /must be a list/,
    });
    assertProblem(problems({ ...base, "b2b-dr:alertEmails": '["not-an-address"]' }), {
      path: "b2b-dr:alertEmails[0]",
      message: /./,
      fix: /e-mail addresses/,
    });
  });

  it("validates the replication schedule and retry settings", () => {
    const p = problems({
      ...base,
      "b2b-dr:replicationInterval": "0",
      "b2b-dr:replicationRetryInterval": "20 seconds",
      "b2b-dr:replicationFrequency": "Week",
    });
    assertProblem(p, { path: "b2b-dr:replicationInterval", value: "0", message: /./, fix: /1 to 1000/ });
    assertProblem(p, { path: "b2b-dr:replicationRetryInterval", value: "20 seconds", message: /./, fix: /PT20S/ });
    assertProblem(p, {
      path: "b2b-dr:replicationFrequency",
      value: "Week",
      message: /./,
      fix: /Second, Minute, Hour, Day/,
    });
    const ok = parseStackConfig(
      { ...base, "b2b-dr:replicationInterval": "5", "b2b-dr:replicationRetryInterval": "PT1M" },
      "x",
    );
    assert.ok(ok.ok && ok.config.replication.interval === 5 && ok.config.replication.retryInterval === "PT1M");
  });

  it("Pulumi.yaml and docs/configuration.md are generated from the schema and current (`npm run gen`)", async () => {
    for (const g of GENERATED) {
      const committed = fs.readFileSync(path.join(PROJECT_DIR, g.file), "utf8");
      assert.strictEqual(committed, await generatedText(g), `${g.file} is stale: run \`npm run gen\``);
    }
    const project = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as {
      config: Record<string, { type: string; default?: unknown }>;
    };
    assert.deepStrictEqual(Object.keys(project.config), Object.keys(CONFIG_KEYS));
    for (const [key, spec] of Object.entries(CONFIG_KEYS)) {
      assert.strictEqual(project.config[key]?.type, spec.type, key);
      assert.deepStrictEqual(project.config[key]?.default, "default" in spec ? spec.default : undefined, key);
    }
  });
});

/**
 * The Pulumi CLI cannot run here, so its documented rules (model/pulumiProject.ts) are applied to the
 * project and stack files instead: the project schema, then the merge every `preview`/`up` does first.
 */
describe("Pulumi CLI rules on Pulumi.yaml and the stack files", () => {
  it("Pulumi.yaml passes the project schema and the CLI's declaration checks", () => {
    const raw = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as unknown;
    assert.deepStrictEqual(projectFileProblems(raw), []);
  });

  it("the rules catch what the CLI catches (negative controls)", () => {
    const p = projectFileProblems({
      name: "b2b-dr",
      runtime: "nodejs",
      config: {
        a: { type: "array" },
        b: { type: "integer", default: "ten" },
        c: { type: "string", value: "x" },
        d: { type: "map" },
        "aws:region": { type: "string" },
      },
    });
    assertProblem(p, { path: "config.a.items", message: /required for an array/ });
    assertProblem(p, { path: "config.b.default", value: "ten", message: /not of the declared type integer/ });
    assertProblem(p, { path: "config.c.value", message: /not allowed/ });
    assertProblem(p, { path: "config.d.type", value: "map", message: /not a config type/ });
    assertProblem(p, { path: "config.aws:region", message: /another namespace/ });
  });

  for (const stack of ["primary", "secondary"]) {
    it(`Pulumi.${stack}.yaml merges with nothing missing and no type error, and the program accepts it`, () => {
      const problems: Problem[] = [];
      const stackFile = readStackFile(PROJECT_DIR, stack as "primary", problems);
      assert.deepStrictEqual(problems, []);
      assert.ok(stackFile);
      for (const key of Object.keys(CONFIG_KEYS)) assert.ok(`b2b-dr:${key}` in stackFile.raw, key);
      const r = parseStackConfig(stackFile.raw, stackFile.file);
      assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
      assert.deepStrictEqual(r.warnings, []);
    });
  }

  it("a declared key with no default that a stack file lacks stops the deployment, as the CLI does", () => {
    const problems: Problem[] = [];
    const project = readProjectFile(PROJECT_DIR, problems);
    assert.ok(project);
    const strict = { ...project, config: { ...project.config, bumpMinimum: { type: "integer" } } };
    const stack = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.primary.yaml"), "utf8")) as {
      config: Record<string, unknown>;
    };
    mergeStackConfig(strict, stack.config, "Pulumi.primary.yaml", problems);
    assertProblem(problems, {
      file: "Pulumi.primary.yaml",
      path: "b2b-dr:bumpMinimum",
      message: /Stack 'primary' is missing configuration values/,
    });
  });

  it("a stack value of the wrong type is refused with the CLI's rule; integers and booleans may be text", () => {
    const problems: Problem[] = [];
    const project = readProjectFile(PROJECT_DIR, problems);
    assert.ok(project);
    const merged = mergeStackConfig(
      project,
      {
        "b2b-dr:role": "primary",
        "b2b-dr:region": "westeurope",
        "b2b-dr:environment": "prod",
        "b2b-dr:replicationInterval": "5",
        "b2b-dr:lock": "true",
      },
      "Pulumi.x.yaml",
      problems,
    );
    assert.deepStrictEqual(problems, []);
    assert.strictEqual(merged.values["b2b-dr:replicationInterval"], "5");
    mergeStackConfig(project, { "b2b-dr:replicationInterval": "often", "b2b-dr:alertEmails": "a@x" }, "x", problems);
    assertProblem(problems, { path: "b2b-dr:environment, b2b-dr:region, b2b-dr:role", message: /missing/ });
    assertProblem(problems, { path: "b2b-dr:replicationInterval", value: "often", message: /type 'integer'/ });
    assertProblem(problems, { path: "b2b-dr:alertEmails", message: /type 'array<string>'/ });
  });

  it("the stacks are a valid pair: paired regions, the right roles, each deriving the other as peer", () => {
    const read = (stack: "primary" | "secondary") => {
      const problems: Problem[] = [];
      const f = readStackFile(PROJECT_DIR, stack, problems);
      assert.ok(f, JSON.stringify(problems));
      const r = parseStackConfig(f.raw, f.file);
      assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
      return r.config;
    };
    const primary = read("primary");
    const secondary = read("secondary");
    assert.deepStrictEqual([primary.role, secondary.role], ["primary", "secondary"]);
    assert.notStrictEqual(primary.region, secondary.region);
    assert.ok(KNOWN_REGIONS.includes(primary.region) && KNOWN_REGIONS.includes(secondary.region));
    assert.strictEqual(primary.peerStack, "organization/b2b-dr/secondary");
    assert.strictEqual(secondary.peerStack, "organization/b2b-dr/primary");
    // The primary follows the secondary: after the CLI's merge its drPhase is empty, i.e. unset.
    assert.strictEqual(primary.drPhase, undefined);
    assert.strictEqual(secondary.drPhase, "normal");
  });

  it("a stack file with a duplicate key names it", () => {
    const dir = tempDir();
    fs.copyFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
    fs.writeFileSync(
      path.join(dir, "Pulumi.primary.yaml"),
      "config:\n  b2b-dr:role: primary\n  b2b-dr:region: westeurope\n  b2b-dr:region: northeurope\n",
    );
    const problems: Problem[] = [];
    assert.strictEqual(readStackFile(dir, "primary", problems), undefined);
    assertProblem(problems, { path: "(YAML syntax)", line: 4, message: /unique/i });
  });
});
