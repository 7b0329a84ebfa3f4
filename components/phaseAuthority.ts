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
import {
  AUTHORITY_BLOB,
  AuthorityReader,
  AuthorityRecord,
  DeclaredSource,
  StoreLocation,
  checkPhase,
} from "../model/phaseRule";
import { azureAuthorityReader } from "../tools/authorityReader";
import { PROJECT, type DrPhase, type Role } from "../model/config";
import * as naming from "../model/naming";
import type { PeerStack } from "./peer";

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
  return { location: naming.stateStoreLocation(scope, subscriptionId), locationComputed: true };
}
