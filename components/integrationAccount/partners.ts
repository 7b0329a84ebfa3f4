/** Integration-account partners, one per catalog partner, named as in the catalog. */
import * as logic from "@pulumi/azure-native/logic";
import type { Partner } from "../../model/catalog";
import { ArtifactContext, artifactImportId, artifactLogicalName, artifactOptions, declareEach } from "./context";

export function declarePartners(
  ctx: ArtifactContext,
  partners: readonly Partner[],
): Promise<Map<string, logic.IntegrationAccountPartner>> {
  return declareEach(partners, (partner) => {
    return new logic.IntegrationAccountPartner(
      artifactLogicalName(ctx, "partner", partner.name),
      {
        resourceGroupName: ctx.resourceGroupName,
        integrationAccountName: ctx.integrationAccountName,
        partnerName: partner.name,
        partnerType: "B2B",
        content: {
          b2b: { businessIdentities: partner.identities.map((id) => ({ qualifier: id.qualifier, value: id.value })) },
        },
        metadata: partner.metadata,
      },
      artifactOptions(ctx, [], artifactImportId(ctx, "partners", partner.name)),
    );
  });
}
