/**
 * Integration-account SKU limits (https://learn.microsoft.com/azure/logic-apps/logic-apps-limits-and-config) and the check of a catalog
 * against them. A catalog that does not fit the configured SKU is refused before anything is declared.
 */
import type { Catalog } from "./catalog";
import type { Sku } from "./config";
import { PROJECT } from "./config";
import type { Problem } from "./problems";

export interface SkuLimits {
  readonly agreements: number;
  readonly partners: number;
  readonly schemas: number;
  readonly maps: number;
  readonly certificates: number;
}

export const SKU_LIMITS: Readonly<Record<Sku, SkuLimits>> = {
  Free: { agreements: 10, partners: 25, schemas: 25, maps: 25, certificates: 25 },
  Basic: { agreements: 1, partners: 2, schemas: 500, maps: 500, certificates: 2 },
  Standard: { agreements: 1000, partners: 1000, schemas: 1000, maps: 1000, certificates: 1000 },
};

/** Problems (in the stack config file) when the catalog exceeds what `sku` allows. */
export function skuProblems(sku: Sku, catalog: Catalog, configFile: string): Problem[] {
  const limits = SKU_LIMITS[sku];
  const counts: SkuLimits = {
    agreements: catalog.agreements.length,
    partners: catalog.partners.length,
    schemas: catalog.schemas.length,
    maps: catalog.maps.length,
    certificates: catalog.certificates.length,
  };
  const over = (Object.keys(limits) as (keyof SkuLimits)[]).filter((k) => counts[k] > limits[k]);
  if (over.length === 0) return [];
  const larger = (Object.keys(SKU_LIMITS) as Sku[]).find((s) => over.every((k) => counts[k] <= SKU_LIMITS[s][k]));
  return [
    {
      file: configFile,
      path: `${PROJECT}:integrationAccountSku`,
      value: sku,
      message: `is too small for the catalog: ${over.map((k) => `${counts[k]} ${k} (the ${sku} tier allows ${limits[k]})`).join(", ")}`,
      fix:
        larger === undefined
          ? "split the catalog over several integration accounts"
          : `set b2b-dr:integrationAccountSku to ${larger}`,
    },
  ];
}

/** Advice for a SKU that works but is risky for production. */
export function skuWarning(sku: Sku): string | undefined {
  return sku === "Free"
    ? "The Free integration-account tier has no SLA and is meant for exploration only (one per region per subscription); use Standard for production."
    : undefined;
}
