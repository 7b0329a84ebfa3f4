/**
 * The partner-ingress switch end to end: the real runbook CLI and the real Azure SDK clients
 * (`@azure/arm-logic`, `@azure/arm-cdn`) against the local HTTPS ARM stand-in, with the Front Door
 * origins and edge of test/arm/fakeFrontDoor.ts (propagation modelled: the edge follows a change
 * only after a few requests). Covers the origin switch, its order against the workflows, the
 * bounded propagation wait with progress, and `status`.
 */
import { standInEdgeArgs } from "./arm/fakeFrontDoor";
import { runTsCli } from "./support/cli";
import { AZURITE_ACCOUNT, Azurite, startAzurite } from "./support/azurite";
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { DrPhase, Role } from "../model/config";
import { FakeAzure, standInEnv } from "./arm/fakeAzure";
import { tempDir } from "./helpers";
import { Pair, pairFor } from "./renders";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

const pairs: Partial<Record<DrPhase, Pair>> = {};
const files: Partial<Record<DrPhase, Record<Role, string>>> = {};
const outputsArgs = (phase: DrPhase) => [
  "--primary-outputs",
  files[phase]!.primary,
  "--secondary-outputs",
  files[phase]!.secondary,
];

describe("runbook: partner ingress against a local HTTPS ARM and Front Door edge", function () {
  this.timeout(240_000);
  let fake: FakeAzure;
  let url = "";
  let caFile = "";
  let close: () => Promise<void> = async () => undefined;
  let auditLog = "";
  let azurite: Azurite | undefined;
  let harness = 0;

  before(async () => {
    azurite = await startAzurite();
    for (const phase of ["normal", "failover", "failback"] as const) pairs[phase] = await pairFor(phase);
  });
  after(async () => azurite?.stop());
  beforeEach(async () => {
    // Each test has its own DR state stores (containers in the shared Azurite) and outputs files.
    const dir = tempDir();
    harness++;
    const container = (role: Role) => `i${harness}-${role}`;
    for (const role of ["primary", "secondary"] as const) await azurite!.containerClient(container(role)).create();
    for (const phase of ["normal", "failover", "failback"] as const) {
      files[phase] = { primary: path.join(dir, `${phase}-p.json`), secondary: path.join(dir, `${phase}-s.json`) };
      for (const role of ["primary", "secondary"] as const)
        fs.writeFileSync(
          files[phase]![role],
          JSON.stringify({
            ...pairs[phase]![role].outputs,
            drStateStore: {
              accountName: AZURITE_ACCOUNT,
              blobEndpoint: azurite!.blobEndpoint,
              container: container(role),
            },
          }),
        );
    }
    fake = new FakeAzure(pairs.normal!);
    // Replication runs are timed by the wall clock, which the fallback's catch-up compares with.
    fake.wallClock = true;
    const s = await fake.serve();
    ({ url, caFile, close } = s);
    auditLog = path.join(tempDir(), "audit.jsonl");
    for (const name of [
      "Contoso-Fabrikam-X12-ICN",
      "Contoso-Fabrikam-X12-GCN",
      "Contoso-Fabrikam-X12-TSCN",
      "Contoso-Northwind-EDIFACT-ICN",
    ])
      fake.setSession("primary", name, 1000);
    fake.replicate();
  });
  afterEach(async () => close());

  const run = (args: string[]): Promise<Run> =>
    runTsCli(
      "runbook/cli.ts",
      [...args, "--arm-endpoint", url, "--audit-log", auditLog, ...standInEdgeArgs(url)],
      {
        ...standInEnv(caFile),
        PATH: "/usr/bin:/bin",
      },
      { timeoutMs: 90_000 },
    );
  const audit = () =>
    fs.existsSync(auditLog)
      ? fs
          .readFileSync(auditLog, "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as { action: string; target: string; account: string })
      : [];
  const origin = (role: Role) => fake.frontDoor!.origins[role].enabledState;
  const business = (role: Role) =>
    (pairs.normal![role].outputs as { drManifest: { workflows: { business: string[] } } }).drManifest.workflows
      .business;
  const state = (role: Role, wf: string) => fake.accounts[role].workflows.get(wf.toLowerCase())?.state;

  it("failover: bump, enable the secondary's workflows, move the origin, wait for propagation, then disable the primary's", async () => {
    assert.strictEqual(fake.frontDoor!.edgeRegion(), "westeurope");
    const r = await run(["failover", "--yes", ...outputsArgs("normal")]);
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    assert.deepStrictEqual([origin("primary"), origin("secondary")], ["Disabled", "Enabled"]);
    assert.strictEqual(fake.frontDoor!.edgeRegion(), "northeurope", "the partner URL reaches the secondary");
    // Order: the bump, the new region's workflows, the new origin before the old one is disabled,
    // and the old region's workflows only after propagation.
    const steps = audit().map((e) => `${e.action} ${e.target}`);
    const at = (re: RegExp) => {
      const i = steps.findIndex((s) => re.test(s));
      assert.ok(i >= 0, `${re} in\n${steps.join("\n")}`);
      return i;
    };
    const lastBump = steps.map((s) => s.startsWith("bump")).lastIndexOf(true);
    assert.ok(lastBump >= 0);
    const enableWf = at(/^enable workflow logic-b2bdr-prod-northeurope-as2-receive$/);
    const enableOrigin = at(/^enable front door origin origin-secondary$/);
    const disableOrigin = at(/^disable front door origin origin-primary$/);
    const disablePrimaryWf = at(/^disable workflow logic-b2bdr-prod-westeurope-as2-receive$/);
    assert.ok(
      lastBump < enableWf &&
        enableWf < enableOrigin &&
        enableOrigin < disableOrigin &&
        disableOrigin < disablePrimaryWf,
      steps.join("\n"),
    );
    // The wait: progress on stderr, bounded, until the edge answered from the secondary three times in a row.
    assert.match(
      r.stderr,
      /waiting for Front Door propagation: \d+s of at most 2700s; origin secondary Enabled, deployment InProgress/,
    );
    assert.match(r.stderr, /edge\/as2 -> westeurope \(0\/3 in a row\)/);
    assert.match(r.stderr, /edge\/as2 -> northeurope \(3\/3 in a row\)/);
    assert.match(r.stdout, /propagated after \d+s: every partner URL reaches northeurope/);
    for (const wf of business("primary")) assert.strictEqual(state("primary", wf), "Disabled");
    for (const wf of business("secondary")) assert.strictEqual(state("secondary", wf), "Enabled");
    // PATCH order on ARM: enable the secondary's origin first.
    const patches = fake.frontDoor!.requests.filter((q) => q.method === "PATCH").map((q) => q.path.split("/").pop());
    assert.deepStrictEqual(patches, ["origin-secondary", "origin-primary"]);

    // A rerun changes no origin (idempotent) and the pulumi up that follows declares the same state.
    const again = await run(["failover", "--yes", ...outputsArgs("normal")]);
    assert.strictEqual(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /origin origin-secondary \(secondary\): already Enabled/);
    assert.strictEqual(fake.frontDoor!.requests.filter((q) => q.method === "PATCH").length, 2);
    fake.deploy(pairs.failover!);
    assert.deepStrictEqual(
      [origin("primary"), origin("secondary")],
      ["Disabled", "Enabled"],
      "the failover phase declares the same",
    );
  });

  it("failover: a propagation that does not finish in time fails (exit 1) with the origins switched; the rerun completes it", async () => {
    fake.frontDoor!.stuck = true;
    const r = await run(["failover", "--yes", "--propagation-timeout", "1", ...outputsArgs("normal")]);
    assert.strictEqual(r.code, 1, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /Front Door has not propagated the switch to northeurope after 1s \(origins not yet deployed; last probe: .*edge\/as2 -> westeurope\)/,
    );
    assert.match(r.stdout, /the origins are already switched/);
    assert.deepStrictEqual([origin("primary"), origin("secondary")], ["Disabled", "Enabled"]);
    // The old region keeps receiving until the switch is confirmed.
    for (const wf of business("primary")) assert.strictEqual(state("primary", wf), "Enabled");
    fake.frontDoor!.stuck = false;
    const again = await run(["failover", "--yes", ...outputsArgs("normal")]);
    assert.strictEqual(again.code, 0, again.stdout + again.stderr);
    for (const wf of business("primary")) assert.strictEqual(state("primary", wf), "Disabled");
    assert.strictEqual(fake.frontDoor!.edgeRegion(), "northeurope");
  });

  it("failover: an origin that cannot be enabled stops the failover before anything is disabled", async () => {
    fake.frontDoor!.failArm = true;
    const r = await run(["failover", "--yes", "--timeout", "5", ...outputsArgs("normal")]);
    assert.strictEqual(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /could not move partner traffic to northeurope: origin origin-secondary: HTTP 503/);
    assert.deepStrictEqual([origin("primary"), origin("secondary")], ["Enabled", "Disabled"]);
    for (const wf of business("primary")) assert.strictEqual(state("primary", wf), "Enabled");
  });

  it("fallback mirrors it: bump the primary, enable its workflows, move the origin back, wait; status follows", async () => {
    await run(["failover", "--yes", ...outputsArgs("normal")]);
    fake.deploy(pairs.failover!);
    await run(["failover", "--yes", ...outputsArgs("failover")]);
    const readyFailover = await run(["status", ...outputsArgs("failover")]);
    assert.match(readyFailover.stdout, /Partner ingress: enabled origin origin-secondary \(secondary, northeurope\)/);
    assert.match(
      readyFailover.stdout,
      /\[ok\] partner URL .*edge\/as2: answered by northeurope \(HTTP 200\), expected northeurope/,
    );

    await run(["fallback", "--yes", ...outputsArgs("failover")]);
    fake.deploy(pairs.failback!);
    fake.autoReplicate = true;
    const r = await run([
      "fallback",
      "--yes",
      "--poll-interval",
      "0.2",
      "--wait-timeout",
      "10",
      ...outputsArgs("failback"),
    ]);
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    assert.deepStrictEqual([origin("primary"), origin("secondary")], ["Enabled", "Disabled"]);
    assert.strictEqual(fake.frontDoor!.edgeRegion(), "westeurope");
    assert.match(r.stderr, /waiting for Front Door propagation: .* -> westeurope \(3\/3 in a row\)/);
    const steps = audit().map((e) => `${e.action} ${e.target}`);
    const lastPrimaryBump = audit()
      .map((e) => e.action === "bump" && e.account === "primary")
      .lastIndexOf(true);
    const enablePrimaryWf = steps.lastIndexOf("enable workflow logic-b2bdr-prod-westeurope-as2-receive");
    const enableOrigin = steps.lastIndexOf("enable front door origin origin-primary");
    assert.ok(lastPrimaryBump < enablePrimaryWf && enablePrimaryWf < enableOrigin, steps.join("\n"));
    assert.match(r.stdout, /pulumi config set b2b-dr:drPhase normal --stack secondary/);

    fake.autoReplicate = false;
    fake.deploy(pairs.normal!);
    const done = await run(["fallback", "--yes", ...outputsArgs("normal")]);
    assert.strictEqual(done.code, 0, done.stdout + done.stderr);
    const ready = await run(["status", ...outputsArgs("normal")]);
    assert.match(ready.stdout, /\[ok\] ingress origin: enabled: primary; expected exactly primary/);
    assert.match(ready.stdout, /\[ok\] partner URL .*: answered by westeurope/);
  });

  it("status: NOT READY (exit 1) when the enabled origin is not the active region's", async () => {
    fake.frontDoor!.origins.secondary.enabledState = "Enabled";
    fake.frontDoor!.origins.primary.enabledState = "Disabled";
    fake.frontDoor!.deploy({ primary: pairs.failover!.primary, secondary: pairs.failover!.secondary });
    const r = await run(["status", ...outputsArgs("normal")]);
    assert.strictEqual(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /\[NOT READY\] ingress origin: enabled: secondary; expected exactly primary/);
    assert.match(r.stdout, /\[NOT READY\] partner URL .*: answered by northeurope \(HTTP 200\), expected westeurope/);
  });
});
