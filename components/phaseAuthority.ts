/**
 * The program's side of the phase authority: read `phase.json` from the secondary region's DR state
 * store through a narrow interface, apply the safety rule, and refuse the deployment (before any
 * resource is declared) when the declared phase differs from the authority's.
 *
 * The reader is replaceable: a real deployment reads the blob with the Azure SDK
 * (`@azure/storage-blob`, Azure AD credential); the offline plan and the mock tests install their
 * own reader (`useAuthorityReader`), so the mock engine never calls Azure. Both stacks read the
 * SECONDARY's store, never anything in the primary region.
 */
import * as pulumi from "@pulumi/pulumi";
import type { TokenCredential } from "@azure/core-auth";
import type { StorageSharedKeyCredential } from "@azure/storage-blob";
import { AUTHORITY_BLOB, AuthorityRecord, DeclaredSource, authorityRecordSchema, checkPhase } from "../model/phaseRule";
import { PROJECT, type DrPhase, type Role } from "../model/config";
import * as naming from "../model/naming";
import { DR_STATE_CONTAINER } from "./drStateStore";
import type { PeerStack } from "./peer";

/** Where the DR state store is: the secondary stack's `drStateStore` output has this shape. */
export interface StoreLocation {
  readonly accountName: string;
  /** e.g. `https://stb2bdrprodne1234.blob.core.windows.net/` */
  readonly blobEndpoint: string;
  readonly container: string;
}

/** Reads the authority record; resolves undefined when the blob does not exist. */
export interface AuthorityReader {
  read(location: StoreLocation): Promise<AuthorityRecord | undefined>;
}

/** An authority blob that exists but is not a valid record: never read as "normal". */
export class AuthorityUnreadableError extends Error {}

/** Parses the text of `phase.json`; throws `AuthorityUnreadableError` naming the blob and the fix. */
export function parseAuthority(text: string, where: string): AuthorityRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new AuthorityUnreadableError(`${where} is not JSON (${(e as Error).message}).`);
  }
  const parsed = authorityRecordSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AuthorityUnreadableError(
      `${where}: ${issue?.path.join(".") || "(top level)"}: ${issue?.message ?? "invalid"}. ` +
        "Fix: only the runbook writes this blob; restore its previous version (blob versioning) or rerun the runbook command that wrote it.",
    );
  }
  return parsed.data;
}

/** Host names of a store account that does not exist do not resolve (DNS NXDOMAIN). */
function accountMissing(e: unknown): boolean {
  return (e as { code?: string }).code === "ENOTFOUND";
}

export interface AzureReaderOptions {
  /** Default: `DefaultAzureCredential` (Azure CLI, workload identity, environment, managed identity). */
  readonly credential?: TokenCredential | StorageSharedKeyCredential;
  /**
   * Read a store account whose host name does not resolve as absent (`normal`). Only for the
   * secondary's own store when it is not known to exist yet (its first deployment).
   * @default false
   */
  readonly missingAccountIsAbsent?: boolean;
}

/** `AuthorityReader` over the Azure SDK. A missing container or blob reads as undefined (absent). */
export function azureAuthorityReader(options: AzureReaderOptions = {}): AuthorityReader {
  return {
    async read(location) {
      const { BlobClient } = await import("@azure/storage-blob");
      const cred = options.credential ?? new (await import("@azure/identity")).DefaultAzureCredential();
      const url = `${location.blobEndpoint.replace(/\/?$/, "/")}${location.container}/${AUTHORITY_BLOB}`;
      const blob = new BlobClient(url, cred, { retryOptions: { maxTries: 3, tryTimeoutInMs: 30_000 } });
      try {
        const text = (await blob.downloadToBuffer()).toString("utf8");
        return parseAuthority(text, url);
      } catch (e) {
        const status = (e as { statusCode?: number }).statusCode;
        if (status === 404) return undefined;
        if (options.missingAccountIsAbsent && accountMissing(e)) return undefined;
        throw e;
      }
    },
  };
}

let installed: AuthorityReader | undefined;

/** Installs the reader the program uses (the offline plan and tests do; a real deployment does not). */
export function useAuthorityReader(reader: AuthorityReader): void {
  installed = reader;
}

export interface EnforceArgs {
  readonly stack: string;
  readonly role: Role;
  readonly declared: DrPhase;
  readonly source: DeclaredSource;
  /** The secondary's store, or undefined before it exists (the authority is then absent: `normal`). */
  readonly location: StoreLocation | undefined;
  /**
   * The location was computed (the secondary's own store), not read from its published outputs: a
   * store account that does not exist yet then reads as absent (first deployment), with a warning.
   */
  readonly locationComputed: boolean;
  readonly breakGlassReason: string | undefined;
}

/**
 * Reads the authority and applies the safety rule. Throws a `RunError` (nothing declared, nothing
 * changed) when the deployment must not proceed; logs the break-glass override as a warning.
 */
export async function enforcePhaseAuthority(args: EnforceArgs): Promise<AuthorityRecord | undefined> {
  let record: AuthorityRecord | undefined;
  if (args.location === undefined) {
    void pulumi.log.info(
      "Phase authority: the secondary's DR state store does not exist yet (first deployment): authority phase normal.",
    );
  } else {
    try {
      record = await (installed ?? azureAuthorityReader({ missingAccountIsAbsent: args.locationComputed })).read(
        args.location,
      );
    } catch (e) {
      throw new pulumi.RunError(
        `Cannot read the DR phase authority (${args.location.blobEndpoint}${args.location.container}/${AUTHORITY_BLOB}): ` +
          `${e instanceof Error ? e.message.split("\n")[0] : String(e)}. Nothing was deployed. ` +
          "Fix: give this identity the Storage Blob Data Reader role on the secondary's DR state store and check it answers; " +
          "a deployment never guesses the phase.",
      );
    }
  }
  const verdict = checkPhase({ ...args, authority: record });
  if (verdict.verdict === "refuse") throw new pulumi.RunError(verdict.message);
  if (verdict.verdict === "override") void pulumi.log.warn(verdict.warning);
  return record;
}

/** Where the declared phase of a stack comes from, for messages. */
export function declaredSource(role: Role, peerStack: string): DeclaredSource {
  return role === "secondary"
    ? { file: "Pulumi.secondary.yaml", setting: `${PROJECT}:drPhase` }
    : { file: "Pulumi.secondary.yaml, as deployed", setting: `the drPhase output of ${peerStack}` };
}

/**
 * Where the authority is. The primary reads the secondary's published `drStateStore` output (the
 * state backend, never the primary region); the secondary computes its own store's name (it may
 * not have published it yet: first deployment). Public-cloud blob endpoint for the computed name.
 */
export async function locateAuthority(
  role: Role,
  scope: naming.NameScope,
  subscriptionId: string,
  peer: PeerStack,
): Promise<{ location: StoreLocation | undefined; locationComputed: boolean }> {
  if (role === "primary") return { location: await peer.stateStore(), locationComputed: false };
  const accountName = naming.storageAccountName(scope, subscriptionId);
  return {
    location: {
      accountName,
      blobEndpoint: `https://${accountName}.blob.core.windows.net/`,
      container: DR_STATE_CONTAINER,
    },
    locationComputed: true,
  };
}
