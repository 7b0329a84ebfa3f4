/**
 * The catalog file format, as zod schemas. The README ("Catalog format") documents the same shape.
 *
 * Three YAML files in the catalog directory:
 * - `partners.yaml`:   `partners: [{ name, host?, identities: [{ qualifier, value }], metadata? }]`
 * - `artifacts.yaml`:  `schemas: [{ name, file }]`, `maps: [{ name, file, type? }]`,
 *                      `certificates: [{ name, publicCertificate?, privateKey? }]`
 * - `agreements.yaml`: `agreements: [{ name, protocol, host, guest, schemas?, settings?, receive?, send? }]`
 *
 * Agreement overrides (`settings` for both directions, `receive`, `send`) are validated against a
 * schema generated from the documented defaults in `defaults.ts`, so the defaults are the single
 * source of truth for which fields exist and what type they have.
 */
import { z } from "zod";
import * as enums from "@pulumi/azure-native/types/enums/logic";
import { AS2_DEFAULTS, EDIFACT_DEFAULTS, OPTIONAL_FIELDS, X12_DEFAULTS } from "./defaults";

import { MANAGED_APIS, PROTOCOLS, type ManagedApi, type Protocol } from "../protocols";
export { PROTOCOLS, type Protocol };

const metadata = z.record(z.string(), z.string());

export const identitySchema = z.strictObject({
  qualifier: z.string().min(1),
  value: z.string().min(1),
});

export const partnersFileSchema = z.strictObject({
  partners: z.array(
    z.strictObject({
      name: z.string(),
      /** A host partner is your own organisation; agreements run between a host and a guest. */
      host: z.boolean().default(false),
      identities: z.array(identitySchema).min(1),
      metadata: metadata.optional(),
    }),
  ),
});

const regional = <T extends z.ZodType>(item: T) => z.strictObject({ primary: item, secondary: item });

export const MAP_TYPES = ["Xslt", "Xslt20", "Xslt30", "Liquid"] as const;

export const artifactsFileSchema = z.strictObject({
  schemas: z
    .array(z.strictObject({ name: z.string(), file: z.string().min(1), metadata: metadata.optional() }))
    .default([]),
  maps: z
    .array(
      z.strictObject({
        name: z.string(),
        file: z.string().min(1),
        /** Default: from the file (`.liquid` → Liquid; XSLT `version` 1.0/2.0/3.0 → Xslt/Xslt20/Xslt30). */
        type: z.enum(MAP_TYPES).optional(),
        metadata: metadata.optional(),
      }),
    )
    .default([]),
  certificates: z
    .array(
      z.strictObject({
        name: z.string(),
        /** Path of the public certificate (PEM or DER). */
        publicCertificate: z.string().min(1).optional(),
        /** The private key stays in Key Vault, one vault per region. */
        privateKey: z
          .strictObject({
            keyName: z.string().min(1),
            keyVersion: z.string().min(1).optional(),
            keyVault: regional(z.string().min(1)),
          })
          .optional(),
        metadata: metadata.optional(),
      }),
    )
    .default([]),
});

const partyRef = z.strictObject({ partner: z.string().min(1), qualifier: z.string().min(1), value: z.string().min(1) });

export const agreementsFileSchema = z.strictObject({
  agreements: z.array(
    z.strictObject({
      name: z.string(),
      protocol: z.enum(PROTOCOLS),
      /** Your side: a partner with `host: true` and one of its identities. */
      host: partyRef,
      /** The trading partner's side. */
      guest: partyRef,
      /** X12: `{messageId, schemaVersion, schemaName}`; EDIFACT: `{messageId, messageVersion, messageRelease, schemaName}`. */
      schemas: z.array(z.record(z.string(), z.unknown())).optional(),
      /** Protocol-setting overrides for both directions; checked per protocol (see `overrideSchema`). */
      settings: z.unknown().optional(),
      receive: z.unknown().optional(),
      send: z.unknown().optional(),
      /**
       * Outbound traffic, for sizing the failover control-number bump. `peakMessagesPerMinute` counts
       * transaction sets (the fastest counter) sent to this partner at peak.
       */
      traffic: z
        .strictObject({
          peakMessagesPerMinute: z.number().min(0).optional(),
          /**
           * What the failover/fallback bump does with a generated control-number session missing from
           * the account: `create` it at lower bound + bump, with a warning (default), or `skip` it.
           */
          missingControlNumbers: z.enum(["create", "skip"]).optional(),
        })
        .optional(),
      /**
       * AS2: the business workflow (workflows.yaml) whose Request trigger receives this partner's
       * asynchronous MDNs. Its callback URL differs per region and is a secret; it becomes
       * `send.mdnSettings.receiptDeliveryUrl` in each region.
       */
      mdnReceiptWorkflow: z.string().min(1).optional(),
      metadata: metadata.optional(),
    }),
  ),
});

