/**
 * The offline engine's deterministic ids: ARM ids by resource type, mock callback URLs, placeholder
 * subscription and tenant. Pure (no Pulumi runtime), so the renderer's parent process can predict a
 * stack's ids (plan/render.ts, `outputsGuess`) without loading the SDK.
 */

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
