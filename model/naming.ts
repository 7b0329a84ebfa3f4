/**
 * Azure names for everything b2b-dr creates, in one place.
 *
 * Region-specific resources follow the Microsoft Cloud Adoption Framework abbreviations
 * (`rg-` resource group, `ia-` integration account, `logic-` Logic App workflow, `ag-` action group,
 * `alert-` metric alert, `log-` Log Analytics workspace, `appi-` Application Insights). CAF has no
 * abbreviation for a `Microsoft.Web/connections` API connection; b2b-dr uses `conn-` and keeps it.
 *
 * Mirrored integration-account artifacts (partners, schemas, maps, certificates, agreements) are
 * NOT named here: they keep their catalog names verbatim, identical in both regions, because the
 * replication records are keyed by agreement name (the X12/EDIFACT/AS2 connectors' replication records, https://learn.microsoft.com/connectors/x12/).
 *
 * Pattern: `<prefix>-<workload>-<environment>-<region>[-<purpose>]`, lower case.
 */
import { createHash } from "crypto";
import type { Role } from "./config";
import type { StoreLocation } from "./phaseRule";

/** The workload segment of every region-specific name. */
export const WORKLOAD = "b2bdr";

/** Characters and lengths Azure accepts (https://learn.microsoft.com/azure/logic-apps/logic-apps-limits-and-config). */
export const LIMITS = {
  resourceGroup: { max: 90, pattern: /^[-\w.()]*[-\w()]$/ },
  integrationAccount: { max: 80, pattern: /^[a-zA-Z0-9_.()-]+$/ },
  workflow: { max: 80, pattern: /^[a-zA-Z0-9_.()-]+$/ },
  connection: { max: 80, pattern: /^[a-zA-Z0-9_.()-]+$/ },
  actionGroup: { max: 260, pattern: /^[a-zA-Z0-9_.()-]+$/ },
  alert: { max: 260, pattern: /^[a-zA-Z0-9_.()-]+$/ },
  /** Log Analytics workspace: 4-63 letters, digits and '-', starting and ending alphanumeric. */
  logWorkspace: { max: 63, pattern: /^[a-zA-Z0-9][a-zA-Z0-9-]{2,61}[a-zA-Z0-9]$/ },
  appInsights: { max: 260, pattern: /^[a-zA-Z0-9_.()-]+$/ },
  /** Lower-case letters and digits only, unique across Azure. */
  storageAccount: { max: 24, pattern: /^[a-z0-9]{3,24}$/ },
  /**
   * Integration-account artifacts: partners, schemas, maps, certificates, agreements. Microsoft's
   * "Naming rules and restrictions for Azure resources", Microsoft.Logic
   * (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftlogic):
   * 1-80 letters, digits and `-()._` (agreements: "not specified"; b2b-dr applies the same rule). The
   * page's general advice is to avoid a special character at the end of a name ("these characters
   * cause most validation rules to fail"); b2b-dr refuses a trailing period, which the same page
   * forbids for resource groups and locks, rather than find out at deployment.
   */
  artifact: { max: 80, pattern: /^[a-zA-Z0-9_.()-]*[a-zA-Z0-9_()-]$/ },
} as const;

export type NameKind = keyof typeof LIMITS;

/** Where a set of names lives: the environment (e.g. `prod`) and the Azure region. */
export interface NameScope {
  readonly environment: string;
  readonly region: string;
}

/** Why a name is not acceptable to Azure, or `undefined` when it is. */
export function nameProblem(kind: NameKind, name: string): string | undefined {
  const limit = LIMITS[kind];
  if (name.length === 0) return "is empty";
  if (name.length > limit.max) return `is ${name.length} characters long; Azure allows at most ${limit.max}`;
  if (!limit.pattern.test(name)) {
    if (kind === "storageAccount") return "must be 3-24 lower-case letters and digits";
    // Only the trailing period(s) are wrong when the name passes with them replaced by a letter.
    if (name.endsWith(".") && limit.pattern.test(`${name.replace(/\.+$/, "")}a`)) {
      return "ends with a period, which Azure refuses";
    }
    return "contains characters Azure refuses; use letters, digits, '-', '_', '.', '(' and ')'";
  }
  return undefined;
}

function checked(kind: NameKind, name: string): string {
  const problem = nameProblem(kind, name);
  if (problem !== undefined) {
    throw new Error(`The ${kind} name "${name}" ${problem}. Shorten the environment name or the purpose.`);
  }
  return name;
}

function base(prefix: string, scope: NameScope): string {
  return `${prefix}-${WORKLOAD}-${scope.environment}-${scope.region}`.toLowerCase();
}

/** `rg-b2bdr-prod-westeurope` */
export function resourceGroupName(scope: NameScope): string {
  return checked("resourceGroup", base("rg", scope));
}

/** `ia-b2bdr-prod-westeurope` */
export function integrationAccountName(scope: NameScope): string {
  return checked("integrationAccount", base("ia", scope));
}

/** `logic-b2bdr-prod-northeurope-x12-replication` */
export function workflowName(scope: NameScope, purpose: string): string {
  return checked("workflow", `${base("logic", scope)}-${purpose.toLowerCase()}`);
}

