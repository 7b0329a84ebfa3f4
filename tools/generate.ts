/**
 * `npm run gen`: writes the files generated from the config schema (model/config.ts), so its metadata
 * lives in one place: the `config:` block of Pulumi.yaml and docs/configuration.md. `--check` writes
 * nothing and exits 1 when a file is stale (the test suite checks the same).
 */
import * as fs from "fs";
import * as path from "path";
import * as prettier from "prettier";
import * as YAML from "yaml";
import { CONFIG_KEYS, ConfigValue, PROJECT } from "../model/config";

export const PROJECT_DIR = path.resolve(__dirname, "..");

interface KeyDoc {
  readonly type: string;
  readonly description: string;
  readonly default?: ConfigValue;
  readonly scope?: string;
}

const keys = (): [string, KeyDoc][] => Object.entries(CONFIG_KEYS as Record<string, KeyDoc>);

/** Pulumi.yaml: the project, with every `b2b-dr:` key declared (type, description and default). */
export function projectFileText(): string {
  const config: Record<string, unknown> = {};
  for (const [key, spec] of keys()) {
    config[key] = {
      type: spec.type,
      ...(spec.type === "array" ? { items: { type: "string" } } : {}),
      description: spec.description,
      ...(spec.default !== undefined ? { default: spec.default } : {}),
    };
  }
  const doc = {
    name: PROJECT,
    description: "Cross-region disaster recovery for Azure Logic Apps B2B integration accounts (X12, EDIFACT, AS2).",
    runtime: { name: "nodejs", options: { typescript: true } },
    config,
  };
  return (
    "# Generated from model/config.ts by `npm run gen`: edit the schema there, not this file.\n" +
    "# Every key has a default except role, region and environment, which each stack file sets\n" +
    "# (the Pulumi CLI refuses a stack that lacks a declared key with no default).\n" +
    YAML.stringify(doc, { lineWidth: 0 })
  );
}

const cell = (text: string) => text.replace(/\|/g, "\\|");
const shown = (v: ConfigValue | undefined) =>
  v === undefined ? "(required)" : v === "" ? '`""` (not set)' : `\`${JSON.stringify(v)}\``;

/** docs/configuration.md: the reference table. */
export function configDocText(): string {
  const rows = keys().map(
    ([key, spec]) =>
      `| \`${key}\` | ${spec.type} | ${shown(spec.default)} | ${cell(spec.description)}${spec.scope ? ` (${spec.scope} stack only)` : ""} |`,
  );
  return [
    "<!-- Generated from model/config.ts by `npm run gen`: edit the schema there, not this file. -->",
    "",
    "# Configuration reference",
    "",
    `Every key is in the \`${PROJECT}:\` namespace and declared, with type, description and default, in`,
    "`Pulumi.yaml`. Each stack file (`Pulumi.primary.yaml`, `Pulumi.secondary.yaml`) must set the three",
    "keys without a default; every other key is optional. Unknown `b2b-dr:` keys are refused, which",
    "catches typos. Values reach the program as the Pulumi engine hands them over (text, lists as JSON);",
    "the offline plan builds them with the Pulumi CLI's own merge rule (`model/pulumiProject.ts`).",
    "",
    "| Key | Type | Default | Meaning |",
    "| --- | --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}

export const GENERATED: readonly { readonly file: string; readonly text: () => string }[] = [
  { file: "Pulumi.yaml", text: projectFileText },
  { file: "docs/configuration.md", text: configDocText },
];

/** A generated file's text as committed: formatted by the repo's Prettier settings. */
export async function generatedText(g: (typeof GENERATED)[number]): Promise<string> {
  const file = path.join(PROJECT_DIR, g.file);
  const options = (await prettier.resolveConfig(file)) ?? {};
  return prettier.format(g.text(), { ...options, filepath: file });
}

async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(
      "Usage: npm run gen -- [--check]\n\nWrites Pulumi.yaml and docs/configuration.md from model/config.ts.",
    );
    console.log("  --check  write nothing; exit 1 when a generated file is stale");
    return 0;
  }
  const check = argv.includes("--check");
  let stale = 0;
  for (const g of GENERATED) {
    const file = path.join(PROJECT_DIR, g.file);
    const text = await generatedText(g);
    const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
    if (current === text) continue;
    stale++;
    if (check) console.error(`${g.file} is stale: run \`npm run gen\``);
    else {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text);
      console.log(`wrote ${g.file}`);
    }
  }
  return check && stale > 0 ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 2;
    },
  );
}
