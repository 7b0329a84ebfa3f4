/**
 * The offline engine's deterministic ids: ARM ids by resource type, mock callback URLs, placeholder
 * subscription and tenant, and the values Azure computes on creation that the program reads. Pure (no Pulumi runtime), so the renderer's parent process can predict a
 * stack's ids (plan/render.ts, `outputsGuess`) without loading the SDK.
 */
import { createHash } from "crypto";
import * as naming from "../model/naming";

/** The subscription id used in ids when the stack config sets none (`azure-native:subscriptionId`). */
export const PLACEHOLDER_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
export const PLACEHOLDER_TENANT = "00000000-0000-0000-0000-00000000aaaa";

/** How each Azure resource type gets its ARM id: the name input and the id under its scope. */
export interface ArmShape {
  readonly nameInput: string;
  readonly id: (inputs: Record<string, string>, sub: string) => string;
}

const rg = (i: Record<string, string>, sub: string) => `/subscriptions/${sub}/resourceGroups/${i.resourceGroupName}`;
const ia = (i: Record<string, string>, sub: string) =>
  `${rg(i, sub)}/providers/Microsoft.Logic/integrationAccounts/${i.integrationAccountName}`;

const apim = (i: Record<string, string>, sub: string) =>
  `${rg(i, sub)}/providers/Microsoft.ApiManagement/service/${i.serviceName}`;
const profile = (i: Record<string, string>, sub: string) =>
  `${rg(i, sub)}/providers/Microsoft.Cdn/profiles/${i.profileName}`;

export const ARM_SHAPES: Readonly<Record<string, ArmShape>> = {
  "azure-native:resources:ResourceGroup": { nameInput: "resourceGroupName", id: rg },
  "azure-native:logic:IntegrationAccount": { nameInput: "integrationAccountName", id: ia },
  "azure-native:logic:IntegrationAccountPartner": {
    nameInput: "partnerName",
    id: (i, s) => `${ia(i, s)}/partners/${i.partnerName}`,
  },
  "azure-native:logic:IntegrationAccountSchema": {
    nameInput: "schemaName",
    id: (i, s) => `${ia(i, s)}/schemas/${i.schemaName}`,
  },
  "azure-native:logic:IntegrationAccountMap": { nameInput: "mapName", id: (i, s) => `${ia(i, s)}/maps/${i.mapName}` },
  "azure-native:logic:IntegrationAccountCertificate": {
    nameInput: "certificateName",
    id: (i, s) => `${ia(i, s)}/certificates/${i.certificateName}`,
  },
  "azure-native:logic:IntegrationAccountAgreement": {
    nameInput: "agreementName",
    id: (i, s) => `${ia(i, s)}/agreements/${i.agreementName}`,
  },
  "azure-native:logic:Workflow": {
    nameInput: "workflowName",
    id: (i, s) => `${rg(i, s)}/providers/Microsoft.Logic/workflows/${i.workflowName}`,
  },
  "azure-native:web:Connection": {
    nameInput: "connectionName",
    id: (i, s) => `${rg(i, s)}/providers/Microsoft.Web/connections/${i.connectionName}`,
  },
  "azure-native:authorization:ManagementLockAtResourceLevel": {
    nameInput: "lockName",
    id: (i, s) =>
      `${rg(i, s)}/providers/${i.resourceProviderNamespace}/${i.resourceType}/${i.resourceName}/providers/Microsoft.Authorization/locks/${i.lockName}`,
  },
  "azure-native:authorization:RoleAssignment": {
    nameInput: "roleAssignmentName",
    id: (i) => `${i.scope}/providers/Microsoft.Authorization/roleAssignments/${i.roleAssignmentName}`,
  },
  "azure-native:monitor:ActionGroup": {
    nameInput: "actionGroupName",
    id: (i, s) => `${rg(i, s)}/providers/Microsoft.Insights/actionGroups/${i.actionGroupName}`,
  },
  "azure-native:monitor:ActivityLogAlert": {
    nameInput: "activityLogAlertName",
    id: (i, s) => `${rg(i, s)}/providers/Microsoft.Insights/activityLogAlerts/${i.activityLogAlertName}`,
  },
  "azure-native:operationalinsights:Workspace": {
    nameInput: "workspaceName",
    id: (i, s) => `${rg(i, s)}/providers/Microsoft.OperationalInsights/workspaces/${i.workspaceName}`,
  },
  "azure-native:applicationinsights:Component": {
    nameInput: "resourceName",
    id: (i, s) => `${rg(i, s)}/providers/Microsoft.Insights/components/${i.resourceName}`,
  },
  "azure-native:monitor:ScheduledQueryRule": {
    nameInput: "ruleName",
    id: (i, s) => `${rg(i, s)}/providers/Microsoft.Insights/scheduledQueryRules/${i.ruleName}`,
  },
  "azure-native:applicationinsights:Workbook": {
    nameInput: "resourceName",
    id: (i, s) => `${rg(i, s)}/providers/Microsoft.Insights/workbooks/${i.resourceName}`,
  },
  "azure-native:storage:StorageAccount": {
    nameInput: "accountName",
    id: (i, s) => `${rg(i, s)}/providers/Microsoft.Storage/storageAccounts/${i.accountName}`,
  },
  "azure-native:storage:BlobContainer": {
    nameInput: "containerName",
    id: (i, s) =>
      `${rg(i, s)}/providers/Microsoft.Storage/storageAccounts/${i.accountName}/blobServices/default/containers/${i.containerName}`,
  },
  "azure-native:monitor:MetricAlert": {
    nameInput: "ruleName",
    id: (i, s) => `${rg(i, s)}/providers/Microsoft.Insights/metricAlerts/${i.ruleName}`,
  },
  // Partner ingress (components/ingress.ts): API Management, Front Door Standard, Azure DNS.
  "azure-native:apimanagement:ApiManagementService": { nameInput: "serviceName", id: apim },
  "azure-native:apimanagement:NamedValue": {
    nameInput: "namedValueId",
    id: (i, s) => `${apim(i, s)}/namedValues/${i.namedValueId}`,
  },
  "azure-native:apimanagement:Api": { nameInput: "apiId", id: (i, s) => `${apim(i, s)}/apis/${i.apiId}` },
  "azure-native:apimanagement:ApiOperation": {
    nameInput: "operationId",
    id: (i, s) => `${apim(i, s)}/apis/${i.apiId}/operations/${i.operationId}`,
  },
  "azure-native:apimanagement:ApiPolicy": {
    nameInput: "policyId",
    id: (i, s) => `${apim(i, s)}/apis/${i.apiId}/policies/${i.policyId}`,
  },
  "azure-native:cdn:Profile": { nameInput: "profileName", id: profile },
  "azure-native:cdn:AFDEndpoint": {
    nameInput: "endpointName",
    id: (i, s) => `${profile(i, s)}/afdEndpoints/${i.endpointName}`,
  },
  "azure-native:cdn:AFDOriginGroup": {
    nameInput: "originGroupName",
    id: (i, s) => `${profile(i, s)}/originGroups/${i.originGroupName}`,
  },
  "azure-native:cdn:AFDOrigin": {
    nameInput: "originName",
    id: (i, s) => `${profile(i, s)}/originGroups/${i.originGroupName}/origins/${i.originName}`,
  },
  "azure-native:cdn:Route": {
    nameInput: "routeName",
    id: (i, s) => `${profile(i, s)}/afdEndpoints/${i.endpointName}/routes/${i.routeName}`,
  },
  "azure-native:cdn:AFDCustomDomain": {
    nameInput: "customDomainName",
    id: (i, s) => `${profile(i, s)}/customDomains/${i.customDomainName}`,
  },
  "azure-native:dns:RecordSet": {
    nameInput: "relativeRecordSetName",
    id: (i, s) =>
      `${rg(i, s)}/providers/Microsoft.Network/dnszones/${i.zoneName}/${i.recordType}/${i.relativeRecordSetName}`,
  },
};

