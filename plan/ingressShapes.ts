/**
 * The offline engine's knowledge of the ingress resource types (API Management, Front Door Standard,
 * Azure DNS): how each gets its ARM id, and the values Azure computes on creation that the program
 * reads (the gateway URL, the Front Door id, the endpoint's host name, a domain's validation token).
 * Computed values are deterministic functions of the ARM id, so two runs give the same plan.
 */
import { createHash } from "crypto";
import { frontDoorEndpointName, frontDoorProfileName, ingressResourceGroupName } from "../components/ingress";

interface Shape {
  readonly nameInput: string;
  readonly id: (inputs: Record<string, string>, sub: string) => string;
}

const rg = (i: Record<string, string>, sub: string) => `/subscriptions/${sub}/resourceGroups/${i.resourceGroupName}`;
const apim = (i: Record<string, string>, sub: string) =>
  `${rg(i, sub)}/providers/Microsoft.ApiManagement/service/${i.serviceName}`;
const profile = (i: Record<string, string>, sub: string) =>
  `${rg(i, sub)}/providers/Microsoft.Cdn/profiles/${i.profileName}`;

export const INGRESS_ARM_SHAPES: Readonly<Record<string, Shape>> = {
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
 * the primary's first guess of the secondary's outputs (plan/render.ts `configGuess`), so that the
 * primary's first render reads the Front Door id and endpoint host it will be checked against. A
 * wrong guess costs one more render, never a wrong plan.
 */
export function ingressGuess(config: Readonly<Record<string, string>>, subscriptionId: string): Record<string, string> {
  const environment = config["b2b-dr:environment"];
  const region = config["b2b-dr:region"];
  if (environment === undefined || region === undefined) return {};
  const rgName = ingressResourceGroupName({ environment, region });
  const profileId = `/subscriptions/${subscriptionId}/resourceGroups/${rgName}/providers/Microsoft.Cdn/profiles/${frontDoorProfileName(environment)}`;
  const endpointName = frontDoorEndpointName(environment);
  return {
    ingressFrontDoorId: mockFrontDoorId(profileId),
    ingressEndpointHostName: mockEndpointHostName(endpointName, `${profileId}/afdEndpoints/${endpointName}`),
  };
}
