/**
 * Partner ingress: one stable URL per inbound flow that follows the DR phase (docs/ingress.md).
 *
 * - **Per region** (both stacks): an API Management service on the Consumption tier, in its own
 *   resource group `rg-b2bdr-<env>-<region>-ingress`, with one API per inbound flow. Its backend is
 *   that region's workflow Request trigger: the callback URL's query credentials (`api-version`,
 *   `sp`, `sv`, `sig`) live in secret named values, and the API policy rewrites the URL with them.
 *   Partners need no subscription key; only this pair's Front Door may call the gateway (the policy
 *   checks the `X-Azure-FDID` header against the profile's Front Door id). A `GET` on a flow's path
 *   is answered by the gateway itself with the region's name: the probe the runbook uses, which
 *   never reaches the workflow.
 * - **Global** (the secondary stack only): one Front Door Standard profile with one endpoint, one
 *   origin group without health probes, one origin per region (that region's gateway) and one route
 *   per flow, plus an optional custom domain with a managed certificate and its DNS records.
 *
 * The secondary owns the global resources because the switch must work with the primary region
 * down: the phase is the secondary's config, the failover runs `pulumi up` on the secondary only,
 * and a resource group in the primary region may be unreachable during its outage (Front Door keeps
 * its metadata in its resource group's region). The primary reads the Front Door id and endpoint
 * host from the secondary's outputs; the secondary reads the primary's gateway host from the
 * primary's outputs. Both are StackReference reads of the state backend, never calls into a region.
 *
 * The phase enables exactly one origin, the active region's: the same phase that enables the
 * business workflows. Without health probes and with one enabled origin, Front Door never moves
 * traffic by itself (control numbers must be bumped first).
 */
import * as pulumi from "@pulumi/pulumi";
import * as apimanagement from "@pulumi/azure-native/apimanagement";
import * as cdn from "@pulumi/azure-native/cdn";
import * as dns from "@pulumi/azure-native/dns";
import * as logic from "@pulumi/azure-native/logic";
import * as resources from "@pulumi/azure-native/resources";
import type { Inbound, InboundFlow } from "../model/catalog/inbound";
import type { Role } from "../model/config";
import * as naming from "../model/naming";
import { TAG } from "../model/tags";
import { REGION_HEADER } from "../model/ingressContract";

// --- names ----------------------------------------------------------------------------------------

// Azure names of the ingress resources: model/naming.ts.

/** Named value ids of one flow's callback URL parts, and of the Front Door id. */
export const NAMED_VALUE = {
  frontDoorId: "b2bdr-frontdoor-id",
  part: (flow: string, part: CallbackPart) => `b2bdr-${flow}-${part}`,
} as const;

export const CALLBACK_PARTS = ["api-version", "sp", "sv", "sig"] as const;
export type CallbackPart = (typeof CALLBACK_PARTS)[number];

export { REGION_HEADER } from "../model/ingressContract";

// --- cost ----------------------------------------------------------------------------------------

/**
 * Fixed monthly prices in USD, from Microsoft's public price lists (list prices, pay-as-you-go):
 * Front Door Standard's base fee (https://azure.microsoft.com/pricing/details/frontdoor/) and API
 * Management Consumption, which has no fixed fee, only per-call charges after a monthly free grant
 * (https://azure.microsoft.com/pricing/details/api-management/). Read 2026-11; prices change and
 * differ per currency and agreement: check them before relying on the total.
 */
export const INGRESS_PRICES_USD = {
  frontDoorStandardBasePerMonth: 35,
  apiManagementConsumptionFixedPerMonth: 0,
} as const;

/** The ingress's fixed monthly cost: one Front Door Standard profile plus two Consumption gateways. */
export function ingressMonthlyFixedCostUsd(flows: number): number {
  if (flows === 0) return 0;
  return (
    INGRESS_PRICES_USD.frontDoorStandardBasePerMonth + 2 * INGRESS_PRICES_USD.apiManagementConsumptionFixedPerMonth
  );
}

// --- the gateway policy --------------------------------------------------------------------------

