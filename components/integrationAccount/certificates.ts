/**
 * Integration-account certificates, one per catalog certificate, named as in the catalog. The public
 * part is identical in both regions; the private key points at this region's Key Vault.
 */
import * as logic from "@pulumi/azure-native/logic";
import type { CertificateArtifact } from "../../model/catalog";
import { ArtifactContext, artifactImportId, artifactLogicalName, artifactOptions, declareEach } from "./context";

export function declareCertificates(
  ctx: ArtifactContext,
  certificates: readonly CertificateArtifact[],
): Promise<Map<string, logic.IntegrationAccountCertificate>> {
  return declareEach(certificates, (cert) => {
    const key = cert.privateKey;
    return new logic.IntegrationAccountCertificate(
      artifactLogicalName(ctx, "certificate", cert.name),
      {
        resourceGroupName: ctx.resourceGroupName,
        integrationAccountName: ctx.integrationAccountName,
        certificateName: cert.name,
        publicCertificate: cert.publicCertificate,
        key: key && { keyName: key.keyName, keyVersion: key.keyVersion, keyVault: { id: key.keyVault[ctx.role] } },
        metadata: cert.metadata,
      },
      artifactOptions(ctx, [], artifactImportId(ctx, "certificates", cert.name)),
    );
  });
}
