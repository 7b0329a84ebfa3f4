/**
 * One region's side of the DR pair: resource group, integration account and every artifact of the
 * catalog (partners, schemas, maps, certificates, agreements), mirrored by name.
 *
 * Integration-account sessions (the runtime control numbers) are deliberately never declared: the
 * B2B runtime rewrites them on every message, and `pulumi up` would overwrite or delete live
 * counters. The runbook changes them imperatively.
 */
import * as pulumi from "@pulumi/pulumi";
import * as logic from "@pulumi/azure-native/logic";
import * as resources from "@pulumi/azure-native/resources";
import * as authorization from "@pulumi/azure-native/authorization";
import type { Catalog } from "../../model/catalog";
import type { DrPhase, Role, Sku } from "../../model/config";
import { siteTags } from "../../model/tags";
import * as naming from "../../model/naming";
import { skuWarning } from "../../model/sku";
import { declareAgreements } from "./agreements";
import { declareCertificates } from "./certificates";
import { ArtifactContext } from "./context";
import { declareMaps } from "./maps";
import { declarePartners } from "./partners";
import { declareSchemas } from "./schemas";
import { BusinessWorkflows } from "../businessWorkflows";

export interface MirroredIntegrationAccountArgs {
  /** Required. Which side of the pair this is; selects the region's Key Vault for private keys. */
  readonly role: Role;
  /** Required. Environment and region, for the names of the resource group and integration account. */
  readonly scope: naming.NameScope;
  /** Required. The validated catalog; the same catalog in both regions gives identical artifacts. */
  readonly catalog: Catalog;
  /**
   * Optional. Integration account SKU. The catalog must fit it (checked by `loadProgramInputs`).
   * @default "Standard"
   */
  readonly sku?: Sku;
  /**
   * Optional. Protect the resource group and integration account from deletion by Pulumi.
   * @default true
   */
  readonly protect?: boolean;
  /**
   * Optional. Add an Azure `CanNotDelete` management lock on the integration account.
   * @default false
   */
  readonly lock?: boolean;
  /**
   * Optional. Fixed expiry of the callback (SAS) URL, ISO 8601.
   * @default Azure's default expiry
   */
  readonly callbackUrlNotAfter?: string;
  /** Required. Subscription of the managed API ids of the business workflows' connections. */
  readonly subscriptionId: pulumi.Input<string>;
  /**
   * Required. Whether this region receives partner traffic: its business workflows are enabled
   * only then.
   */
  readonly active: boolean;
  /** Required. The DR phase (tagged on the business workflows). */
  readonly phase: DrPhase;
  /**
   * Optional. Marks the site non-production (a tag the policy pack reads).
   * @default false
   */
  readonly nonProduction?: boolean;
  /**
   * Optional. Names of an existing resource group and integration account to use.
   * @default b2b-dr's names (`naming.ts`)
   */
  readonly existingNames?: { readonly resourceGroupName?: string; readonly integrationAccountName?: string };
  /**
   * Optional. Adoption (docs/import.md): import the resource group, the account and every catalog
   * artifact, by name, from this subscription (Pulumi's `import` option). Tags are left as they are
   * while adopting, so the import itself changes nothing. Sessions are never imported.
   * @default undefined (create)
   */
  readonly adopt?: { readonly subscriptionId: string };
  /** Optional. Stable partner URLs by business workflow name (AS2 MDN receipts use them; components/ingress.ts). */
  readonly stableUrls?: ReadonlyMap<string, pulumi.Output<string | undefined>>;
}

export class MirroredIntegrationAccount extends pulumi.ComponentResource {
  readonly resourceGroup: resources.ResourceGroup;
  readonly integrationAccount: logic.IntegrationAccount;
  readonly resourceGroupName: pulumi.Output<string>;
  readonly integrationAccountId: pulumi.Output<string>;
  readonly integrationAccountName: pulumi.Output<string>;
  /** The integration account's callback (SAS) URL: a secret. */
  readonly callbackUrl: pulumi.Output<string>;
  /** The catalog's artifacts by name, filled by `declareArtifacts` (`create` awaits it). */
  private readonly declared = {
    partners: new Map<string, logic.IntegrationAccountPartner>(),
    schemas: new Map<string, logic.IntegrationAccountSchema>(),
    maps: new Map<string, logic.IntegrationAccountMap>(),
    certificates: new Map<string, logic.IntegrationAccountCertificate>(),
    agreements: new Map<string, logic.IntegrationAccountAgreement>(),
  };
  readonly partners: ReadonlyMap<string, logic.IntegrationAccountPartner> = this.declared.partners;
  readonly schemas: ReadonlyMap<string, logic.IntegrationAccountSchema> = this.declared.schemas;
  readonly maps: ReadonlyMap<string, logic.IntegrationAccountMap> = this.declared.maps;
  readonly certificates: ReadonlyMap<string, logic.IntegrationAccountCertificate> = this.declared.certificates;
  readonly agreements: ReadonlyMap<string, logic.IntegrationAccountAgreement> = this.declared.agreements;
  /** Azure names of the business workflows, in catalog order. */
  readonly businessWorkflowNames: readonly string[];
  /** The business workflows by catalog name. */
  readonly businessWorkflows: ReadonlyMap<string, logic.Workflow>;

