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
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  if?: string;
  environment?: string;
  permissions?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown> };
  steps: Step[];
}
interface Workflow {
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
    assert.deepStrictEqual(runs, ["npm ci", "npm run lint", "npm run typecheck", "npm test", "npm run plan"]);
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

  it("schedule: drift detection with refresh and expect-no-changes, and dr status", () => {
    const wf = parse("scheduled.yml");
    assert.ok(Array.isArray(wf.on.schedule));
    const [drift] = pulumiSteps(wf.jobs.drift!);
    assert.deepStrictEqual(
      [drift?.with?.command, drift?.with?.refresh, drift?.with?.["expect-no-changes"]],
      ["preview", true, true],
    );
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
