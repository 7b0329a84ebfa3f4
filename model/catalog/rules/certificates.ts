/**
 * Rules of `artifacts.yaml` `certificates:`: names, a public certificate file and/or a Key Vault
 * private key per region, and a warning for a certificate that expires soon.
 */
import type { Problem } from "../../problems";
import type { CatalogDirectory } from "../directory";
import { checkCertificate, keyVaultIdProblem } from "../files";
import type { CertificateArtifact } from "../model";
import type { ArtifactsFile } from "../schema";
import type { YamlSource } from "../yamlFile";
import { Checked, locate, nameProblems } from "./result";

/** A certificate expiring within this many days draws a warning. */
export const CERTIFICATE_WARNING_DAYS = 30;

export function checkCertificates(
  certificates: ArtifactsFile["certificates"],
  source: YamlSource | undefined,
  file: string,
  dir: CatalogDirectory,
  /** The current time (ms since the epoch), for the expiry warning. */
  now: number,
): Checked<CertificateArtifact[]> {
  const problems: Problem[] = nameProblems(certificates, "certificate", "certificates", source, file);
  const warnings: string[] = [];
  const value: CertificateArtifact[] = [];
  certificates.forEach((c, i) => {
    const p = ["certificates", i];
    if (c.publicCertificate === undefined && c.privateKey === undefined) {
      return void problems.push(
        locate(
          source,
          file,
          p,
          c.name,
          "has neither publicCertificate nor privateKey",
          "give the public certificate file, a Key Vault privateKey, or both",
        ),
      );
    }
    let publicCertificate: string | undefined;
    let notAfter: string | undefined;
    if (c.publicCertificate !== undefined) {
      const at = [...p, "publicCertificate"];
      const read = dir.read(c.publicCertificate);
      if (!read.ok) return void problems.push(locate(source, file, at, c.publicCertificate, read.message, read.fix));
      const check = checkCertificate(read.bytes);
      if (!check.ok) return void problems.push(locate(source, file, at, c.publicCertificate, check.message, check.fix));
      publicCertificate = check.value.base64;
      notAfter = check.value.notAfter;
    }
    for (const role of ["primary", "secondary"] as const) {
      const id = c.privateKey?.keyVault[role];
      const bad = id === undefined ? undefined : keyVaultIdProblem(id);
      if (bad !== undefined)
        problems.push(
          locate(
            source,
            file,
            [...p, "privateKey", "keyVault", role],
            id,
            bad,
            "copy the vault's resource id from the Azure portal (Properties → Resource ID)",
          ),
        );
    }
    value.push({
      name: c.name,
      publicCertificate,
      notAfter,
      privateKey: c.privateKey && {
        keyName: c.privateKey.keyName,
        keyVersion: c.privateKey.keyVersion,
        keyVault: c.privateKey.keyVault,
      },
      metadata: c.metadata,
    });
    if (notAfter !== undefined && Date.parse(notAfter) < now + CERTIFICATE_WARNING_DAYS * 86_400_000) {
      warnings.push(
        `${file}: certificate ${c.name} expires on ${notAfter}; renew it with the partner before it breaks AS2 traffic.`,
      );
    }
  });
  return { value, problems, warnings };
}
