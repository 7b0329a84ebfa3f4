/**
 * The trading-partner catalog: loading (`loader.ts`), the rules of each artifact kind (`rules/`),
 * the file checks (`files.ts`), the file format (`schema.ts`) and the agreement content builders
 * (`agreements.ts`).
 */
import type { Catalog, Protocol } from "./model";
import { PROTOCOLS } from "./schema";

export * from "./model";
export { buildAgreementContent, generatedControlNumbers } from "./agreements";
export { CATALOG_FILES, LoadOptions, loadCatalog } from "./loader";
export * from "./inbound";
export { CERTIFICATE_WARNING_DAYS } from "./rules/certificates";

/** Protocols the catalog's agreements use, in the order X12, EDIFACT, AS2. */
export function protocolsInUse(catalog: Pick<Catalog, "agreements">): Protocol[] {
  return PROTOCOLS.filter((p) => catalog.agreements.some((a) => a.protocol === p));
}
