/** Stack config: the schema, the stack files in the repo, and Pulumi.yaml declaring every key. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { CONFIG_KEYS, KNOWN_REGIONS, parseStackConfig } from "../components/config";
import { PROJECT_DIR, assertProblem } from "./helpers";

const base = {
  "b2b-dr:role": "secondary",
  "b2b-dr:region": "northeurope",
  "b2b-dr:environment": "prod",
  "b2b-dr:peerStack": "organization/b2b-dr/primary",
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
    const r = parseStackConfig({ ...base, ...names, "b2b-dr:adopt": true, "azure-native:subscriptionId": sub }, "x");
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

  it("reads engine strings and YAML values alike", () => {
    for (const lock of ["true", true]) {
      const r = parseStackConfig({ ...base, "b2b-dr:lock": lock }, "Pulumi.test.yaml");
      assert.ok(r.ok && r.config.lock === true);
    }
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

  it("requires role, region, environment and peerStack", () => {
    const p = problems({});
    for (const key of ["role", "region", "environment", "peerStack"]) {
      assertProblem(p, { path: `b2b-dr:${key}`, message: /is required/ });
    }
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

  it("reads alertEmails from YAML lists, engine JSON and comma lists; warns when empty; refuses a bad address", () => {
    for (const value of [["a@x.example", "b@x.example"], '["a@x.example","b@x.example"]', "a@x.example, b@x.example"]) {
      const r = parseStackConfig({ ...base, "b2b-dr:alertEmails": value }, "Pulumi.test.yaml");
      assert.ok(r.ok && r.config.alertEmails.join() === "a@x.example,b@x.example", JSON.stringify(value));
      assert.deepStrictEqual(r.warnings, []);
    }
    const empty = parseStackConfig(base, "Pulumi.test.yaml");
    assert.ok(empty.ok && empty.warnings.some((w) => /alertEmails is empty/.test(w)));
    assertProblem(problems({ ...base, "b2b-dr:alertEmails": ["not-an-address"] }), {
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

  it("Pulumi.yaml declares every key, with the same type and description", () => {
    const project = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, "Pulumi.yaml"), "utf8")) as {
      name: string;
      config: Record<string, { type: string; description: string }>;
    };
    assert.strictEqual(project.name, "b2b-dr");
    assert.deepStrictEqual(Object.keys(project.config), Object.keys(CONFIG_KEYS));
    for (const [key, spec] of Object.entries(CONFIG_KEYS)) {
      const items = spec.type === "array" ? { items: { type: "string" } } : {};
      const dflt = "default" in spec ? { default: spec.default } : {};
      assert.deepStrictEqual(
        project.config[key],
        { type: spec.type, description: spec.description, ...items, ...dflt },
        key,
      );
    }
  });

  it("the stack files are valid: paired regions, the right roles, each naming the other as peer", () => {
    const read = (stack: string) => {
      const doc = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), "utf8")) as {
        config: Record<string, unknown>;
      };
      const r = parseStackConfig(doc.config, `Pulumi.${stack}.yaml`);
      assert.ok(r.ok, JSON.stringify(!r.ok && r.problems));
      assert.deepStrictEqual(r.warnings, []);
      return r.config;
    };
    const primary = read("primary");
    const secondary = read("secondary");
    assert.deepStrictEqual([primary.role, secondary.role], ["primary", "secondary"]);
    assert.notStrictEqual(primary.region, secondary.region);
    assert.ok(KNOWN_REGIONS.includes(primary.region) && KNOWN_REGIONS.includes(secondary.region));
    assert.strictEqual(primary.peerStack, "organization/b2b-dr/secondary");
    assert.strictEqual(secondary.peerStack, "organization/b2b-dr/primary");
    assert.strictEqual(primary.drPhase, undefined);
    assert.strictEqual(secondary.drPhase, "normal");
  });
});

describe("README", () => {
  it("documents every config key in the configuration reference", () => {
    const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
    for (const key of Object.keys(CONFIG_KEYS)) assert.match(readme, new RegExp(`^\\| \`${key}\` +\\|`, "m"), key);
  });
});
