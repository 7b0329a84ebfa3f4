/** `npm run plan`: files per the offline plan contract, options, exit status and nothing written on bad input. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { main } from "../plan/cli";
import { catalogCopy, tempDir } from "./helpers";

/** Runs the CLI in-process, capturing stdout and stderr. */
async function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const log = console.log;
  const error = console.error;
  const write = process.stderr.write.bind(process.stderr);
  const writeOut = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string) => ((stdout += chunk), true)) as typeof process.stdout.write;
  console.log = (...a: unknown[]) => void (stdout += `${a.join(" ")}\n`);
  console.error = (...a: unknown[]) => void (stderr += `${a.join(" ")}\n`);
  process.stderr.write = ((chunk: string) => ((stderr += chunk), true)) as typeof process.stderr.write;
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    console.log = log;
    console.error = error;
    process.stderr.write = write;
    process.stdout.write = writeOut;
  }
}

const listFiles = (dir: string): string[] =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { recursive: true, encoding: "utf8" })
        .filter((f) => fs.statSync(path.join(dir, f)).isFile())
        .sort()
    : [];

describe("npm run plan", function () {
  this.timeout(120_000);

  it("writes the contract's files for both stacks and prints a summary per stack", async () => {
    const out = tempDir();
    const { code, stdout, stderr } = await run(["--out", out]);
    assert.strictEqual(code, 0, stderr);
    const workflows = ["as2", "edifact", "x12"].map(
      (p) => `workflows/logic-b2bdr-prod-northeurope-${p}-replication.json`,
    );
    const files = ["invokes.json", "outputs.json", "resources.json"];
    assert.deepStrictEqual(listFiles(path.join(out, "primary")), [
      ...files,
      "workflows/logic-b2bdr-prod-westeurope-as2-receive.json",
    ]);
    assert.deepStrictEqual(listFiles(path.join(out, "secondary")), [
      ...files,
      "workflows/logic-b2bdr-prod-northeurope-as2-receive.json",
      ...workflows,
    ]);
    const sent = JSON.parse(fs.readFileSync(path.join(out, "secondary", workflows[2]!), "utf8")) as Record<
      string,
      unknown
    >;
    assert.deepStrictEqual(Object.keys(sent), ["definition", "parameters", "state"]);
    assert.strictEqual(sent.state, "Enabled");
    for (const stack of ["primary", "secondary"]) {
      const resources = JSON.parse(fs.readFileSync(path.join(out, stack, "resources.json"), "utf8")) as Record<
        string,
        unknown
      >[];
      for (const r of resources) assert.deepStrictEqual(Object.keys(r), ["inputs", "name", "parent", "type"]);
      assert.ok(resources.some((r) => r.type === "azure-native:logic:IntegrationAccount"));
      const invokes = JSON.parse(fs.readFileSync(path.join(out, stack, "invokes.json"), "utf8")) as Record<
        string,
        unknown
      >[];
      for (const i of invokes) assert.deepStrictEqual(Object.keys(i), ["args", "token"]);
    }
    assert.match(stdout, /^primary: region westeurope, phase normal, active region westeurope$/m);
    assert.match(stdout, /^secondary: region northeurope, phase normal, active region westeurope$/m);
    assert.match(stdout, /^ {4}type +count$/m, "a table of resources by type");
    assert.match(stdout, /^ {4}azure-native:logic:IntegrationAccountAgreement +3$/m);
    assert.match(stderr, /rendering primary and secondary \(pass 1\)/, "progress is shown");
  });

  it("--stack writes one stack, --phase sets the phase, --json prints a machine-readable summary", async () => {
    const out = tempDir();
    const { code, stdout } = await run(["--stack", "secondary", "--phase", "failover", "--out", out, "--json"]);
    assert.strictEqual(code, 0);
    assert.deepStrictEqual(fs.readdirSync(out), ["secondary"]);
    const summary = JSON.parse(stdout) as {
      stacks: { stack: string; phase: string; activeRegion: string; resources: number }[];
    };
    assert.deepStrictEqual(
      summary.stacks.map((s) => [s.stack, s.phase, s.activeRegion]),
      [["secondary", "failover", "northeurope"]],
    );
    const outputs = JSON.parse(fs.readFileSync(path.join(out, "secondary", "outputs.json"), "utf8")) as Record<
      string,
      unknown
    >;
    assert.strictEqual(outputs.drPhase, "failover");
  });

  it("on an invalid catalog: exit status 1, every problem on stderr, no stack trace, no files", async () => {
    const out = path.join(tempDir(), "plan");
    const catalog = catalogCopy({
      "partners.yaml": (t) => t.replace("qualifier: ZZZ", "qualifier: QQ"),
      "agreements.yaml": (t) => t.replace("usageIndicator: Production", "usageIndicator: Prod"),
    });
    const { code, stderr, stdout } = await run(["--catalog", catalog, "--out", out]);
    assert.strictEqual(code, 1);
    assert.match(stderr, /3 problems in the b2b-dr input/);
    assert.match(stderr, /agreements\.yaml:26 {2}agreements\[1\]\.guest = "ZZZ:NORTHWIND"/);
    assert.match(stderr, /partners\.yaml:\d+ {2}partners\[2\]\.identities\[0\]\.qualifier = "QQ"/);
    assert.match(
      stderr,
      /agreements\.yaml:\d+ {2}agreements\[0\]\.settings\.envelopeSettings\.usageIndicator = "Prod"/,
    );
    assert.doesNotMatch(stderr, /\n\s+at /, "no stack trace");
    assert.strictEqual(stdout, "");
    assert.ok(!fs.existsSync(out), "nothing written");
  });

  it("on a bad option: exit status 1; --help: exit status 0", async () => {
    assert.strictEqual((await run(["--phase", "panic"])).code, 1);
    const help = await run(["--help"]);
    assert.strictEqual(help.code, 0);
    assert.match(help.stdout, /--phase <phase>/);
  });
});

describe("offline engine refusals reach the render", function () {
  this.timeout(120_000);

  /** Renders the primary stack of a fixture program under test/fixtures/<name>. */
  async function renderFixture(name: string) {
    const { renderStack } = await import("../plan/render");
    return renderStack({
      projectDir: path.join(__dirname, "fixtures", name),
      stack: "primary",
      config: {},
      secretKeys: [],
      subscriptionId: "00000000-0000-0000-0000-000000000000",
      guess: { name: "secondary", outputs: {}, secretOutputNames: [] },
      authority: null,
    });
  }

  it("a resource the engine cannot answer fails the render instead of vanishing from the plan", async () => {
    await assert.rejects(
      renderFixture("unknown-type"),
      /no ARM id shape for resource type azure-native:example:Unknown/,
    );
  });

  it("a component registering its outputs after the program awaited fails the render (a deployment would keep none)", async () => {
    await assert.rejects(
      renderFixture("late-outputs"),
      /b2b-dr:example:Late late registers its outputs \(answer\) after Pulumi registered them.*Call registerOutputs in the constructor/s,
    );
  });
});