/** The ARM id the offline engine gives a resource of `type` with these (name) inputs. */
export function armId(type: string, inputs: Record<string, string>, subscriptionId: string): string {
  const shape = ARM_SHAPES[type];
  if (shape === undefined) throw new Error(`The offline engine has no ARM id shape for resource type ${type}.`);
  return shape.id(inputs, subscriptionId);
}

/** The mock callback URL of an integration account: recognisable, and shaped like a SAS URL. */
export function mockCallbackUrl(resourceGroupName: string, integrationAccountName: string): string {
  return `https://mock.logic.invalid/integrationAccounts/${resourceGroupName}/${integrationAccountName}?api-version=2015-08-1-preview&sp=%2F%2F%2A&sv=1.0&sig=MOCKED-SAS-SIGNATURE`;
}

// --- values Azure computes on creation -------------------------------------------------------------
// The gateway URL, the Front Door id, the endpoint's host name, a domain's validation token: the
// program reads them. Deterministic functions of the ARM id, so two runs give the same plan.

function digest(text: string): string {
  return createHash("sha256").update(text.toLowerCase()).digest("hex");
}

/** The Front Door id (`X-Azure-FDID`) the offline engine gives the profile with this ARM id. */
export function mockFrontDoorId(profileId: string): string {
  const h = digest(profileId);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** The host name the offline engine gives the Front Door endpoint with this ARM id (Azure adds a hash). */
export function mockEndpointHostName(endpointName: string, endpointId: string): string {
  return `${endpointName}-${digest(endpointId).slice(0, 16)}.z01.azurefd.net`;
}

/** Output properties Azure computes for these types, as the offline engine fakes them. */
export function computedState(type: string, inputs: Record<string, string>, id: string): Record<string, unknown> {
  switch (type) {
    case "azure-native:apimanagement:ApiManagementService":
      return { gatewayUrl: `https://${inputs.serviceName}.azure-api.net` };
    case "azure-native:cdn:Profile":
      return { frontDoorId: mockFrontDoorId(id) };
    case "azure-native:cdn:AFDEndpoint":
      return { hostName: mockEndpointHostName(inputs.endpointName ?? "", id) };
    case "azure-native:cdn:AFDCustomDomain":
      return { validationProperties: { validationToken: `mock-${digest(id).slice(0, 24)}` } };
    default:
      return {};
  }
}

/**
 * The ingress outputs the secondary will publish, as the offline engine will compute them: part of
 * the primary's first guess of the secondary's outputs (plan/render.ts `outputsGuess`), so that the
 * primary's first render reads the Front Door id and endpoint host it will be checked against. A
 * wrong guess costs one more render, never a wrong plan.
 */
export function ingressGuess(config: Readonly<Record<string, string>>, subscriptionId: string): Record<string, string> {
  const environment = config["b2b-dr:environment"];
  const region = config["b2b-dr:region"];
  if (environment === undefined || region === undefined) return {};
  const resourceGroupName = naming.ingressResourceGroupName({ environment, region });
  const profileName = naming.frontDoorProfileName(environment);
  const profileId = armId("azure-native:cdn:Profile", { resourceGroupName, profileName }, subscriptionId);
  const endpointName = naming.frontDoorEndpointName(environment);
  return {
    ingressFrontDoorId: mockFrontDoorId(profileId),
    ingressEndpointHostName: mockEndpointHostName(
      endpointName,
      armId("azure-native:cdn:AFDEndpoint", { resourceGroupName, profileName, endpointName }, subscriptionId),
    ),
  };
}
