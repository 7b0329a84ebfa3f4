/**
 * Delivery: the GitHub Actions workflows are valid (checked with a workflow validator from the npm
 * registry) and do what the README says; the policy pack is runnable as a pack.
 */
import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { validateWorkflow } from "@action-validator/core";
import * as YAML from "yaml";
import { PROJECT_DIR } from "./helpers";

const DIR = path.join(PROJECT_DIR, ".github", "workflows");
const read = (file: string) => fs.readFileSync(path.join(DIR, file), "utf8");

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  env?: Record<string, string>;
  needs?: string | string[];
  if?: string;
  environment?: string;
  permissions?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown> };
  steps: Step[];
}
interface Workflow {
  env?: Record<string, string>;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}
const parse = (file: string) => YAML.parse(read(file)) as Workflow;
/** Steps that run a Pulumi command (pulumi/actions without a command only installs the CLI). */
const pulumiSteps = (job: Job) =>
  job.steps.filter((s) => s.uses?.startsWith("pulumi/actions@") && s.with?.command !== undefined);

describe("GitHub Actions workflows", () => {
  const files = fs.readdirSync(DIR).filter((f) => f.endsWith(".yml"));

  it("are the three the README describes, and each is valid", () => {
    assert.deepStrictEqual(files.sort(), ["deploy.yml", "pr.yml", "scheduled.yml"]);
    for (const f of files) assert.deepStrictEqual(validateWorkflow(read(f)).errors, [], f);
  });

  it("the validator does catch a broken workflow (negative control)", () => {
    const broken = read("pr.yml").replace("runs-on: ubuntu-latest", "runs-onn: ubuntu-latest");
    assert.ok(validateWorkflow(broken).errors.length > 0);
  });

  it("pull requests: checks, then a preview per stack with the policy pack and a PR comment, over OIDC", () => {
    const wf = parse("pr.yml");
    assert.ok("pull_request" in wf.on);
    const runs = wf.jobs.checks!.steps.map((s) => s.run).filter(Boolean);
    assert.deepStrictEqual(runs, [
      "npm ci",
      "npm run lint",
      "npm run typecheck",
      "npm test",
      "npm run plan",
      "cd policy && npm ci && npm test",
    ]);
    const preview = wf.jobs.preview!;
    assert.strictEqual(preview.needs, "checks");
    assert.deepStrictEqual(preview.strategy?.matrix?.stack, ["primary", "secondary"]);
    assert.deepStrictEqual(preview.permissions, { contents: "read", "id-token": "write", "pull-requests": "write" });
    assert.match(preview.if ?? "", /head\.repo\.full_name == github\.repository/, "no preview for forks");
    const [step] = pulumiSteps(preview);
    assert.deepStrictEqual(
      {
        command: step?.with?.command,
        policyPacks: step?.with?.policyPacks,
        comment: step?.with?.["comment-on-pr"],
        diff: step?.with?.diff,
      },
      { command: "preview", policyPacks: "policy", comment: true, diff: true },
    );
  });

  it("main: up primary, then secondary, behind environments, then primary again and expect-no-changes on both", () => {
    const wf = parse("deploy.yml");
    assert.deepStrictEqual((wf.on.push as { branches: string[] }).branches, ["main"]);
    assert.strictEqual(wf.jobs["up-primary"]!.environment, "production-primary");
    assert.strictEqual(wf.jobs["up-secondary"]!.environment, "production-secondary");
    assert.deepStrictEqual(wf.jobs["up-secondary"]!.needs, ["checks", "up-primary"]);
    assert.strictEqual(wf.jobs.converge!.needs, "up-secondary");
    const converge = pulumiSteps(wf.jobs.converge!);
    assert.deepStrictEqual(
      converge.map((s) => [
        s.with?.command,
        s.with?.["expect-no-changes"] ?? false,
        String(s.with?.["stack-name"]).split("/").pop(),
      ]),
      [
        ["up", false, "primary"],
        ["preview", true, "primary"],
        ["preview", true, "secondary"],
      ],
    );
    for (const job of ["up-primary", "up-secondary", "converge"]) {
      assert.strictEqual(wf.jobs[job]!.permissions?.["id-token"], "write", job);
      assert.strictEqual(pulumiSteps(wf.jobs[job]!)[0]?.with?.policyPacks, "policy", job);
    }
  });

  it("schedule: drift detection (preview --refresh, then the drift gate) and dr status", () => {
    const wf = parse("scheduled.yml");
    assert.ok(Array.isArray(wf.on.schedule));
    const runs = wf.jobs.drift!.steps.map((s) => s.run ?? "");
    const preview = runs.findIndex((r) =>
      /pulumi preview --refresh --json --policy-pack policy --stack "\$STACK_PREFIX\/\$\{\{ matrix\.stack \}\}" > preview\.json/.test(
        r,
      ),
    );
    assert.ok(preview >= 0, "pulumi preview --refresh --json of the matrix stack, with the policy pack");
    assert.strictEqual(runs[preview + 1], "npm run drift -- preview.json", "the drift gate reads it");
    assert.ok(
      wf.jobs.readiness!.steps.some((s) =>
        /npm run dr -- status --primary-outputs primary\.json --secondary-outputs secondary\.json/.test(s.run ?? ""),
      ),
    );
  });

  it("sign in to Azure with OpenID Connect: no stored client secret anywhere", () => {
    for (const f of files) {
      const text = read(f);
      assert.doesNotMatch(text, /client-secret|ARM_CLIENT_SECRET|AZURE_CLIENT_SECRET|creds:/, f);
      assert.match(text, /ARM_USE_OIDC: "true"/, f);
    }
  });
});

