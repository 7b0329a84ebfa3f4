/**
 * The Pulumi CLI's rules for `Pulumi.yaml` and the stack files, applied here because the CLI cannot run
 * where the offline plan and the tests run. What the CLI does before a program starts:
 *
 * - It validates the project file against its JSON schema ("configTypeDeclaration": `type` is one of
 *   string, integer, boolean, array; an array needs `items`; only `type`, `items`, `description`,
 *   `secret` and `default` are allowed) and checks that a typed `default` has its declared type.
 * - It merges the stack file with the project's `config:` block: a key declared in the project's
 *   namespace with no `default` (or `value`) that the stack file does not set stops every
 *   `preview`/`up` with "Stack '<stack>' is missing configuration values …"; a declared key the stack
 *   does not set takes the default; a stack value must have the declared type (integers may be written
 *   as text, booleans as "true"/"false").
 * - It hands the program every value as text, lists and objects as JSON.
 *
 * Sources (public): the project file reference, https://www.pulumi.com/docs/iac/concepts/projects/project-file/,
 * and the CLI's implementation in github.com/pulumi/pulumi: `pkg/workspace/config.go` (`mergeConfig`),
 * `sdk/go/common/workspace/project.go` (`ValidateConfigValue`, `Project.Validate`) and
 * `sdk/go/common/workspace/project.json` (the schema).
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { PROJECT, engineString } from "./config";
import type { Problem } from "./problems";

export const PROJECT_FILE = "Pulumi.yaml";

const TYPES = ["string", "integer", "boolean", "array"] as const;
const DECLARATION_FIELDS = ["type", "items", "description", "secret", "default"];

export interface ConfigDeclaration {
  readonly type?: string;
  readonly items?: { readonly type: string };
  readonly description?: string;
  readonly secret?: boolean;
  readonly default?: unknown;
  readonly value?: unknown;
}

export interface ProjectFile {
  readonly name: string;
  /** Declarations by key as written (`role`, or `aws:region` for another namespace). */
  readonly config: Readonly<Record<string, ConfigDeclaration>>;
}

/** Whether a value has a declared type, by the CLI's rule (`ValidateConfigValue`). */
export function hasConfigType(type: string, items: { type: string } | undefined, value: unknown): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "integer":
      return (
        (typeof value === "number" && Number.isInteger(value)) ||
        (typeof value === "string" && /^[-+]?\d+$/.test(value))
      );
    case "boolean":
      return typeof value === "boolean" || value === "true" || value === "false";
    case "array":
      return Array.isArray(value) && items !== undefined && value.every((v) => hasConfigType(items.type, undefined, v));
    default:
      return false;
  }
}

function isNamespacedByProject(project: string, key: string): boolean {
  return !key.includes(":") || key.startsWith(`${project}:`);
}

/** Problems the CLI would report for the project file itself (schema and `Project.Validate`). */
export function projectFileProblems(raw: unknown, file = PROJECT_FILE): Problem[] {
  const problems: Problem[] = [];
  const doc = (raw ?? {}) as { name?: unknown; runtime?: unknown; config?: unknown };
  if (typeof doc.name !== "string" || doc.name === "") {
    problems.push({ file, path: "name", value: doc.name, message: "is required", fix: `set name: ${PROJECT}` });
  }
  if (doc.runtime === undefined) {
    problems.push({ file, path: "runtime", message: "is required", fix: "set runtime: nodejs" });
  }
  const config = (doc.config ?? {}) as Record<string, unknown>;
  for (const [key, decl] of Object.entries(config)) {
    const at = `config.${key}`;
    if (decl === null || typeof decl !== "object" || Array.isArray(decl)) continue; // shorthand default/value
    const d = decl as Record<string, unknown>;
    const namespaced = isNamespacedByProject(String(doc.name), key);
    if (!namespaced) {
      if ("type" in d || "default" in d || d.value === undefined) {
        problems.push({
          file,
          path: at,
          value: decl,
          message: "belongs to another namespace: it may only set a `value`",
          fix: "declare only `value:` for a provider's key",
        });
      }
      continue;
    }
    for (const field of Object.keys(d)) {
      if (!DECLARATION_FIELDS.includes(field)) {
        problems.push({
          file,
          path: `${at}.${field}`,
          value: d[field],
          message: "is not allowed in a typed config declaration",
          fix: `use only ${DECLARATION_FIELDS.join(", ")}`,
        });
      }
    }
    if (!TYPES.includes(d.type as (typeof TYPES)[number])) {
      problems.push({
        file,
        path: `${at}.type`,
        value: d.type,
        message: "is not a config type",
        fix: `use one of ${TYPES.join(", ")}`,
      });
      continue;
    }
    const items = d.items as { type: string } | undefined;
    if (d.type === "array" && items === undefined) {
      problems.push({
        file,
        path: `${at}.items`,
        message: "is required for an array",
        fix: "add items: {type: string}",
      });
    }
    if ("default" in d && !hasConfigType(String(d.type), items, d.default)) {
      problems.push({
        file,
        path: `${at}.default`,
        value: d.default,
        message: `is not of the declared type ${String(d.type)}`,
        fix: `give a ${String(d.type)} default`,
      });
    }
  }
  return problems;
}