function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * The API policy of one flow in one region (API Management policy XML). In order:
 * 1. `check-header`: only requests carrying this pair's Front Door id pass (403 otherwise);
 * 2. a `GET` is the probe: answered here with the region, never forwarded to the workflow;
 * 3. `rewrite-uri` to the trigger's invoke path (the partner's own query is dropped), then
 *    `set-query-parameter` for each callback URL part from its named value (`{{…}}`; the signature
 *    is a secret named value, never in the policy text).
 * Every response carries the region header, so a probe or a partner can tell which region answered.
 */
export function gatewayPolicy(flow: Pick<InboundFlow, "name" | "trigger">, region: string): string {
  const part = (p: CallbackPart) => `{{${NAMED_VALUE.part(flow.name, p)}}}`;
  return [
    "<policies>",
    "  <inbound>",
    "    <base />",
    `    <check-header name="X-Azure-FDID" failed-check-httpcode="403" failed-check-error-message="Call the partner URL, not the regional gateway." ignore-case="true">`,
    `      <value>{{${NAMED_VALUE.frontDoorId}}}</value>`,
    "    </check-header>",
    "    <choose>",
    `      <when condition="@(context.Request.Method == &quot;GET&quot;)">`,
    "        <return-response>",
    `          <set-status code="200" reason="OK" />`,
    `          <set-header name="${REGION_HEADER}" exists-action="override"><value>${xml(region)}</value></set-header>`,
    `          <set-body>${xml(JSON.stringify({ flow: flow.name, region }))}</set-body>`,
    "        </return-response>",
    "      </when>",
    "    </choose>",
    `    <rewrite-uri template="${xml(`/${encodeURIComponent(flow.trigger)}/paths/invoke`)}" copy-unmatched-params="false" />`,
    ...CALLBACK_PARTS.map(
      (p) =>
        `    <set-query-parameter name="${p}" exists-action="override"><value>${part(p)}</value></set-query-parameter>`,
    ),
    "  </inbound>",
    "  <backend>",
    "    <base />",
    "  </backend>",
    "  <outbound>",
    "    <base />",
    `    <set-header name="${REGION_HEADER}" exists-action="override"><value>${xml(region)}</value></set-header>`,
    "  </outbound>",
    "  <on-error>",
    "    <base />",
    "  </on-error>",
    "</policies>",
  ].join("\n");
}

/**
 * The API's backend: the callback URL's base path up to `/triggers` (the policy appends
 * `/<trigger>/paths/invoke`). Fails loudly on a base path of another shape.
 */
export function backendServiceUrl(basePath: string, trigger: string): string {
  const suffix = `/triggers/${trigger}/paths/invoke`;
  const at = basePath.toLowerCase().lastIndexOf(suffix.toLowerCase());
  if (at < 0 || at + suffix.length !== basePath.length) {
    throw new pulumi.RunError(
      `The callback base path of trigger ${trigger} is ${basePath}; b2b-dr expects it to end in ${suffix}.`,
    );
  }
  return basePath.slice(0, at + "/triggers".length);
}

// --- the component -------------------------------------------------------------------------------

/** What this stack reads from the other stack's outputs (StackReference), never from its region. */
export interface IngressPeer {
  /** The primary's gateway host (read by the secondary, which declares the primary's origin). */
  readonly gatewayHost: () => pulumi.Output<string | undefined>;
  /** The secondary's Front Door id and endpoint host (read by the primary). */
  readonly frontDoorId: () => pulumi.Output<string | undefined>;
  readonly endpointHostName: () => pulumi.Output<string | undefined>;
}

export interface PartnerIngressArgs {
  readonly role: Role;
  readonly scope: naming.NameScope;
  readonly inbound: Inbound;
  /** The role whose region receives partner traffic in this phase: its origin is the one enabled. */
  readonly activeRole: Role;
  readonly peer: IngressPeer;
  readonly tags: Record<string, string>;
}

/** Where the runbook finds the Front Door origins (a stack output of the secondary). */
export interface FrontDoorLocation {
  readonly resourceGroupName: string;
  readonly profileName: string;
  readonly originGroupName: string;
  readonly origins: Readonly<Record<Role, string>>;
}