/** Managed connectors a business workflow may bind through `$connections` (to its region's account). */
/** The managed connectors a business workflow may bind (one per protocol). */
export const WORKFLOW_CONNECTIONS = MANAGED_APIS as readonly [ManagedApi, ...ManagedApi[]];

export const workflowsFileSchema = z.strictObject({
  workflows: z
    .array(
      z.strictObject({
        /** Short name; the Azure name is `logic-b2bdr-<env>-<region>-<name>`. */
        name: z.string(),
        /** Workflow definition (Workflow Definition Language JSON), relative to the catalog. */
        file: z.string().min(1),
        /** Managed connectors the definition uses as `$connections['<api>']`. */
        connections: z.array(z.enum(WORKFLOW_CONNECTIONS)).default([]),
      }),
    )
    .default([]),
});

export const schemaReferenceSchemas = {
  X12: z.strictObject({
    messageId: z.string().min(1),
    schemaVersion: z.string().min(1),
    schemaName: z.string().min(1),
    senderApplicationId: z.string().optional(),
  }),
  Edifact: z.strictObject({
    messageId: z.string().min(1),
    messageVersion: z.string().min(1),
    messageRelease: z.string().min(1),
    schemaName: z.string().min(1),
    associationAssignedCode: z.string().optional(),
    senderApplicationId: z.string().optional(),
    senderApplicationQualifier: z.string().optional(),
  }),
} as const;

/** String fields whose values come from an azure-native enum. */
const ENUM_FIELDS: Readonly<Record<string, Record<string, string>>> = {
  characterSet: { ...enums.X12CharacterSet, ...enums.EdifactCharacterSet },
  decimalPointIndicator: enums.EdifactDecimalIndicator,
  encryptionAlgorithm: enums.EncryptionAlgorithm,
  groupHeaderDateFormat: enums.X12DateFormat,
  groupHeaderTimeFormat: enums.X12TimeFormat,
  messageFilterType: enums.MessageFilterType,
  micHashingAlgorithm: enums.HashingAlgorithm,
  segmentTerminatorSuffix: enums.SegmentTerminatorSuffix,
  signingAlgorithm: enums.SigningAlgorithm,
  trailingSeparatorPolicy: enums.TrailingSeparatorPolicy,
  usageIndicator: enums.UsageIndicator,
};

/** Separators are character codes in ARM; the catalog may also give the character itself, e.g. `"*"`. */
const SEPARATOR_FIELD = /(Separator|Terminator|releaseIndicator|replaceCharacter)$/;

function leafSchema(field: string, sample: unknown): z.ZodType {
  const allowed = ENUM_FIELDS[field];
  if (allowed !== undefined) {
    return z.enum(Object.values(allowed).filter((v) => v !== "NotSpecified") as [string, ...string[]]);
  }
  if (typeof sample === "boolean") return z.boolean();
  if (typeof sample === "number") {
    const int = z.number().int();
    if (!SEPARATOR_FIELD.test(field)) return int;
    return z.preprocess((v) => (typeof v === "string" && v.length === 1 ? v.charCodeAt(0) : v), int.min(0).max(255));
  }
  return z.string();
}

function blockSchema(defaults: Record<string, unknown>, optional: readonly string[]) {
  const shape: Record<string, z.ZodType> = {};
  for (const [field, sample] of Object.entries(defaults)) shape[field] = leafSchema(field, sample).optional();
  for (const field of optional) shape[field] = leafSchema(field, "").optional();
  return z.strictObject(shape);
}

function settingsSchema(
  defaults: Record<string, Record<string, unknown>>,
  optional: Record<string, readonly string[]>,
) {
  const shape: Record<string, z.ZodType> = {};
  for (const [block, fields] of Object.entries(defaults))
    shape[block] = blockSchema(fields, optional[block] ?? []).optional();
  return z.strictObject(shape);
}

/** Schemas for the override blocks (`settings`, `receive`, `send`) of each protocol. */
export const overrideSchema: Readonly<Record<Protocol, z.ZodType>> = {
  X12: settingsSchema(X12_DEFAULTS, OPTIONAL_FIELDS.X12),
  Edifact: settingsSchema(EDIFACT_DEFAULTS, OPTIONAL_FIELDS.Edifact),
  AS2: settingsSchema(AS2_DEFAULTS, OPTIONAL_FIELDS.AS2),
};

export type PartnersFile = z.infer<typeof partnersFileSchema>;
export type ArtifactsFile = z.infer<typeof artifactsFileSchema>;
export type AgreementsFile = z.infer<typeof agreementsFileSchema>;
export type WorkflowsFile = z.infer<typeof workflowsFileSchema>;
