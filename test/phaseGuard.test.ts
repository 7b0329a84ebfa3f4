/**
 * The phase guard in delivery: every job that runs `pulumi up` or `pulumi preview` runs the guard
 * first, for the same stack, with nothing that lets the job go on after the guard fails; and the
 * guard itself (the real CLI, reading phase.json from the real storage emulator, Azurite) exits 1
 * when the repository's phase differs from the authority's, 0 when they agree, and 0 with a logged
 * warning under break-glass.
 */
import { CliRun, runTsCli } from "./support/cli";
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { AUTHORITY_BLOB, AuthorityRecord, BREAK_GLASS_ENV } from "../model/phaseRule";
import { PROJECT_DIR, tempDir } from "./helpers";
import { Azurite, AZURITE_KEY, startAzurite } from "./support/azurite";
import { STORAGE_KEY_ENV } from "../runbook/guard";
import { main } from "../runbook/cli";

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  "continue-on-error"?: unknown;
  with?: Record<string, unknown>;
}
interface Job {
  "continue-on-error"?: unknown;
  strategy?: { matrix?: Record<string, unknown> };
  steps: Step[];
}
const workflow = (file: string) =>
  YAML.parse(fs.readFileSync(path.join(PROJECT_DIR, ".github", "workflows", file), "utf8")) as {
    jobs: Record<string, Job>;
  };
/** A step that runs a Pulumi command: pulumi/actions with a command, or a shell step calling `pulumi preview|up|refresh|destroy`. */
const isPulumiCommand = (s: Step) =>
  (s.uses?.startsWith("pulumi/actions@") === true && s.with?.command !== undefined) ||
  /(^|\s)pulumi (preview|up|refresh|destroy)\b/m.test(s.run ?? "");
const GUARD =
  /npm run dr -- guard --stack (primary|secondary|\$\{\{ matrix\.stack \}\}) --secondary-outputs secondary-outputs\.json/;

describe("phase guard in the GitHub workflows", () => {
  const jobs = ["deploy.yml", "pr.yml", "scheduled.yml"].flatMap((file) =>
    Object.entries(workflow(file).jobs).map(([name, job]) => ({ file, name, job })),
  );
  const deploying = jobs.filter(({ job }) => job.steps.some(isPulumiCommand));

  it("covers every job that runs pulumi up or preview (5 jobs)", () => {
    assert.deepStrictEqual(
      deploying.map(({ file, name }) => `${file}:${name}`),
      [
        "deploy.yml:up-primary",
        "deploy.yml:up-secondary",
        "deploy.yml:converge",
        "pr.yml:preview",
        "scheduled.yml:drift",
      ],
    );
  });

  for (const file of ["deploy.yml", "pr.yml", "scheduled.yml"]) {
    it(`${file}: the guard runs before the first Pulumi command, for that job's stack, and cannot be skipped or ignored`, () => {
      for (const { name, job } of deploying.filter((j) => j.file === file)) {
        const guardAt = job.steps.findIndex((s) => GUARD.test(s.run ?? ""));
        const firstPulumi = job.steps.findIndex(isPulumiCommand);
        assert.ok(guardAt >= 0, `${name}: no guard step`);
        assert.ok(
          guardAt < firstPulumi,
          `${name}: the guard (step ${guardAt}) must come before pulumi (step ${firstPulumi})`,
        );
        const guardStep = job.steps[guardAt]!;
        assert.strictEqual(guardStep["continue-on-error"], undefined, `${name}: continue-on-error on the guard`);
        assert.strictEqual(job["continue-on-error"], undefined, `${name}: continue-on-error on the job`);
        assert.strictEqual(guardStep.if, undefined, `${name}: a condition could skip the guard`);
        assert.doesNotMatch(
          guardStep.run!,
          /\|\|\s*true|;\s*true\s*$|set \+e/m,
          `${name}: the guard's exit status is swallowed`,
        );
        // Nothing between the guard and the Pulumi commands runs after a failure.
        for (const s of job.steps.slice(guardAt + 1))
          assert.doesNotMatch(
            s.if ?? "",
            /always\(\)|failure\(\)|cancelled\(\)/,
            `${name}: ${s.uses ?? s.run} runs after a failed guard`,
          );
        // The guard checks the stack the job deploys.
        const guarded = GUARD.exec(guardStep.run!)![1];
        const stacks = new Set(
          job.steps
            .filter(isPulumiCommand)
            .map((s) =>
              s.with !== undefined
                ? String(s.with["stack-name"]).split("/").pop()!
                : (/--stack "?\$STACK_PREFIX\/(\$\{\{ matrix\.stack \}\}|primary|secondary)/.exec(s.run ?? "")?.[1] ??
                  "(none)"),
            )
            .filter((s) => s !== "secondary" || name !== "converge"),
        );
        for (const stack of stacks)
          assert.strictEqual(guarded, stack, `${name}: guard --stack ${guarded}, deploys ${stack}`);
        // The guard runs after the Azure sign-in (it reads the authority with that identity).
        assert.ok(
          job.steps.findIndex((s) => s.uses?.startsWith("azure/login@")) < guardAt,
          `${name}: guard before azure/login`,
        );
      }
    });
  }
});

type Run = Omit<CliRun, "ms">;

/** The guard in this process (the same code as the CLI's, over the real Azure SDK against Azurite). */
async function guardInProcess(args: string[], env: Record<string, string> = {}): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, {
    stdout: (t) => void (stdout += `${t}\n`),
    stderr: (t) => void (stderr += `${t}\n`),
    env: { ...process.env, [BREAK_GLASS_ENV]: "", ...env },
  });
  return { code, stdout, stderr };
}

/** The guard as the workflows run it: the real CLI in a child process. */
function runGuard(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return runTsCli("runbook/cli.ts", args, { [BREAK_GLASS_ENV]: "", ...env });
}

