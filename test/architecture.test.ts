/**
 * The layers of docs/architecture.md, checked on the source: `model/` is pure and depends on nothing
 * of ours, `components/` declare resources from the model, and the tools depend on the model and
 * `tools/`, never on each other or on the components. And the tools' processes do not load the Pulumi
 * SDK (only the program's do: the render workers, `pulumi up`).
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { PROJECT_DIR } from "./helpers";

/** Top-level folder → the folders of ours it may import from (besides itself). */
const ALLOWED: Record<string, readonly string[]> = {
  model: [],
  components: ["model", "tools/authorityReader.ts"],
  "index.ts": ["model", "components"],
  tools: ["model"],
  plan: ["model", "tools"],
  runbook: ["model", "tools"],
  importer: ["model", "tools"],
  drill: ["model", "tools"],
  delivery: ["model", "tools"],
  policy: [],
};

/**
 * Imports a layer rule does not cover, each with its reason. Not seen by this test, and the one other
 * exception: the render worker loads the program (`index.ts`, and with it `components/`) by a computed
 * path, `require(path.join(job.projectDir, "index.ts"))`, since it renders a project directory.
 */
const EXCEPTIONS: Record<string, readonly string[]> = {
  // The render worker runs the program: it installs the offline authority reader the program uses.
  "plan/worker.ts": ["components/phaseAuthority.ts"],
};

/**
 * External packages a folder must not load. The model may use azure-native's generated types and
 * enum constants (facts of the ARM schema, no SDK runtime), nothing else of Pulumi or Azure.
 */
const FORBIDDEN_PACKAGES: Record<string, RegExp> = {
  model: /^@pulumi\/(?!azure-native\/types\/)|^@azure\//,
  policy: /^(?!@pulumi\/policy$|@pulumi\/pulumi$)@pulumi\//,
};

function sources(dir: string): string[] {
  const full = path.join(PROJECT_DIR, dir);
  if (fs.statSync(full).isFile()) return [dir];
  return fs
    .readdirSync(full, { recursive: true, encoding: "utf8" })
    .filter((f) => /\.(ts|js)$/.test(f) && !f.includes("node_modules"))
    .map((f) => path.join(dir, f));
}

/**
 * What a file imports: static imports and re-exports, `import()` and `require()` with a literal
 * specifier, as the TypeScript compiler reads them (comments and strings are not imports).
 */
function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(PROJECT_DIR, file), "utf8");
  return ts.preProcessFile(text, true, true).importedFiles.map((f) => f.fileName);
}

/** The project-relative file a relative import points at (with `.ts` or `/index.ts`). */
function resolveLocal(from: string, specifier: string): string {
  const base = path.normalize(path.join(path.dirname(from), specifier));
  for (const candidate of [base, `${base}.ts`, path.join(base, "index.ts")]) {
    const full = path.join(PROJECT_DIR, candidate);
    if (fs.existsSync(full) && fs.statSync(full).isFile()) return candidate;
  }
  return base;
}

/** Why `file` (in `layer`) may not import `specifier`, or undefined when it may. */
function violation(layer: string, file: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) {
    const forbidden = FORBIDDEN_PACKAGES[layer];
    return forbidden?.test(specifier) ? `${file} imports the package ${specifier}` : undefined;
  }
  const target = resolveLocal(file, specifier);
  const ok =
    target.startsWith(`${layer}${path.sep}`) ||
    (ALLOWED[layer] ?? []).some((a) => target === a || target.startsWith(`${a}${path.sep}`)) ||
    (EXCEPTIONS[file] ?? []).includes(target);
  return ok ? undefined : `${file} imports ${target}`;
}

describe("architecture: the layers hold", () => {
  it("every import of ours stays within the layer rules, every package within its folder's", () => {
    const broken: string[] = [];
    for (const layer of Object.keys(ALLOWED)) {
      for (const file of sources(layer)) {
        if (layer === "policy" && file.startsWith(path.join("policy", "test"))) continue;
        for (const specifier of importsOf(file)) {
          const problem = violation(layer, file, specifier);
          if (problem !== undefined) broken.push(problem);
        }
      }
    }
    assert.deepStrictEqual(broken, [], "fix the import, or change docs/architecture.md and this test together");
  });

  it("reports what breaks a rule (negative controls)", () => {
    assert.ok(importsOf("plan/worker.ts").includes("../components/phaseAuthority"));
    assert.strictEqual(
      resolveLocal("index.ts", "./components/integrationAccount"),
      "components/integrationAccount/index.ts",
    );
    assert.match(
      violation("model", "model/naming.ts", "../components/ingress") ?? "",
      /imports components\/ingress\.ts/,
    );
    assert.match(violation("runbook", "runbook/status.ts", "../plan/render") ?? "", /imports plan\/render\.ts/);
    assert.match(violation("model", "model/naming.ts", "@pulumi/pulumi") ?? "", /package @pulumi\/pulumi/);
    assert.match(violation("plan", "plan/render.ts", "../components/phaseAuthority") ?? "", /imports components/);
    assert.strictEqual(violation("plan", "plan/worker.ts", "../components/phaseAuthority"), undefined);
    assert.strictEqual(
      violation("model", "model/catalog/schema.ts", "@pulumi/azure-native/types/enums/logic"),
      undefined,
    );
  });

  it("the tools' command-line processes do not load the Pulumi SDK or any component", () => {
    const script = [
      "for (const m of ['./plan/cli.ts', './runbook/cli.ts', './drill/cli.ts', './importer/cli.ts', './delivery/drift.ts']) require(m);",
      "const loaded = Object.keys(require.cache).map((k) => require('path').relative(process.cwd(), k));",
      "console.log(JSON.stringify(loaded.filter((k) => k.includes('@pulumi/pulumi') || k.startsWith('components'))));",
    ].join("\n");
    const out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
      cwd: PROJECT_DIR,
      encoding: "utf8",
    });
    assert.deepStrictEqual(JSON.parse(out.trim().split("\n").at(-1)!), []);
  });
});
