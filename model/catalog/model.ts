/**
 * The validated catalog, as plain typed values. Built once by `loadCatalog`; everything the
 * components declare comes from here, so both regions get the same artifacts by construction.
 */
import type { Role } from "../config";
import type { Problem } from "../problems";
import type { MapType } from "./files";
import type { Protocol } from "./schema";

export type { Protocol } from "./schema";

export interface Identity {
  readonly qualifier: string;
  readonly value: string;
}

export interface Partner {
  readonly name: string;
  readonly host: boolean;
  readonly identities: readonly Identity[];
  readonly metadata: Readonly<Record<string, string>> | undefined;
}

export interface SchemaArtifact {
  readonly name: string;
  /** Path of the source file relative to the catalog directory. */
  readonly file: string;
  readonly content: string;
  readonly targetNamespace: string | undefined;
  readonly metadata: Readonly<Record<string, string>> | undefined;
}

export interface MapArtifact {
  readonly name: string;
  readonly file: string;
  readonly mapType: MapType;
  readonly content: string;
  readonly contentType: string;
  readonly metadata: Readonly<Record<string, string>> | undefined;
}

export interface CertificateArtifact {
  readonly name: string;
  /** Base64 DER of the public certificate. */
  readonly publicCertificate: string | undefined;
  /** When the public certificate expires (ISO date-time). */
  readonly notAfter: string | undefined;
  /** The private key, in Key Vault; the vault differs per region. */
  readonly privateKey:
    | {
        readonly keyName: string;
        readonly keyVersion: string | undefined;
        readonly keyVault: Readonly<Record<Role, string>>;
      }
    | undefined;
  readonly metadata: Readonly<Record<string, string>> | undefined;
}

export interface Party {
  readonly partner: string;
  readonly identity: Identity;
}

/** Nested partial overrides of one protocol's settings, already schema-checked. */
export type SettingsOverride = Readonly<Record<string, Readonly<Record<string, string | number | boolean>>>>;

export interface AgreementSpec {
  readonly name: string;
  readonly protocol: Protocol;
  readonly host: Party;
  readonly guest: Party;
  /** X12/EDIFACT schema references (ARM field names), applied to both directions. */
  readonly schemaReferences: readonly Readonly<Record<string, string>>[];
  readonly overrides: {
    readonly settings: SettingsOverride | undefined;
    readonly receive: SettingsOverride | undefined;
    readonly send: SettingsOverride | undefined;
  };
  readonly metadata: Readonly<Record<string, string>> | undefined;
  /** Peak outbound transaction sets per minute, for the failover bump; undefined when not given. */
  readonly peakMessagesPerMinute: number | undefined;
  /** Runbook: a missing generated control-number session is created (default) or skipped. */
  readonly missingControlNumbers?: "create" | "skip";
  /** AS2: business workflow receiving async MDNs (its regional callback URL becomes receiptDeliveryUrl). */
  readonly mdnReceiptWorkflow: string | undefined;
}

/** A user's encode/decode workflow, deployed in both regions, enabled in the active one. */
export interface BusinessWorkflow {
  readonly name: string;
  readonly file: string;
  /** The parsed definition, keys sorted. */
  readonly definition: Readonly<Record<string, unknown>>;
  /** Managed connectors bound through `$connections`, to this region's account. */
  readonly connections: readonly ("x12" | "edifact" | "as2")[];
  /** Name of its Request trigger, if it has one (needed for a callback URL). */
  readonly requestTrigger: string | undefined;
}

export interface Catalog {
  /** Absolute path of the catalog directory. */
  readonly dir: string;
  readonly partners: readonly Partner[];
  readonly schemas: readonly SchemaArtifact[];
  readonly maps: readonly MapArtifact[];
  readonly certificates: readonly CertificateArtifact[];
  readonly agreements: readonly AgreementSpec[];
  readonly workflows: readonly BusinessWorkflow[];
  /** Inbound flows (`inbound.yaml`): one stable partner URL each; undefined/empty: no ingress. */
  readonly inbound?: import("./inbound").Inbound;
  /** Advice that does not stop a deployment (e.g. a duplicate check turned off). */
  readonly warnings: readonly string[];
  /**
   * Values still holding a placeholder of the sample catalog (an all-zero subscription id, a
   * documentation domain). `loadProgramInputs` makes them warnings offline and errors in a real deployment.
   */
  readonly placeholders: readonly Problem[];
}