export class PartnerIngress extends pulumi.ComponentResource {
  readonly resourceGroupName: pulumi.Output<string>;
  readonly gateway: apimanagement.ApiManagementService;
  /** `<name>.azure-api.net`: this region's gateway host (an origin of the Front Door). */
  readonly gatewayHost: pulumi.Output<string>;
  /** The Front Door id gateways check (`X-Azure-FDID`); from the peer on the primary. */
  readonly frontDoorId: pulumi.Output<string | undefined>;
  /** The Front Door endpoint's host name; from the peer on the primary. */
  readonly endpointHostName: pulumi.Output<string | undefined>;
  /** The one URL per flow to give partners (no credentials in it: the signature stays in the gateways). */
  readonly partnerUrls: ReadonlyMap<string, pulumi.Output<string | undefined>>;
  /** The Front Door resources (secondary only). */
  readonly frontDoor:
    { readonly profile: cdn.Profile; readonly origins: Readonly<Record<Role, cdn.AFDOrigin>> } | undefined;
  readonly frontDoorLocation: FrontDoorLocation | undefined;
  private readonly args: PartnerIngressArgs;
  private readonly prefix: string;

  constructor(name: string, args: PartnerIngressArgs, opts?: pulumi.ComponentResourceOptions) {
    super("b2b-dr:ingress:PartnerIngress", name, {}, opts);
    this.args = args;
    this.prefix = name;
    const tags = { ...args.tags, [TAG.purpose]: "ingress" };
    const rg = new resources.ResourceGroup(
      `${name}-rg`,
      { resourceGroupName: naming.ingressResourceGroupName(args.scope), location: args.scope.region, tags },
      { parent: this },
    );
    this.resourceGroupName = rg.name;
    const publisher = args.inbound.publisher!;
    this.gateway = new apimanagement.ApiManagementService(
      `${name}-gateway`,
      {
        resourceGroupName: rg.name,
        serviceName: naming.gatewayServiceName(args.scope),
        location: args.scope.region,
        sku: { name: "Consumption", capacity: 0 },
        publisherName: publisher.name,
        publisherEmail: publisher.email,
        tags,
      },
      { parent: this },
    );
    this.gatewayHost = this.gateway.gatewayUrl.apply((u) => new URL(u).host);

    if (args.role === "secondary") {
      const fd = this.declareFrontDoor(name, rg.name, tags);
      this.frontDoor = { profile: fd.profile, origins: fd.origins };
      this.frontDoorId = fd.profile.frontDoorId;
      this.endpointHostName = fd.endpoint.hostName;
      this.partnerUrls = fd.partnerUrls;
      this.frontDoorLocation = {
        resourceGroupName: naming.ingressResourceGroupName(args.scope),
        profileName: naming.frontDoorProfileName(args.scope.environment),
        originGroupName: naming.ORIGIN_GROUP_NAME,
        origins: { primary: naming.originName("primary"), secondary: naming.originName("secondary") },
      };
    } else {
      this.frontDoor = undefined;
      this.frontDoorLocation = undefined;
      this.frontDoorId = args.peer.frontDoorId();
      this.endpointHostName = args.peer.endpointHostName();
      this.partnerUrls = new Map(
        args.inbound.flows.map((f) => [f.name, partnerUrl(f, this.endpointHostName)] as const),
      );
    }
    // In the constructor: the SDK registers a component's outputs (as empty) by itself at the
    // program's next await, and only the first registration counts (the program awaits before it
    // calls connectWorkflows).
    this.registerOutputs({ gatewayHost: this.gatewayHost });
  }

