/** Integration-account XML schemas (XSD), one per catalog schema, named as in the catalog. */
import * as logic from "@pulumi/azure-native/logic";
import type { SchemaArtifact } from "../../model/catalog";
import { ArtifactContext, artifactImportId, artifactLogicalName, artifactOptions, declareEach } from "./context";

export function declareSchemas(
  ctx: ArtifactContext,
  schemas: readonly SchemaArtifact[],
): Promise<Map<string, logic.IntegrationAccountSchema>> {
  return declareEach(schemas, (schema) => {
    return new logic.IntegrationAccountSchema(
      artifactLogicalName(ctx, "schema", schema.name),
      {
        resourceGroupName: ctx.resourceGroupName,
        integrationAccountName: ctx.integrationAccountName,
        schemaName: schema.name,
        schemaType: "Xml",
        content: schema.content,
        contentType: "application/xml",
        targetNamespace: schema.targetNamespace,
        metadata: schema.metadata,
      },
      artifactOptions(ctx, [], artifactImportId(ctx, "schemas", schema.name)),
    );
  });
}
