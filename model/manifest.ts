/**
 * The `drManifest` stack output and the stack outputs the runbook reads: ONE zod schema, from which
 * the types are derived. The program builds its manifest to this type; the runbook and outside tools
 * validate what they read against the same schema. Its shape is a public contract; `version` changes
 * when it does.
 */
import { z } from "zod";
import type { Catalog } from "./catalog";
import { generatedControlNumbers } from "./catalog";
import { DR_PHASES, ROLES } from "./config";
import { PROTOCOLS } from "./protocols";

const range = z.strictObject({ lower: z.number().int(), upper: z.number().int(), rollover: z.boolean() });

export const manifestAgreementSchema = z.strictObject({
  name: z.string(),
  protocol: z.enum(PROTOCOLS),
  /** X12 and EDIFACT only: the generated (send-side) control-number ranges. */
  controlNumbers: z.strictObject({ interchange: range, group: range, transactionSet: range }).optional(),
});

export const drManifestSchema = z.strictObject({
  version: z.literal(1),
  role: z.enum(ROLES),
  region: z.string(),
  subscriptionId: z.string(),
  resourceGroupName: z.string(),
  integrationAccount: z.strictObject({ id: z.string(), name: z.string() }),
  agreements: z.array(manifestAgreementSchema),
  /** Workflow names in this stack's resource group. */
  workflows: z.strictObject({ replication: z.array(z.string()), business: z.array(z.string()) }),
  /** This region's DR state store (the runbook's records; in the secondary, the phase authority). */
  stateStore: z.strictObject({ accountName: z.string(), blobEndpoint: z.string(), container: z.string() }),
});

/** The partner-ingress outputs (docs/ingress.md): where the Front Door origins are, the partner URLs. */
export const ingressOutputsShape = {
  ingressFrontDoor: z
    .object({
      resourceGroupName: z.string(),
      profileName: z.string(),
      originGroupName: z.string(),
      origins: z.object({ primary: z.string(), secondary: z.string() }),
    })
    .optional(),
  ingressPartnerUrls: z.record(z.string(), z.string().nullable().optional()).optional(),
  ingressActiveRole: z.enum(["primary", "secondary"]).optional(),
};

/** The stack outputs the runbook reads: the shape of `pulumi stack output --json` and of the plan's outputs.json. */
export const stackOutputsSchema = z.object({
  drPhase: z.enum(DR_PHASES),
  activeRegion: z.string().optional(),
  replicationRpoMinutes: z.number().optional(),
  /** The region's DR state store (components/drStateStore.ts). */
  drStateStore: z.object({ accountName: z.string(), blobEndpoint: z.string(), container: z.string() }),
  ...ingressOutputsShape,
  drManifest: drManifestSchema,
});

export type ManifestAgreement = z.infer<typeof manifestAgreementSchema>;
export type DrManifest = z.infer<typeof drManifestSchema>;
export type StackOutputs = z.infer<typeof stackOutputsSchema>;
export type ManifestProtocol = ManifestAgreement["protocol"];

/** The agreements part of the manifest: plain values, straight from the catalog. */
export function manifestAgreements(catalog: Catalog): ManifestAgreement[] {
  return catalog.agreements.map((a) => {
    const ranges = generatedControlNumbers(a);
    return ranges === undefined
      ? { name: a.name, protocol: a.protocol }
      : {
          name: a.name,
          protocol: a.protocol,
          controlNumbers: {
            interchange: ranges.interchange,
            group: ranges.group,
            transactionSet: ranges.transactionSet,
          },
        };
  });
}