/** A step that runs the Pulumi CLI: pulumi/actions with a command, or a shell line calling `pulumi`. */
const runsPulumi = (s: Step) =>
  (s.uses?.startsWith("pulumi/actions@") === true && s.with?.command !== undefined) ||
  /(^|\n|;|&&)\s*(if .*then )?pulumi (preview|up|refresh|login|stack|config)\b/.test(s.run ?? "");
const installsPulumi = (s: Step) => s.uses?.startsWith("pulumi/actions@") === true;
const PASSPHRASE = "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}";

/**
 * What each job running Pulumi lacks for the secrets providers b2b-dr supports (docs/deployment.md):
 * Pulumi Cloud's default provider (PULUMI_ACCESS_TOKEN), `passphrase` (PULUMI_CONFIG_PASSPHRASE from a
 * secret) and `azurekeyvault://` (an Azure sign-in before the first pulumi step), and the CLI installed
 * by pulumi/actions before a shell step calls it.
 */
function secretsProviderGaps(file: string, wf: Workflow): string[] {
  const gaps: string[] = [];
  for (const [name, job] of Object.entries(wf.jobs)) {
    const first = job.steps.findIndex(runsPulumi);
    if (first < 0) continue;
    const env = { ...wf.env, ...job.env };
    if (env.PULUMI_CONFIG_PASSPHRASE !== PASSPHRASE) gaps.push(`${file} ${name}: no PULUMI_CONFIG_PASSPHRASE`);
    if (env.PULUMI_ACCESS_TOKEN !== "${{ secrets.PULUMI_ACCESS_TOKEN }}")
      gaps.push(`${file} ${name}: no PULUMI_ACCESS_TOKEN`);
    const login = job.steps.findIndex((s) => s.uses?.startsWith("azure/login@"));
    if (login < 0 || login > first) gaps.push(`${file} ${name}: no Azure sign-in before pulumi (azurekeyvault)`);
    if (job.permissions?.["id-token"] !== "write" && wf.permissions?.["id-token"] !== "write")
      gaps.push(`${file} ${name}: no id-token: write for the OIDC sign-in`);
    job.steps.forEach((s, i) => {
      if (s.run !== undefined && runsPulumi(s) && !job.steps.slice(0, i).some(installsPulumi))
        gaps.push(`${file} ${name}: step ${i} calls pulumi before pulumi/actions installs it`);
    });
  }
  return gaps;
}