describe("phase guard against the storage emulator (Azurite)", function () {
  this.timeout(120_000);
  let azurite: Azurite;
  let outputs: string;
  const dir = tempDir();
  const record = (phase: AuthorityRecord["phase"]): AuthorityRecord => ({
    phase,
    epoch: 1,
    changedAt: "2026-11-29T09:00:00.000Z",
    changedBy: "ops@contoso.example",
    operationId: "failover-1",
  });
  const writeAuthority = async (r: AuthorityRecord | undefined) => {
    const blob = azurite.containerClient("b2b-dr").getBlockBlobClient(AUTHORITY_BLOB);
    if (r === undefined) await blob.deleteIfExists();
    else {
      const body = JSON.stringify(r);
      await blob.upload(body, Buffer.byteLength(body));
    }
  };
  const guardArgs = (stack: string, extra: string[] = []) => [
    "guard",
    "--stack",
    stack,
    "--secondary-outputs",
    outputs,
    ...extra,
  ];
  const env = () => ({ [STORAGE_KEY_ENV]: AZURITE_KEY });

  before(async () => {
    azurite = await startAzurite();
    await azurite.containerClient("b2b-dr").createIfNotExists();
    outputs = path.join(dir, "secondary.json");
    // The secondary's outputs as `pulumi stack output --json` prints them: deployed in failover by the runbook.
    fs.writeFileSync(
      outputs,
      JSON.stringify({
        drPhase: "failover",
        drStateStore: { accountName: "devstoreaccount1", blobEndpoint: azurite.blobEndpoint, container: "b2b-dr" },
      }),
    );
  });
  after(async () => azurite?.stop());

  it("refuses (exit 1) both stacks when the authority says failover and the repository says normal", async () => {
    await writeAuthority(record("failover"));
    for (const stack of ["secondary", "primary"]) {
      // The secondary through the real CLI process, as the workflow runs it; the primary in-process.
      const r = await (stack === "secondary" ? runGuard : guardInProcess)(guardArgs(stack), env());
      assert.strictEqual(r.code, 1, `${stack}: ${r.stdout}${r.stderr}`);
      assert.match(
        r.stderr,
        /would deploy DR phase normal \(b2b-dr:drPhase in Pulumi\.secondary\.yaml\), but the phase authority says failover/,
      );
      assert.match(r.stderr, /set b2b-dr:drPhase: failover in Pulumi\.secondary\.yaml/);
      assert.match(r.stderr, /npm run dr -- fallback/);
      assert.match(r.stdout, /REFUSED: do not deploy/);
    }
  });

  it("proceeds (exit 0) when the authority and the repository agree, and with no phase.json in normal", async () => {
    await writeAuthority(undefined);
    const fresh = path.join(dir, "normal.json");
    fs.writeFileSync(
      fresh,
      JSON.stringify({
        drPhase: "normal",
        drStateStore: { accountName: "devstoreaccount1", blobEndpoint: azurite.blobEndpoint, container: "b2b-dr" },
      }),
    );
    const r = await guardInProcess(["guard", "--stack", "primary", "--secondary-outputs", fresh, "--json"], env());
    assert.strictEqual(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { ok: boolean; authorityPhase: string; authority: unknown };
    assert.deepStrictEqual([result.ok, result.authorityPhase, result.authority], [true, "normal", null]);
    await writeAuthority(record("normal"));
    assert.strictEqual(
      (await guardInProcess(["guard", "--stack", "secondary", "--secondary-outputs", fresh], env())).code,
      0,
    );
  });

  it("primary: also refuses when the secondary's DEPLOYED phase differs from the authority", async () => {
    await writeAuthority(record("normal"));
    // The repository says normal (agrees), but the secondary is still deployed in failover.
    const r = await guardInProcess(guardArgs("primary"), env());
    assert.strictEqual(r.code, 1, r.stdout);
    assert.match(r.stderr, /drPhase \(deployed\) in the outputs of secondary/);
    assert.strictEqual((await guardInProcess(guardArgs("secondary"), env())).code, 0);
  });

  it("break-glass: proceeds with a warning and an audit-log entry naming the reason", async () => {
    await writeAuthority(record("failover"));
    const audit = path.join(dir, "audit.jsonl");
    const r = await guardInProcess(guardArgs("secondary", ["--audit-log", audit]), {
      ...env(),
      [BREAK_GLASS_ENV]: "INC-7 authority store restored from backup",
    });
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stderr, /warning: BREAK-GLASS: .*INC-7 authority store restored from backup/);
    const entries = fs
      .readFileSync(audit, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.strictEqual(entries.length, 1);
    assert.deepStrictEqual(
      [entries[0]!.command, entries[0]!.before, entries[0]!.after],
      ["guard", "failover", "normal"],
    );
  });

  it("refuses (exit 1) when the authority cannot be read, and reports bad input with exit 2 before any call", async () => {
    const wrongKey = await guardInProcess(guardArgs("secondary"), {
      [STORAGE_KEY_ENV]: Buffer.from("wrong").toString("base64"),
    });
    assert.strictEqual(wrongKey.code, 1, wrongKey.stdout);
    assert.match(wrongKey.stderr, /cannot read the phase authority .*never guesses the phase/);
    const missing = await guardInProcess(
      ["guard", "--stack", "secondary", "--secondary-outputs", path.join(dir, "nope.json")],
      env(),
    );
    assert.strictEqual(missing.code, 2);
    assert.match(missing.stderr, /--secondary-outputs .*nope\.json.*Fix: write it with `pulumi stack output --json/);
    const badStack = await guardInProcess(["guard", "--stack", "tertiary"], env());
    assert.strictEqual(badStack.code, 2);
  });
});
