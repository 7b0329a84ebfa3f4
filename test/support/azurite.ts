/**
 * The real Azure Storage emulator (Azurite, published by Microsoft:
 * https://learn.microsoft.com/azure/storage/common/storage-use-azurite), blob service only, in memory,
 * on an ephemeral loopback port, as a child process on Node 22 (Azurite requires Node >= 22; the
 * `node` devDependency provides it in node_modules/.bin). Tests start it in `before` and stop it in
 * `after`; nothing is written to disk.
 *
 * Authentication: Azurite's well-known development account `devstoreaccount1` and its public key
 * (documented on the page above; not a secret).
 */
import { spawn, ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ContainerClient, StorageSharedKeyCredential } from "@azure/storage-blob";
import { JsonStore, blobJsonStore, stateStoreContainer } from "../../runbook/stateStore";

export const AZURITE_ACCOUNT = "devstoreaccount1";
/** Azurite's published development key (public, identical in every Azurite installation). */
export const AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface Azurite {
  /** e.g. `http://127.0.0.1:41235/devstoreaccount1/` */
  readonly blobEndpoint: string;
  readonly credential: StorageSharedKeyCredential;
  /** A client of container `name` (created on first use by `createIfNotExists`). */
  containerClient(name: string): ContainerClient;
  stop(): Promise<void>;
}

const ROOT = path.resolve(__dirname, "..", "..");

/** The Node 22 binary: the `node` devDependency, else the current one if it is new enough. */
export function node22(): string {
  const local = path.join(ROOT, "node_modules", ".bin", process.platform === "win32" ? "node.cmd" : "node");
  if (fs.existsSync(local)) return local;
  if (Number(process.versions.node.split(".")[0]) >= 22) return process.execPath;
  throw new Error("Azurite needs Node >= 22: run `npm ci` (the `node` devDependency provides it).");
}

export async function startAzurite(options: { timeoutMs?: number } = {}): Promise<Azurite> {
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), "b2bdr-azurite-"));
  const main = require.resolve("azurite/dist/src/blob/main.js");
  const child: ChildProcess = spawn(
    node22(),
    [
      main,
      "--inMemoryPersistence",
      "--blobHost",
      "127.0.0.1",
      "--blobPort",
      "0",
      "--disableTelemetry",
      "--silent",
      "--skipApiVersionCheck",
    ],
    { stdio: ["ignore", "pipe", "pipe"], cwd: workspace },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`Azurite did not start within ${options.timeoutMs ?? 120_000} ms:\n${output}`));
    }, options.timeoutMs ?? 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`Azurite exited with code ${code}:\n${output}`));
    });
  });
  child.stdout?.resume();
  child.stderr?.resume();
  const blobEndpoint = `http://127.0.0.1:${port}/${AZURITE_ACCOUNT}/`;
  const credential = new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY);
  return {
    blobEndpoint,
    credential,
    containerClient: (name) => new ContainerClient(`${blobEndpoint}${name}`, credential),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      fs.rmSync(workspace, { recursive: true, force: true });
    },
  };
}

/** A JSON store (runbook/stateStore.ts) over a fresh `b2b-dr` container in a running Azurite. */
export async function azuriteJsonStore(azurite: Azurite, timeoutMs = 10_000): Promise<JsonStore> {
  const container = stateStoreContainer(
    { blobEndpoint: azurite.blobEndpoint, container: "b2b-dr" },
    azurite.credential,
  );
  await container.create();
  return blobJsonStore(container, { timeoutMs });
}
