/**
 * Reading a stack's config file (`Pulumi.<stack>.yaml`) without the Pulumi CLI: the plan renders
 * from it, the runbook and the drill read the secondary's phase and catalog path from it. Pure
 * (no Pulumi runtime), so every tool can depend on it.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { mergeStackConfig, readProjectFile } from "./pulumiProject";
import type { Problem } from "./problems";

/** The project directory: Pulumi.yaml, the stack files, index.ts and the sample catalog. */
export const PROJECT_DIR = path.resolve(__dirname, "..");

/** What a stack file holds, as the program reads it: fully qualified keys, secure values masked. */
export interface StackFile {
  /** The file name, relative to the project directory (for problems). */
  readonly file: string;
  /** Fully qualified config keys (`b2b-dr:drPhase`, `azure-native:subscriptionId`) → the text the program is handed. */
  readonly raw: Record<string, string>;
  /** Keys whose values are `secure:` ciphertext (their value in `raw` is `[secret]`). */
  readonly secretKeys: string[];
}

/**
 * Reads `Pulumi.<stack>.yaml` and merges it with Pulumi.yaml by the Pulumi CLI's rule: the values the
 * program would be handed (text), every missing required key and mistyped value a problem; secure
 * values (ciphertext) become `[secret]` placeholders. A missing file or bad YAML adds problems (file,
 * line, fix) and returns undefined.
 */
export function readStackFile(projectDir: string, stack: string, problems: Problem[]): StackFile | undefined {
  const file = `Pulumi.${stack}.yaml`;
  let text: string;
  try {
    text = fs.readFileSync(path.join(projectDir, file), "utf8");
  } catch {
    problems.push({
      file,
      path: "(file)",
      message: "does not exist",
      fix: `create it with \`pulumi stack init ${stack}\` and set its config (see docs/configuration.md)`,
    });
    return undefined;
  }
  const doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      problems.push({
        file,
        path: "(YAML syntax)",
        line: e.linePos?.[0]?.line,
        message: e.message.split("\n")[0] ?? e.message,
        fix: "correct the YAML syntax",
      });
    }
    return undefined;
  }
  const project = readProjectFile(projectDir, problems);
  if (project === undefined) return undefined;
  const config = ((doc.toJS() as { config?: Record<string, unknown> } | null)?.config ?? {}) as Record<string, unknown>;
  const before = problems.length;
  const merged = mergeStackConfig(project, config, file, problems);
  if (problems.length > before) return undefined;
  return { file, raw: { ...merged.values }, secretKeys: [...merged.secretKeys] };
}
