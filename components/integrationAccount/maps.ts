/** Integration-account maps (XSLT 1.0/2.0/3.0, Liquid), one per catalog map, named as in the catalog. */
import * as logic from "@pulumi/azure-native/logic";
import type { MapArtifact } from "../../model/catalog";
import { ArtifactContext, artifactImportId, artifactLogicalName, artifactOptions, declareEach } from "./context";

export function declareMaps(
  ctx: ArtifactContext,
  maps: readonly MapArtifact[],
): Promise<Map<string, logic.IntegrationAccountMap>> {
  return declareEach(maps, (map) => {
    return new logic.IntegrationAccountMap(
      artifactLogicalName(ctx, "map", map.name),
      {
        resourceGroupName: ctx.resourceGroupName,
        integrationAccountName: ctx.integrationAccountName,
        mapName: map.name,
        mapType: map.mapType,
        content: map.content,
        contentType: map.contentType,
        metadata: map.metadata,
      },
      artifactOptions(ctx, [], artifactImportId(ctx, "maps", map.name)),
    );
  });
}
