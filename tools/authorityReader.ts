/**
 * Reads the phase authority (`phase.json`, model/phaseRule.ts) from the DR state store with the Azure
 * SDK. Shared by the program (components/phaseAuthority.ts, before anything is declared) and the
 * runbook's guard (runbook/guard.ts).
 */
import type { TokenCredential } from "@azure/core-auth";
import type { StorageSharedKeyCredential } from "@azure/storage-blob";
import { AUTHORITY_BLOB, AuthorityReader, parseAuthority } from "../model/phaseRule";

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