  private declareFrontDoor(name: string, resourceGroupName: pulumi.Output<string>, tags: Record<string, string>) {
    const { scope, inbound, activeRole, peer } = this.args;
    const profileName = naming.frontDoorProfileName(scope.environment);
    const profile = new cdn.Profile(
      `${name}-frontdoor`,
      { resourceGroupName, profileName, location: "Global", sku: { name: "Standard_AzureFrontDoor" }, tags },
      { parent: this },
    );
    const endpoint = new cdn.AFDEndpoint(
      `${name}-endpoint`,
      {
        resourceGroupName,
        profileName: profile.name,
        endpointName: naming.frontDoorEndpointName(scope.environment),
        location: "Global",
        enabledState: "Enabled",
        autoGeneratedDomainNameLabelScope: "TenantReuse",
        tags,
      },
      { parent: this },
    );
    // No healthProbeSettings: without probes Front Door never fails over on its own.
    const group = new cdn.AFDOriginGroup(
      `${name}-origin-group`,
      {
        resourceGroupName,
        profileName: profile.name,
        originGroupName: naming.ORIGIN_GROUP_NAME,
        sessionAffinityState: "Disabled",
      },
      { parent: this },
    );
    const primaryHost = peer.gatewayHost().apply((h) => {
      if (h === undefined || h === "") {
        throw new pulumi.RunError(
          "The primary stack has no output ingressGatewayHost yet, and the Front Door needs the primary's gateway as an origin. " +
            "Run `pulumi up` on the primary stack first (docs/ingress.md, first deployment).",
        );
      }
      return h;
    });
    const hosts: Record<Role, pulumi.Output<string>> = { primary: primaryHost, secondary: this.gatewayHost };
    const origins = {} as Record<Role, cdn.AFDOrigin>;
    for (const role of ["primary", "secondary"] as const) {
      origins[role] = new cdn.AFDOrigin(
        `${name}-origin-${role}`,
        {
          resourceGroupName,
          profileName: profile.name,
          originGroupName: group.name,
          originName: naming.originName(role),
          hostName: hosts[role],
          originHostHeader: hosts[role],
          httpPort: 80,
          httpsPort: 443,
          priority: 1,
          weight: 1000,
          enforceCertificateNameCheck: true,
          // The switch: exactly one origin enabled, the active region's.
          enabledState: role === activeRole ? "Enabled" : "Disabled",
        },
        { parent: this },
      );
    }
    const partnerUrls = new Map<string, pulumi.Output<string | undefined>>();
    for (const flow of inbound.flows) {
      const domain =
        flow.customDomain === undefined
          ? undefined
          : this.declareCustomDomain(name, flow, resourceGroupName, profile, endpoint);
      new cdn.Route(
        `${name}-${naming.routeName(flow.name)}`,
        {
          resourceGroupName,
          profileName: profile.name,
          endpointName: endpoint.name,
          routeName: naming.routeName(flow.name),
          originGroup: { id: group.id },
          patternsToMatch: [flow.path, `${flow.path}/*`],
          supportedProtocols: ["Https"],
          httpsRedirect: "Disabled",
          forwardingProtocol: "HttpsOnly",
          linkToDefaultDomain: "Enabled",
          enabledState: "Enabled",
          customDomains: domain === undefined ? undefined : [{ id: domain.id }],
        },
        { parent: this, dependsOn: Object.values(origins) },
      );
      partnerUrls.set(flow.name, partnerUrl(flow, endpoint.hostName));
    }
    return { profile, endpoint, origins, partnerUrls };
  }

  private declareCustomDomain(
    name: string,
    flow: InboundFlow,
    resourceGroupName: pulumi.Output<string>,
    profile: cdn.Profile,
    endpoint: cdn.AFDEndpoint,
  ): cdn.AFDCustomDomain {
    const cd = flow.customDomain!;
    const zoneResourceGroup = /\/resourceGroups\/([^/]+)\//i.exec(cd.dnsZoneId)![1]!;
    const domain = new cdn.AFDCustomDomain(
      `${name}-domain-${flow.name}`,
      {
        resourceGroupName,
        profileName: profile.name,
        customDomainName: cd.hostName.replace(/\./g, "-"),
        hostName: cd.hostName,
        tlsSettings: { certificateType: "ManagedCertificate", minimumTlsVersion: "TLS12" },
        azureDnsZone: { id: cd.dnsZoneId },
      },
      { parent: this },
    );
    new dns.RecordSet(
      `${name}-dns-validation-${flow.name}`,
      {
        resourceGroupName: zoneResourceGroup,
        zoneName: cd.zoneName,
        recordType: "TXT",
        relativeRecordSetName: `_dnsauth.${cd.recordName}`,
        ttl: 3600,
        txtRecords: [{ value: [domain.validationProperties.apply((v) => v.validationToken)] }],
      },
      { parent: this },
    );
    new dns.RecordSet(
      `${name}-dns-cname-${flow.name}`,
      {
        resourceGroupName: zoneResourceGroup,
        zoneName: cd.zoneName,
        recordType: "CNAME",
        relativeRecordSetName: cd.recordName,
        ttl: 3600,
        cnameRecord: { cname: endpoint.hostName },
      },
      { parent: this },
    );
    return domain;
  }

