/** Rules of `artifacts.yaml` `maps:`: names, each file an XSLT or Liquid map within Azure's size limit. */
import type { Problem } from "../../problems";
import type { CatalogDirectory } from "../directory";
import { ARTIFACT_CONTENT_LIMIT, checkMap, contentLimitRefusal } from "../files";
import type { MapArtifact } from "../model";
import type { ArtifactsFile } from "../schema";
import type { YamlSource } from "../yamlFile";
import { Checked, locate, nameProblems } from "./result";

export function checkMaps(
  maps: ArtifactsFile["maps"],
  source: YamlSource | undefined,
  file: string,
  dir: CatalogDirectory,
): Checked<MapArtifact[]> {
  const problems: Problem[] = nameProblems(maps, "map", "maps", source, file);
  const value: MapArtifact[] = [];
  maps.forEach((m, i) => {
    const at = ["maps", i, "file"];
    const read = dir.read(m.file, { bytes: ARTIFACT_CONTENT_LIMIT, refusal: contentLimitRefusal("map") });
    if (!read.ok) return void problems.push(locate(source, file, at, m.file, read.message, read.fix));
    const content = read.bytes.toString("utf8");
    const check = checkMap(m.file, content);
    if (!check.ok) {
      return void problems.push(
        locate(source, file, at, m.file, `${dir.displayRelative(m.file)} ${check.message}`, check.fix),
      );
    }
    if (m.type !== undefined && (m.type === "Liquid") !== (check.value.mapType === "Liquid")) {
      return void problems.push(
        locate(
          source,
          file,
          ["maps", i, "type"],
          m.type,
          `contradicts the file, which is ${check.value.mapType === "Liquid" ? "a Liquid template" : "an XSLT stylesheet"}`,
          "remove type (it is derived from the file) or point file at a matching map",
        ),
      );
    }
    value.push({
      name: m.name,
      file: m.file,
      mapType: m.type ?? check.value.mapType,
      content,
      contentType: check.value.contentType,
      metadata: m.metadata,
    });
  });
  return { value, problems, warnings: [] };
}
