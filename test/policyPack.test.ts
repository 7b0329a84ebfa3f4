/**
 * The policy pack is self-contained (issue 9): it imports nothing outside policy/, its dependencies
 * are its own (pinned, locked, the same versions the program uses), and the constants it copies from
 * the program still equal the program's. That the folder installs and its own tests pass from the
 * folder alone (`cd policy && npm ci && npm test`) is a CI step: pr.yml's checks job and .ci/run.
 */
import * as assert from "assert";
import { builtinModules } from "module";
import * as fs from "fs";
import * as path from "path";
import { CONTROL_NUMBER_MAX, CONTROL_NUMBER_MIN } from "../model/catalog/defaults";
import { TAG } from "../model/tags";
import * as packConstants from "../policy/constants";
import { PROJECT_DIR } from "./helpers";

const PACK = path.join(PROJECT_DIR, "policy");
const readJson = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;

function packSources(dir = PACK): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === "node_modules") return [];
    const full = path.join(dir, e.name);
    return e.isDirectory() ? packSources(full) : e.name.endsWith(".ts") ? [full] : [];
  });
}

/** Every module specifier a TypeScript file imports or requires. */
function specifiers(source: string): string[] {
  const re = /(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)["']([^"']+)["']/gm;
  return [...source.matchAll(re)].map((m) => m[1]!);
}

/** Why a specifier in `file` reaches outside the pack, or undefined when it stays inside. */
function outside(file: string, spec: string, deps: readonly string[]): string | undefined {
  if (spec.startsWith(".")) {
    const target = path.resolve(path.dirname(file), spec);
    return path.relative(PACK, target).startsWith("..") ? `${spec} leaves policy/` : undefined;
  }
  if (spec.startsWith("node:") || builtinModules.includes(spec)) return undefined;
  const pkg = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!;
  return deps.includes(pkg) ? undefined : `${spec} is not a dependency in policy/package.json`;
}

describe("policy pack: self-contained and publishable", () => {
  const pkg = readJson(path.join(PACK, "package.json")) as {
    version?: string;
    scripts?: Record<string, string>;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const deps = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies });

  it("imports nothing outside policy/ and only its own dependencies", () => {
    const files = packSources();
    assert.ok(files.some((f) => f.endsWith("policies.ts")) && files.some((f) => f.includes(`test${path.sep}`)));
    const problems = files.flatMap((f) =>
      specifiers(fs.readFileSync(f, "utf8"))
        .map((s) => outside(f, s, deps))
        .filter((p): p is string => p !== undefined)
        .map((p) => `${path.relative(PROJECT_DIR, f)}: ${p}`),
    );
    assert.deepStrictEqual(problems, []);
  });

  it("the import check does catch an import of the program (negative control)", () => {
    const file = path.join(PACK, "policies.ts");
    const specs = specifiers('import { TAG } from "../model/tags";\nimport x = require("zod");');
    assert.deepStrictEqual(
      specs.map((s) => outside(file, s, deps)),
      ["../model/tags leaves policy/", "zod is not a dependency in policy/package.json"],
    );
  });

  it("has a version, pinned dependencies (the program's versions) and a lockfile that matches", () => {
    assert.match(pkg.version ?? "", /^\d+\.\d+\.\d+$/);
    const root = readJson(path.join(PROJECT_DIR, "package.json")) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    const rootDeps = { ...root.dependencies, ...root.devDependencies };
    for (const name of ["@pulumi/policy", "@pulumi/pulumi", "typescript", "ts-node"]) {
      assert.match(pkg.dependencies?.[name] ?? "", /^\d+\.\d+\.\d+$/, `${name} pinned in policy/package.json`);
      assert.strictEqual(pkg.dependencies?.[name], rootDeps[name], `${name}: the pack runs what the program runs`);
    }
    const lock = readJson(path.join(PACK, "package-lock.json")) as {
      lockfileVersion: number;
      packages: Record<string, { dependencies?: Record<string, string>; version?: string }>;
    };
    assert.ok(lock.lockfileVersion >= 2);
    assert.deepStrictEqual(lock.packages[""]?.dependencies, pkg.dependencies);
    for (const [name, version] of Object.entries(pkg.dependencies ?? {}))
      assert.strictEqual(lock.packages[`node_modules/${name}`]?.version, version, name);
    assert.match(pkg.scripts?.test ?? "", /--test test\//, "its own tests run with `npm test` in policy/");
  });

  it("its tsconfig stands alone (no extends outside the folder)", () => {
    const tsconfig = readJson(path.join(PACK, "tsconfig.json"));
    assert.strictEqual(tsconfig.extends, undefined);
  });

  it("the constants it copies still equal the program's", () => {
    assert.deepStrictEqual(packConstants.TAG, TAG);
    assert.strictEqual(packConstants.CONTROL_NUMBER_MIN, CONTROL_NUMBER_MIN);
    assert.strictEqual(packConstants.CONTROL_NUMBER_MAX, CONTROL_NUMBER_MAX);
  });
});