  /**
   * Declares each flow's API in this region's gateway, backed by `workflows` (catalog name → the
   * region's workflow, in `workflowResourceGroupName`): called once the business workflows exist, since their trigger callback URLs
   * are read from them.
   */
  connectWorkflows(
    workflows: ReadonlyMap<string, logic.Workflow>,
    workflowResourceGroupName: pulumi.Input<string>,
  ): void {
    const { scope, inbound } = this.args;
    const serviceName = this.gateway.name;
    const resourceGroupName = this.resourceGroupName;
    const frontDoorId = new apimanagement.NamedValue(
      `${this.gatewayPrefix()}-nv-frontdoor-id`,
      {
        resourceGroupName,
        serviceName,
        namedValueId: NAMED_VALUE.frontDoorId,
        displayName: NAMED_VALUE.frontDoorId,
        // Before the secondary's first `up` there is no Front Door: nothing can pass the check.
        value: pulumi.secret(this.frontDoorId.apply((id) => id ?? "no-front-door-yet")),
        // Secret: a direct caller that knew it could pass the header check.
        secret: true,
      },
      { parent: this, additionalSecretOutputs: ["value"] },
    );
    for (const flow of inbound.flows) {
      const workflow = workflows.get(flow.workflow)!;
      const callback = logic.listWorkflowTriggerCallbackUrlOutput(
        { resourceGroupName: workflowResourceGroupName, workflowName: workflow.name, triggerName: flow.trigger },
        { parent: this },
      );
      const parts = CALLBACK_PARTS.map((part) => {
        const key = part === "api-version" ? "apiVersion" : part;
        const value = callback.apply((c) => (c.queries as Record<string, string | undefined> | undefined)?.[key] ?? "");
        return new apimanagement.NamedValue(
          `${this.gatewayPrefix()}-nv-${flow.name}-${part}`,
          {
            resourceGroupName,
            serviceName,
            namedValueId: NAMED_VALUE.part(flow.name, part),
            displayName: NAMED_VALUE.part(flow.name, part),
            value: pulumi.secret(value),
            secret: true,
          },
          { parent: this, additionalSecretOutputs: ["value"] },
        );
      });
      const api = new apimanagement.Api(
        `${this.gatewayPrefix()}-api-${flow.name}`,
        {
          resourceGroupName,
          serviceName,
          apiId: flow.name,
          displayName: `b2b-dr inbound flow ${flow.name}`,
          path: flow.path.slice(1),
          protocols: ["https"],
          subscriptionRequired: false,
          serviceUrl: callback.apply((c) => backendServiceUrl(c.basePath ?? "", flow.trigger)),
          apiType: "http",
        },
        { parent: this },
      );
      const operations = (["POST", "GET"] as const).map(
        (method) =>
          new apimanagement.ApiOperation(
            `${this.gatewayPrefix()}-op-${flow.name}-${method.toLowerCase()}`,
            {
              resourceGroupName,
              serviceName,
              apiId: api.name,
              operationId: method === "POST" ? "receive" : "probe",
              displayName: method === "POST" ? "Receive (partner messages)" : "Probe (answered by the gateway)",
              method,
              urlTemplate: "/",
            },
            { parent: this },
          ),
      );
      new apimanagement.ApiPolicy(
        `${this.gatewayPrefix()}-policy-${flow.name}`,
        {
          resourceGroupName,
          serviceName,
          apiId: api.name,
          policyId: "policy",
          format: "rawxml",
          value: gatewayPolicy(flow, scope.region),
        },
        { parent: this, dependsOn: [frontDoorId, ...parts, ...operations] },
      );
    }
  }

  private gatewayPrefix(): string {
    return `${this.prefix}-gw`;
  }
}

/** `https://<custom domain or endpoint host><path>`, or undefined while the endpoint host is unknown. */
export function partnerUrl(
  flow: InboundFlow,
  endpointHostName: pulumi.Output<string | undefined>,
): pulumi.Output<string | undefined> {
  if (flow.customDomain !== undefined) return pulumi.output(`https://${flow.customDomain.hostName}${flow.path}`);
  return endpointHostName.apply((h) => (h === undefined || h === "" ? undefined : `https://${h}${flow.path}`));
}