describe("secrets provider, identities and the Pulumi CLI in the workflows", () => {
  const files = ["pr.yml", "deploy.yml", "scheduled.yml"];

  it("every job running pulumi has what the passphrase, azurekeyvault and Pulumi Cloud providers need", () => {
    const jobs = files.flatMap((f) =>
      Object.entries(parse(f).jobs)
        .filter(([, j]) => j.steps.some(runsPulumi))
        .map(([n]) => `${f} ${n}`),
    );
    assert.deepStrictEqual(jobs, [
      "pr.yml preview",
      "deploy.yml up-primary",
      "deploy.yml up-secondary",
      "deploy.yml converge",
      "scheduled.yml drift",
      "scheduled.yml readiness",
    ]);
    assert.deepStrictEqual(
      files.flatMap((f) => secretsProviderGaps(f, parse(f))),
      [],
    );
  });

  it("the check finds a job without the passphrase, without a sign-in first, or calling an uninstalled CLI (negative controls)", () => {
    const noPassphrase = parse("deploy.yml");
    delete noPassphrase.env!.PULUMI_CONFIG_PASSPHRASE;
    assert.deepStrictEqual(
      secretsProviderGaps("deploy.yml", noPassphrase).filter((g) => /PASSPHRASE/.test(g)).length,
      3,
    );
    const lateLogin = parse("pr.yml");
    const steps = lateLogin.jobs.preview!.steps;
    steps.push(
      steps.splice(
        steps.findIndex((s) => s.uses?.startsWith("azure/login@")),
        1,
      )[0]!,
    );
    assert.deepStrictEqual(secretsProviderGaps("pr.yml", lateLogin), [
      "pr.yml preview: no Azure sign-in before pulumi (azurekeyvault)",
    ]);
    const noCli = parse("scheduled.yml");
    noCli.jobs.readiness!.steps = noCli.jobs.readiness!.steps.filter((s) => !installsPulumi(s));
    assert.match(secretsProviderGaps("scheduled.yml", noCli).join("\n"), /readiness: step \d+ calls pulumi before/);
  });

  it("the stack files use a secrets provider the workflows support (default, passphrase or azurekeyvault://)", () => {
    for (const stack of ["primary", "secondary"]) {
      const doc = YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), "utf8")) as {
        secretsprovider?: string;
      };
      const provider = doc.secretsprovider;
      assert.ok(
        provider === undefined ||
          provider === "default" ||
          provider === "passphrase" ||
          /^azurekeyvault:\/\/[a-z0-9-]+\.vault\.(azure\.net|azure\.cn|usgovcloudapi\.net)\/keys\/[A-Za-z0-9-]+(\/[0-9a-f]{32})?$/.test(
            provider,
          ),
        `Pulumi.${stack}.yaml secretsprovider ${provider}`,
      );
    }
  });

  it("pull-request previews sign in with their own identity, never the deploy identity", () => {
    const text = read("pr.yml");
    assert.doesNotMatch(text, /vars\.AZURE_CLIENT_ID\b/, "pr.yml never names the deploy identity");
    const preview = parse("pr.yml").jobs.preview!;
    assert.strictEqual(preview.env?.ARM_CLIENT_ID, "${{ vars.AZURE_PREVIEW_CLIENT_ID }}");
    const login = preview.steps.find((s) => s.uses?.startsWith("azure/login@"));
    assert.strictEqual(login?.with?.["client-id"], "${{ vars.AZURE_PREVIEW_CLIENT_ID }}");
    assert.strictEqual(preview.environment, undefined, "no production environment (and its secrets) for a PR");
    for (const f of ["deploy.yml", "scheduled.yml"]) assert.doesNotMatch(read(f), /AZURE_PREVIEW_CLIENT_ID/, f);
  });

  it("the Pulumi CLI comes from pulumi/actions; the deprecated setup-pulumi is gone", () => {
    for (const f of files) assert.doesNotMatch(read(f), /setup-pulumi/, f);
    const readiness = parse("scheduled.yml").jobs.readiness!.steps;
    assert.ok(
      readiness.some((s) => installsPulumi(s) && s.with === undefined),
      "installs the CLI only",
    );
  });
});

describe("policy pack files", () => {
  it("has a PulumiPolicy.yaml and a package.json with a version (the PolicyPack constructor requires it)", () => {
    const pack = path.join(PROJECT_DIR, "policy");
    assert.match(fs.readFileSync(path.join(pack, "PulumiPolicy.yaml"), "utf8"), /^runtime: nodejs$/m);
    const pkg = JSON.parse(fs.readFileSync(path.join(pack, "package.json"), "utf8")) as { version?: string };
    assert.match(pkg.version ?? "", /^\d+\.\d+\.\d+$/);
    assert.match(fs.readFileSync(path.join(pack, "index.ts"), "utf8"), /new PolicyPack\("b2b-dr"/);
  });

  it("loads as a pack: its analyzer starts and announces its port", async function () {
    this.timeout(60_000);
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", "index.ts"], {
      cwd: path.join(PROJECT_DIR, "policy"),
      env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const port = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (c: Buffer) => {
          out += c.toString();
          const m = /^(\d+)\s*$/m.exec(out);
          if (m) resolve(m[1]!);
        });
        child.on("exit", (code) => reject(new Error(`the policy pack exited with ${code}: ${out}`)));
      });
      assert.ok(Number(port) > 0);
    } finally {
      child.kill();
    }
  });
});
