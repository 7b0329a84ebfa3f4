/**
 * Reading a stack's config file (`Pulumi.<stack>.yaml`) without the Pulumi CLI: the plan renders
 * from it, the runbook and the drill read the secondary's phase and catalog path from it. Pure
 * (no Pulumi runtime), so every tool can depend on it.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { PROJECT } from "./config";
import type { Problem } from "./problems";

/** The project directory: Pulumi.yaml, the stack files, index.ts and the sample catalog. */
export const PROJECT_DIR = path.resolve(__dirname, "..");

/** What a stack file holds, as the program reads it: fully qualified keys, secure values masked. */
export interface StackFile {
  /** The file name, relative to the project directory (for problems). */
  readonly file: string;
  /** Fully qualified config keys (`b2b-dr:drPhase`, `azure-native:subscriptionId`) → YAML values. */
  readonly raw: Record<string, unknown>;
  /** Keys whose values are `secure:` ciphertext (their value in `raw` is `[secret]`). */
  readonly secretKeys: string[];
}

/**
 * Reads `Pulumi.<stack>.yaml`; secure values (ciphertext) become `[secret]` placeholders. A missing
 * file or bad YAML adds problems (file, line, fix) and returns undefined.
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
      fix: `create it with \`pulumi stack init ${stack}\` and set its config (see the README)`,
    });
    return undefined;
  }
  const doc = YAML.parseDocument(text, { prettyErrors: true });
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
  const config = ((doc.toJS() as { config?: Record<string, unknown> } | null)?.config ?? {}) as Record<string, unknown>;
  const raw: Record<string, unknown> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    const qualified = key.includes(":") ? key : `${PROJECT}:${key}`;
    if (value !== null && typeof value === "object" && "secure" in value) {
      raw[qualified] = "[secret]";
      secretKeys.push(qualified);
    } else raw[qualified] = value;
  }
  return { file, raw, secretKeys };
}