  /**
   * Declares the site: the resource group, the account and its business workflows, then every catalog
   * artifact in batches (`declareEach` in context.ts says why); resolves once all are declared.
   */
  static async create(
    name: string,
    args: MirroredIntegrationAccountArgs,
    opts?: pulumi.ComponentResourceOptions,
  ): Promise<MirroredIntegrationAccount> {
    const site = new MirroredIntegrationAccount(name, args, opts);
    await site.declareArtifacts(args.catalog, args.stableUrls);
    return site;
  }

  private readonly artifactContext: ArtifactContext;
  private readonly business: BusinessWorkflows;

  private constructor(name: string, args: MirroredIntegrationAccountArgs, opts?: pulumi.ComponentResourceOptions) {
    super("b2b-dr:integration:MirroredIntegrationAccount", name, {}, opts);
    const sku = args.sku ?? "Standard";
    const protect = args.protect ?? true;
    const tags = siteTags(args.role, args.scope.environment, args.nonProduction ?? false);

    const rgName = args.existingNames?.resourceGroupName ?? naming.resourceGroupName(args.scope);
    const iaName = args.existingNames?.integrationAccountName ?? naming.integrationAccountName(args.scope);
    const rgId = args.adopt && `/subscriptions/${args.adopt.subscriptionId}/resourceGroups/${rgName}`;
    const iaId = rgId && `${rgId}/providers/Microsoft.Logic/integrationAccounts/${iaName}`;
    const adopted = (id: string | undefined) => (id ? { import: id, ignoreChanges: ["tags"] } : {});
    this.resourceGroup = new resources.ResourceGroup(
      `${name}-rg`,
      { resourceGroupName: rgName, location: args.scope.region, tags },
      { parent: this, protect, ...adopted(rgId) },
    );
    this.integrationAccount = new logic.IntegrationAccount(
      `${name}-ia`,
      {
        resourceGroupName: this.resourceGroup.name,
        integrationAccountName: iaName,
        location: args.scope.region,
        sku: { name: sku },
        tags,
      },
      { parent: this, protect, ...adopted(iaId) },
    );
    const warning = skuWarning(sku);
    if (warning !== undefined) void pulumi.log.warn(warning, this.integrationAccount);

    if (args.lock ?? false) {
      new authorization.ManagementLockAtResourceLevel(
        `${name}-ia-lock`,
        {
          lockName: naming.lockName(args.scope),
          level: "CanNotDelete",
          notes: "b2b-dr: the integration account holds the B2B runtime state (control numbers) of this region.",
          resourceGroupName: this.resourceGroup.name,
          resourceProviderNamespace: "Microsoft.Logic",
          parentResourcePath: "",
          resourceType: "integrationAccounts",
          resourceName: this.integrationAccount.name,
          apiVersion: "2019-05-01",
        },
        { parent: this },
      );
    }

    this.resourceGroupName = this.resourceGroup.name;
    this.integrationAccountId = this.integrationAccount.id;
    this.integrationAccountName = this.integrationAccount.name;
    this.callbackUrl = pulumi.secret(
      logic
        .listIntegrationAccountCallbackUrlOutput(
          {
            resourceGroupName: this.resourceGroup.name,
            integrationAccountName: this.integrationAccount.name,
            notAfter: args.callbackUrlNotAfter,
          },
          { parent: this },
        )
        .apply((r) => r.value ?? ""),
    );

    this.artifactContext = {
      parent: this,
      prefix: name,
      role: args.role,
      resourceGroupName: this.resourceGroup.name,
      integrationAccountName: this.integrationAccount.name,
      dependsOn: [this.integrationAccount],
      adoptedAccountId: iaId || undefined,
    };
    this.business = new BusinessWorkflows(
      `${name}-business`,
      {
        prefix: name,
        scope: args.scope,
        resourceGroupName: this.resourceGroup.name,
        subscriptionId: args.subscriptionId,
        account: { role: args.role, id: this.integrationAccount.id, callbackUrl: this.callbackUrl },
        workflows: args.catalog.workflows,
        enabled: args.active,
        phase: args.phase,
        dependsOn: [this.integrationAccount],
      },
      { parent: this },
    );
    this.businessWorkflowNames = this.business.workflowNames;
    this.businessWorkflows = new Map([...this.business.workflows].map(([k, w]) => [k, w.resource]));
    // Now, not after the artifacts: the SDK registers a component's outputs (as empty) by itself one
    // tick after its constructor, and only the first registration counts.
    this.registerOutputs({
      resourceGroupName: this.resourceGroupName,
      integrationAccountId: this.integrationAccountId,
      integrationAccountName: this.integrationAccountName,
      callbackUrl: this.callbackUrl,
    });
  }

  /** The catalog's artifacts, by kind in dependency order; agreements last, as they name the others. */
  private async declareArtifacts(catalog: Catalog, stableUrls: MirroredIntegrationAccountArgs["stableUrls"]) {
    const ctx = this.artifactContext;
    const fill = <R>(target: Map<string, R>, declared: Map<string, R>) =>
      declared.forEach((resource, name) => target.set(name, resource));
    const to = this.declared;
    fill(to.partners, await declarePartners(ctx, catalog.partners));
    fill(to.schemas, await declareSchemas(ctx, catalog.schemas));
    fill(to.maps, await declareMaps(ctx, catalog.maps));
    fill(to.certificates, await declareCertificates(ctx, catalog.certificates));
    const dependencies = {
      partners: this.partners,
      schemas: this.schemas,
      certificates: this.certificates,
      workflows: this.business.workflows,
      stableUrls,
    };
    fill(to.agreements, await declareAgreements(ctx, catalog.agreements, dependencies));
  }
}