/** Reads and checks `Pulumi.yaml`. */
export function readProjectFile(projectDir: string, problems: Problem[]): ProjectFile | undefined {
  let raw: unknown;
  try {
    raw = YAML.parse(fs.readFileSync(path.join(projectDir, PROJECT_FILE), "utf8"));
  } catch (e) {
    problems.push({
      file: PROJECT_FILE,
      path: "(file)",
      message: e instanceof Error ? (e.message.split("\n")[0] ?? e.message) : String(e),
      fix: "restore Pulumi.yaml (it is generated: `npm run gen`)",
    });
    return undefined;
  }
  const found = projectFileProblems(raw);
  problems.push(...found);
  if (found.length > 0) return undefined;
  const doc = raw as { name: string; config?: Record<string, ConfigDeclaration | string | number | boolean> };
  const config: Record<string, ConfigDeclaration> = {};
  for (const [key, decl] of Object.entries(doc.config ?? {})) {
    // The CLI's shorthand: a bare value is a default in the project's namespace, a value elsewhere.
    config[key] =
      decl !== null && typeof decl === "object" && !Array.isArray(decl)
        ? decl
        : isNamespacedByProject(doc.name, key)
          ? { default: decl }
          : { value: decl };
  }
  return { name: doc.name, config };
}

export interface MergedConfig {
  /** Every value as the engine hands it to the program: fully qualified key -> text. */
  readonly values: Readonly<Record<string, string>>;
  /** Keys whose stack value is a `secure:` ciphertext (replaced by `[secret]`). */
  readonly secretKeys: readonly string[];
}

/**
 * The CLI's merge of a stack file's `config:` with the project's declarations (`mergeConfig`): every
 * missing required key and every mistyped value is a problem; otherwise the merged values, as text.
 */
export function mergeStackConfig(
  project: ProjectFile,
  stackConfig: Readonly<Record<string, unknown>>,
  stackFile: string,
  problems: Problem[],
): MergedConfig {
  const qualify = (key: string) => (key.includes(":") ? key : `${project.name}:${key}`);
  const merged = new Map<string, unknown>();
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(stackConfig)) {
    const k = qualify(key);
    if (value !== null && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
      merged.set(k, "[secret]");
      secretKeys.push(k);
    } else merged.set(k, value);
  }
  const missing: string[] = [];
  for (const key of Object.keys(project.config).sort()) {
    const decl = project.config[key] as ConfigDeclaration;
    const k = qualify(key);
    const hasDefault = decl.default !== undefined && decl.default !== null;
    const hasValue = decl.value !== undefined && decl.value !== null;
    if (!merged.has(k)) {
      if (hasDefault || hasValue) merged.set(k, hasDefault ? decl.default : decl.value);
      else if (isNamespacedByProject(project.name, key)) missing.push(key);
      continue;
    }
    const value = merged.get(k);
    if (decl.type !== undefined && !secretKeys.includes(k) && !hasConfigType(decl.type, decl.items, value)) {
      problems.push({
        file: stackFile,
        path: k,
        value,
        message: `must be of type '${decl.items ? `array<${decl.items.type}>` : decl.type}' (Pulumi.yaml declares it so)`,
        fix: `give a ${decl.type} value`,
      });
    }
  }
  if (missing.length > 0) {
    problems.push({
      file: stackFile,
      path: missing.map(qualify).join(", "),
      message: `is missing: the Pulumi CLI stops with "Stack '${path.basename(stackFile, ".yaml").replace(/^Pulumi\./, "")}' is missing configuration values"`,
      fix: `set ${missing.length === 1 ? "it" : "them"} in ${stackFile} (\`pulumi config set <key> <value>\`)`,
    });
  }
  const values: Record<string, string> = {};
  for (const [k, v] of [...merged.entries()].sort(([a], [b]) => a.localeCompare(b))) values[k] = engineString(v);
  return { values, secretKeys: secretKeys.sort() };
}
