/**
 * A small JSON-document store in the DR state store's blob container (components/drStateStore.ts),
 * with optimistic concurrency: every read returns the blob's ETag, every write states what it expects
 * (`ifMatch: <etag>` to replace exactly the version read, `ifNoneMatch: "*"` to create only if absent).
 * A write whose condition fails means someone else wrote in between: it throws `ConcurrentWriteError`
 * and writes nothing. Conditional headers: https://learn.microsoft.com/rest/api/storageservices/specifying-conditional-headers-for-blob-service-operations
 *
 * Credential: Microsoft Entra ID (the runbook's TokenCredential: AZURE_ACCESS_TOKEN or
 * DefaultAzureCredential) — the account has shared-key access off. The caller needs the
 * `Storage Blob Data Contributor` role. Tests use Azurite's public development account key.
 */
import { ContainerClient, RestError, StorageSharedKeyCredential } from "@azure/storage-blob";
import type { TokenCredential } from "@azure/core-auth";

export type WriteCondition = { readonly ifMatch: string } | { readonly ifNoneMatch: "*" };

export interface StoredDocument<T> {
  readonly value: T;
  readonly etag: string;
}

/** Another writer changed (or created) the document since it was read. */
export class ConcurrentWriteError extends Error {
  constructor(
    readonly document: string,
    readonly statusCode: number,
  ) {
    super(
      `The runbook record ${document} was changed by someone else while this command ran (HTTP ${statusCode}): ` +
        `another operator is probably running the same command. Nothing was overwritten. ` +
        `Wait for the other run to finish (dr status shows it), then run the command again: it resumes from the record.`,
    );
    this.name = "ConcurrentWriteError";
  }
}

/** A document exists but is not JSON. */
export class UnreadableDocumentError extends Error {}

export interface JsonStore {
  /** Where the documents live, for messages (e.g. `https://…/b2b-dr`). */
  readonly url: string;
  read<T>(name: string): Promise<StoredDocument<T> | undefined>;
  /** Writes `value` as JSON under the condition; returns the new ETag. */
  write(name: string, value: unknown, condition: WriteCondition): Promise<string>;
  /** Names of the documents that start with `prefix`. */
  list(prefix: string): Promise<string[]>;
}

function statusOf(e: unknown): number | undefined {
  return e instanceof RestError ? e.statusCode : (e as { statusCode?: number }).statusCode;
}

/** `JsonStore` over one blob container. */
export function blobJsonStore(container: ContainerClient, options: { timeoutMs?: number } = {}): JsonStore {
  const signal = () => (options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs));
  return {
    url: container.url,
    async read<T>(name: string): Promise<StoredDocument<T> | undefined> {
      let body: Buffer;
      let etag: string | undefined;
      try {
        const blob = container.getBlockBlobClient(name);
        const response = await blob.download(0, undefined, { abortSignal: signal() });
        etag = response.etag;
        body = await streamToBuffer(response.readableStreamBody);
      } catch (e) {
        if (statusOf(e) === 404) return undefined;
        throw e;
      }
      let value: T;
      try {
        value = JSON.parse(body.toString("utf8")) as T;
      } catch (e) {
        throw new UnreadableDocumentError(
          `${container.url}/${name} is not JSON (${(e as Error).message}). Fix: inspect the blob; ` +
            `delete it only if you know no operation is in progress.`,
        );
      }
      if (etag === undefined) throw new Error(`${container.url}/${name}: the storage service returned no ETag.`);
      return { value, etag };
    },
    async list(prefix) {
      const names: string[] = [];
      for await (const blob of container.listBlobsFlat({ prefix, abortSignal: signal() })) names.push(blob.name);
      return names;
    },
    async write(name, value, condition) {
      const body = JSON.stringify(value);
      const conditions = "ifMatch" in condition ? { ifMatch: condition.ifMatch } : { ifNoneMatch: "*" };
      try {
        const response = await container.getBlockBlobClient(name).upload(body, Buffer.byteLength(body), {
          conditions,
          blobHTTPHeaders: { blobContentType: "application/json" },
          abortSignal: signal(),
        });
        return response.etag ?? "";
      } catch (e) {
        const status = statusOf(e);
        // 412: If-Match/If-None-Match failed. 409: a concurrent create (BlobAlreadyExists) or lease.
        if (status === 412 || status === 409) throw new ConcurrentWriteError(`${container.url}/${name}`, status);
        throw e;
      }
    },
  };
}

async function streamToBuffer(stream: NodeJS.ReadableStream | undefined): Promise<Buffer> {
  if (stream === undefined) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

/** The container client of a stack's `drStateStore` output, authenticated with Entra ID. */
export function stateStoreContainer(
  output: { readonly blobEndpoint: string; readonly container: string },
  credential: TokenCredential | StorageSharedKeyCredential,
  options: { readonly maxRetries?: number } = {},
): ContainerClient {
  const url = `${output.blobEndpoint.replace(/\/+$/, "")}/${output.container}`;
  return new ContainerClient(url, credential, { retryOptions: { maxTries: (options.maxRetries ?? 3) + 1 } });
}
