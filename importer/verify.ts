/**
 * The importer's own round-trip check: the written catalog is loaded with the real loader and the
 * agreement content built with the real builders, and every artifact is compared with the live one
 * under the documented normalisation (`normalise.ts`). Any difference is a loss, never silent.
 */
import { buildAgreementContent, Catalog } from "../model/catalog";
import { ArtifactKind, comparable, differences } from "./normalise";
import type { LiveAccount } from "./live";
import type { Loss } from "./convert";

/** The inputs b2b-dr declares for each artifact of `catalog` in the primary region (as in components/integrationAccount). */
export function declaredInputs(catalog: Catalog): Record<ArtifactKind, Map<string, Record<string, unknown>>> {
  return {
    partner: new Map(
      catalog.partners.map((p) => [
        p.name,
        {
          partnerType: "B2B",
          content: {
            b2b: { businessIdentities: p.identities.map((i) => ({ qualifier: i.qualifier, value: i.value })) },
          },
          metadata: p.metadata,
        },
      ]),
    ),
    schema: new Map(
      catalog.schemas.map((s) => [
        s.name,
        {
          schemaType: "Xml",
          content: s.content,
          contentType: "application/xml",
          targetNamespace: s.targetNamespace,
          metadata: s.metadata,
        },
      ]),
    ),
    map: new Map(
      catalog.maps.map((m) => [
        m.name,
        { mapType: m.mapType, content: m.content, contentType: m.contentType, metadata: m.metadata },
      ]),
    ),
    certificate: new Map(
      catalog.certificates.map((c) => [
        c.name,
        {
          publicCertificate: c.publicCertificate,
          key: c.privateKey && {
            keyName: c.privateKey.keyName,
            keyVersion: c.privateKey.keyVersion,
            keyVault: { id: c.privateKey.keyVault.primary },
          },
          metadata: c.metadata,
        },
      ]),
    ),
    agreement: new Map(
      catalog.agreements.map((a) => [
        a.name,
        {
          agreementType: a.protocol,
          hostPartner: a.host.partner,
          guestPartner: a.guest.partner,
          hostIdentity: a.host.identity,
          guestIdentity: a.guest.identity,
          content: buildAgreementContent(
            a,
            a.mdnReceiptWorkflow === undefined ? {} : { receiptDeliveryUrl: "[secret]" },
          ),
          metadata: a.metadata,
        },
      ]),
    ),
  };
}

/** The live artifacts of each kind, as properties (schemas and maps with their content). */
export function liveProperties(live: LiveAccount): Record<ArtifactKind, Map<string, Record<string, unknown>>> {
  const withContent = (items: LiveAccount["schemas"]) =>
    new Map(items.map((x) => [x.name, { ...x.properties, content: x.content }]));
  return {
    partner: new Map(live.partners.map((x) => [x.name, x.properties])),
    schema: withContent(live.schemas),
    map: withContent(live.maps),
    certificate: new Map(live.certificates.map((x) => [x.name, x.properties])),
    agreement: new Map(live.agreements.map((x) => [x.name, x.properties])),
  };
}

/** Differences between the live account and what the catalog declares, not already listed in `known`. */
export function roundTripLosses(live: LiveAccount, catalog: Catalog, known: readonly Loss[]): Loss[] {
  const declared = declaredInputs(catalog);
  const actual = liveProperties(live);
  const out: Loss[] = [];
  for (const kind of Object.keys(actual) as ArtifactKind[]) {
    for (const [name, props] of actual[kind]) {
      const artifact = `${kind} ${name}`;
      const mine = declared[kind].get(name);
      if (mine === undefined) {
        if (!known.some((l) => l.artifact === artifact))
          out.push({ artifact, field: "(all)", reason: "is not in the imported catalog" });
        continue;
      }
      const liveForm = comparable(kind, props);
      const catalogForm = comparable(kind, mine);
      for (const path of differences(liveForm, catalogForm)) {
        const leaf = path.split(".").slice(-2).join(".");
        if (known.some((l) => l.artifact === artifact && (l.field === path || l.field.endsWith(leaf)))) continue;
        out.push({ artifact, field: path, reason: "differs between the live account and the imported catalog" });
      }
    }
  }
  return out;
}