/** `conn-b2bdr-prod-northeurope-x12-source` */
export function connectionName(scope: NameScope, purpose: string): string {
  return checked("connection", `${base("conn", scope)}-${purpose.toLowerCase()}`);
}

/** Name of the `CanNotDelete` lock on an integration account. */
export function lockName(scope: NameScope): string {
  return `lock-${integrationAccountName(scope)}`;
}

/** `log-b2bdr-prod-northeurope`: the Log Analytics workspace of the switch announcements (monitoring.ts). */
export function logWorkspaceName(scope: NameScope): string {
  return checked("logWorkspace", base("log", scope));
}

/** `appi-b2bdr-prod-northeurope`: the Application Insights resource the runbook sends switch events to. */
export function appInsightsName(scope: NameScope): string {
  return checked("appInsights", base("appi", scope));
}

/** `ag-b2bdr-prod-northeurope-replication` */
export function actionGroupName(scope: NameScope, purpose: string): string {
  return checked("actionGroup", `${base("ag", scope)}-${purpose.toLowerCase()}`);
}

/** Action groups also need a short name (SMS/e-mail sender), at most 12 characters. */
export function actionGroupShortName(purpose: string): string {
  return `b2bdr-${purpose}`.slice(0, 12);
}

/** `alert-b2bdr-prod-northeurope-x12-replication-runs-failed` */
export function alertName(scope: NameScope, purpose: string): string {
  return checked("alert", `${base("alert", scope)}-${purpose.toLowerCase()}`);
}

/**
 * `stb2bdrprod1a2b3c4d5e6f7g`: the storage account of the DR state store (components/drStateStore.ts).
 *
 * Storage account names are 3–24 lower-case letters and digits and unique across all of Azure
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules#microsoftstorage),
 * so the readable `<prefix>-…-<region>` pattern does not fit. The name is `st` + workload + up to four
 * letters/digits of the environment + a 13-character hash of subscription, environment and region:
 * deterministic (the same stack always gets the same name; nothing random in the inputs, no state
 * needed), different per region and environment, and unique across Azure with high probability
 * because the subscription id is. This is the same idea as ARM's `uniqueString(subscription().id, …)`.
 * A collision with another tenant's account fails the deployment with `StorageAccountAlreadyTaken`.
 */
export function storageAccountName(scope: NameScope, subscriptionId: string): string {
  const env = scope.environment
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "")
    .slice(0, 4);
  const digest = createHash("sha256")
    .update(`${subscriptionId.toLowerCase()}/${scope.environment.toLowerCase()}/${scope.region.toLowerCase()}`)
    .digest();
  // 13 base-36 characters from the first 8 bytes (64 bits) of the digest.
  const hash = digest.readBigUInt64BE(0).toString(36).padStart(13, "0").slice(-13);
  return checked("storageAccount", `st${WORKLOAD}${env}${hash}`);
}

/** The blob container of the DR state store (components/drStateStore.ts). */
export const DR_STATE_CONTAINER = "b2b-dr";

/**
 * Where a region's DR state store is, from its scope and subscription alone (public-cloud blob
 * endpoint): the secondary's own store before it has published it, and the offline plan's guess.
 */
export function stateStoreLocation(scope: NameScope, subscriptionId: string): StoreLocation {
  const accountName = storageAccountName(scope, subscriptionId);
  return { accountName, blobEndpoint: `https://${accountName}.blob.core.windows.net/`, container: DR_STATE_CONTAINER };
}

// --- partner ingress (components/ingress.ts) -------------------------------------------------------

/** `rg-b2bdr-prod-westeurope-ingress`: the ingress has its own resource group in each region. */
export function ingressResourceGroupName(scope: NameScope): string {
  return `${resourceGroupName(scope)}-ingress`;
}

/** `apim-b2bdr-prod-westeurope`: API Management names are global (`<name>.azure-api.net`), 1-50 characters. */
export function gatewayServiceName(scope: NameScope): string {
  const name = `apim-${WORKLOAD}-${scope.environment}-${scope.region}`.toLowerCase();
  if (name.length > 50)
    throw new Error(`The API Management name "${name}" is longer than 50 characters. Shorten the environment name.`);
  return name;
}

/** `afd-b2bdr-prod`: the one Front Door profile of the pair. */
export function frontDoorProfileName(environment: string): string {
  return `afd-${WORKLOAD}-${environment}`.toLowerCase();
}

/** `fde-b2bdr-prod`: its endpoint; Azure appends a hash to make the host name (`fde-b2bdr-prod-<hash>.z01.azurefd.net`). */
export function frontDoorEndpointName(environment: string): string {
  return `fde-${WORKLOAD}-${environment}`.toLowerCase();
}

export const ORIGIN_GROUP_NAME = "og-b2bdr-gateways";

/** Origins are named by role, not region, so the runbook finds them whatever the regions are. */
export function originName(role: Role): string {
  return `origin-${role}`;
}

export function routeName(flow: string): string {
  return `route-${flow}`;
}
