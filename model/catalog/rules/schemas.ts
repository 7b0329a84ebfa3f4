/** Rules of `artifacts.yaml` `schemas:`: names, and each file an XML Schema within Azure's size limit. */
import type { Problem } from "../../problems";
import type { CatalogDirectory } from "../directory";
import { ARTIFACT_CONTENT_LIMIT, checkXsd, contentLimitRefusal } from "../files";
import type { SchemaArtifact } from "../model";
import type { ArtifactsFile } from "../schema";
import type { YamlSource } from "../yamlFile";
import { Checked, locate, nameProblems } from "./result";

export function checkSchemas(
  schemas: ArtifactsFile["schemas"],
  source: YamlSource | undefined,
  file: string,
  dir: CatalogDirectory,
): Checked<SchemaArtifact[]> {
  const problems: Problem[] = nameProblems(schemas, "schema", "schemas", source, file);
  const value: SchemaArtifact[] = [];
  schemas.forEach((s, i) => {
    const at = ["schemas", i, "file"];
    const read = dir.read(s.file, { bytes: ARTIFACT_CONTENT_LIMIT, refusal: contentLimitRefusal("schema") });
    if (!read.ok) return void problems.push(locate(source, file, at, s.file, read.message, read.fix));
    const content = read.bytes.toString("utf8");
    const check = checkXsd(content);
    if (!check.ok) {
      return void problems.push(
        locate(source, file, at, s.file, `${dir.displayRelative(s.file)} ${check.message}`, check.fix),
      );
    }
    value.push({
      name: s.name,
      file: s.file,
      content,
      targetNamespace: check.value.targetNamespace,
      metadata: s.metadata,
    });
  });
  return { value, problems, warnings: [] };
}
