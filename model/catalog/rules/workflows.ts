/**
 * Rules of `workflows.yaml`: short names, definitions that are Logic Apps workflow definitions, and
 * `connections` that list exactly the `$connections` the definition uses.
 */
import { canonical } from "../../json";
import type { Problem } from "../../problems";
import type { CatalogDirectory } from "../directory";
import { checkWorkflowDefinition } from "../files";
import type { BusinessWorkflow } from "../model";
import type { WorkflowsFile } from "../schema";
import type { YamlSource } from "../yamlFile";
import { Checked, locate } from "./result";

/** b2b-dr names its own replication workflows `<protocol>-replication`. */
const RESERVED_SUFFIX = /-replication$/;

export function checkWorkflows(
  file: WorkflowsFile,
  source: YamlSource | undefined,
  fileName: string,
  dir: CatalogDirectory,
): Checked<BusinessWorkflow[]> {
  const problems: Problem[] = [];
  const value: BusinessWorkflow[] = [];
  const seen = new Set<string>();
  file.workflows.forEach((w, i) => {
    const at = (...rest: PropertyKey[]) => ["workflows", i, ...rest];
    if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(w.name)) {
      problems.push(
        locate(
          source,
          fileName,
          at("name"),
          w.name,
          "is not a workflow short name",
          "use 1-40 lower-case letters, digits or '-' (it becomes part of logic-b2bdr-<env>-<region>-<name>)",
        ),
      );
    } else if (seen.has(w.name) || RESERVED_SUFFIX.test(w.name)) {
      problems.push(
        locate(
          source,
          fileName,
          at("name"),
          w.name,
          seen.has(w.name)
            ? "duplicates another workflow name"
            : "ends in -replication, which b2b-dr reserves for its replication workflows",
          "choose another name",
        ),
      );
    }
    seen.add(w.name);
    const read = dir.read(w.file);
    if (!read.ok) return void problems.push(locate(source, fileName, at("file"), w.file, read.message, read.fix));
    const check = checkWorkflowDefinition(read.bytes.toString("utf8"));
    if (!check.ok) {
      return void problems.push(
        locate(source, fileName, at("file"), w.file, `${dir.displayRelative(w.file)} ${check.message}`, check.fix),
      );
    }
    const declared = new Set<string>(w.connections);
    const undeclared = check.value.connectionKeys.filter((k) => !declared.has(k));
    const unused = w.connections.filter((c) => !check.value.connectionKeys.includes(c));
    if (undeclared.length > 0 || unused.length > 0) {
      return void problems.push(
        locate(
          source,
          fileName,
          at("connections"),
          w.connections,
          `does not match the definition, which references $connections ${JSON.stringify(check.value.connectionKeys)}`,
          `list exactly the connections the definition uses (${check.value.connectionKeys.join(", ") || "none"})`,
        ),
      );
    }
    value.push({
      name: w.name,
      file: w.file,
      definition: canonical(check.value.definition),
      connections: w.connections,
      requestTrigger: check.value.requestTrigger,
    });
  });
  return { value, problems, warnings: [] };
}
