/**
 * The runbook's Azure credential.
 *
 * - `AZURE_ACCESS_TOKEN` set: that bearer token, given either as the bare token
 *   (`az account get-access-token --query accessToken -o tsv`) or as the JSON that
 *   `az account get-access-token` prints (`accessToken`, `expires_on`, `expiresOn`). Its expiry comes
 *   from `expires_on` (POSIX seconds), else `expiresOn` (the CLI's local date-time), else the token's own
 *   JWT `exp` claim. An expired token is refused before any Azure call.
 * - Otherwise `DefaultAzureCredential` (environment variables, workload identity, managed identity,
 *   Azure CLI, ...), pointed at the sovereign cloud's Microsoft Entra authority host when
 *   `--arm-endpoint` is that cloud's Resource Manager endpoint. A token is requested once up front:
 *   that goes to Microsoft Entra ID or the Azure CLI, never to Resource Manager, so a missing login is
 *   reported as bad input (with how to log in) before the first ARM call.
 *
 * Endpoints and authority hosts, from Microsoft's docs:
 * https://learn.microsoft.com/javascript/api/@azure/identity/azureauthorityhosts,
 * https://learn.microsoft.com/azure/china/resources-developer-guide and
 * https://learn.microsoft.com/azure/azure-government/compare-azure-government-global-azure.
 */
import type { AccessToken, TokenCredential } from "@azure/core-auth";

/** Bad or missing credentials: the runbook reports these as bad input (exit 2), with no ARM call made. */
export class CredentialError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CredentialError";
  }
}

/** A Resource Manager endpoint and the Microsoft Entra authority host of its cloud. */
export const SOVEREIGN_CLOUDS: readonly { cloud: string; armHost: string; authorityHost: string }[] = [
  { cloud: "AzureCloud", armHost: "management.azure.com", authorityHost: "https://login.microsoftonline.com" },
  { cloud: "AzureChinaCloud", armHost: "management.chinacloudapi.cn", authorityHost: "https://login.chinacloudapi.cn" },
  {
    cloud: "AzureUSGovernment",
    armHost: "management.usgovcloudapi.net",
    authorityHost: "https://login.microsoftonline.us",
  },
];

/**
 * The authority host for a Resource Manager endpoint, or `undefined` for an endpoint of no known cloud
 * (then `@azure/identity` uses `AZURE_AUTHORITY_HOST` or the public cloud's).
 */
export function authorityHostFor(armEndpoint: string | URL): string | undefined {
  const host = new URL(armEndpoint).hostname.toLowerCase();
  return SOVEREIGN_CLOUDS.find((c) => c.armHost === host)?.authorityHost;
}

/** The `az` cloud name for a Resource Manager endpoint, for the login advice. */
function cloudNameFor(armEndpoint: string | URL): string | undefined {
  const host = new URL(armEndpoint).hostname.toLowerCase();
  return SOVEREIGN_CLOUDS.find((c) => c.armHost === host)?.cloud;
}

/** How to log in, printed when there is no usable credential. */
export function loginAdvice(armEndpoint: string | URL): string {
  const origin = new URL(armEndpoint).origin;
  const cloud = cloudNameFor(armEndpoint);
  return [
    "Sign in to Azure in one of these ways, then run the command again:",
    `  - the Azure CLI: ${cloud !== undefined && cloud !== "AzureCloud" ? `az cloud set --name ${cloud} && ` : ""}az login`,
    `  - a token: export AZURE_ACCESS_TOKEN="$(az account get-access-token --resource ${origin})"`,
    "    (the JSON it prints, or only the token with --query accessToken -o tsv)",
    "  - a service principal: AZURE_TENANT_ID and AZURE_CLIENT_ID, plus AZURE_CLIENT_SECRET or",
    "    AZURE_CLIENT_CERTIFICATE_PATH (or AZURE_FEDERATED_TOKEN_FILE for workload identity)",
    "  - a managed identity, when running on Azure (AZURE_CLIENT_ID selects a user-assigned one)",
  ].join("\n");
}

/** The `exp` claim of a JWT, in milliseconds since the epoch; `undefined` when the token is not a JWT. */
export function jwtExpiry(token: string): number | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as { exp?: unknown };
    return typeof payload.exp === "number" && Number.isFinite(payload.exp) ? payload.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** `expiresOn` as the Azure CLI prints it: local date-time `YYYY-MM-DD HH:MM:SS[.ffffff]`, or ISO 8601. */
function parseCliExpiresOn(value: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(value.trim());
  if (m) {
    const [, y, mo, d, h, mi, s, frac] = m;
    const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
    return new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms).getTime();
  }
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : t;
}

/** How long an opaque (non-JWT) token without a given expiry is assumed to live: Azure's default of one hour. */
export const OPAQUE_TOKEN_LIFETIME_MS = 3_600_000;

/**
 * Reads `AZURE_ACCESS_TOKEN`: a bare token or the JSON of `az account get-access-token`. Throws
 * `CredentialError` (naming the variable, the problem and the fix) on a malformed or expired token.
 */
export function parseAccessToken(raw: string, now: number = Date.now()): AccessToken {
  const text = raw.trim();
  let token: string;
  let expiresOn: number | undefined;
  if (text.startsWith("{")) {
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch (e) {
      throw new CredentialError(
        `AZURE_ACCESS_TOKEN looks like JSON but does not parse: ${(e as Error).message}. ` +
          "Fix: set it to the output of `az account get-access-token`, unchanged.",
      );
    }
    if (typeof json.accessToken !== "string" || json.accessToken.trim() === "") {
      throw new CredentialError(
        `AZURE_ACCESS_TOKEN is JSON without an "accessToken" string (keys: ${Object.keys(json).sort().join(", ") || "none"}). ` +
          "Fix: set it to the output of `az account get-access-token`.",
      );
    }
    token = json.accessToken.trim();
    const posix = typeof json.expires_on === "string" ? Number(json.expires_on) : json.expires_on;
    if (typeof posix === "number" && Number.isFinite(posix)) expiresOn = posix * 1000;
    else if (typeof json.expiresOn === "string") expiresOn = parseCliExpiresOn(json.expiresOn);
  } else {
    token = text;
  }
  if (token === "" || /\s/.test(token)) {
    throw new CredentialError(
      `AZURE_ACCESS_TOKEN ${token === "" ? "is empty" : "holds whitespace inside the token"}. ` +
        "Fix: export AZURE_ACCESS_TOKEN=$(az account get-access-token --query accessToken -o tsv), or unset it to use `az login`.",
    );
  }
  expiresOn ??= jwtExpiry(token);
  if (expiresOn !== undefined && expiresOn <= now) {
    throw new CredentialError(
      `AZURE_ACCESS_TOKEN expired at ${new Date(expiresOn).toISOString()}. ` +
        "Fix: get a new one (az account get-access-token), or unset it to use `az login`.",
    );
  }
  return { token, expiresOnTimestamp: expiresOn ?? now + OPAQUE_TOKEN_LIFETIME_MS };
}

/** A credential that always returns the given token. */
export function staticTokenCredential(token: AccessToken): TokenCredential {
  return { getToken: async () => token };
}

/** Names of `@azure/identity` errors that mean "no usable sign-in" rather than a bug. */
const AUTH_ERRORS = new Set(["CredentialUnavailableError", "AggregateAuthenticationError", "AuthenticationError"]);

export interface RunbookCredentialOptions {
  /** The environment to read (`process.env` in the CLI). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `--arm-endpoint`: the token scope and, for a sovereign cloud, the authority host. */
  readonly armEndpoint: URL;
  readonly now?: number;
  /**
   * Builds the fallback credential.
   * @default `new DefaultAzureCredential(options)` from `@azure/identity`
   */
  readonly createDefault?: (options: { authorityHost?: string }) => TokenCredential | Promise<TokenCredential>;
}

/**
 * The credential the runbook signs in with; throws `CredentialError` (with {@link loginAdvice}) when
 * there is none. Makes no call to Resource Manager.
 */
export async function runbookCredential(options: RunbookCredentialOptions): Promise<TokenCredential> {
  const raw = options.env.AZURE_ACCESS_TOKEN;
  if (raw !== undefined && raw !== "") return staticTokenCredential(parseAccessToken(raw, options.now));
  const authorityHost = authorityHostFor(options.armEndpoint);
  const create =
    options.createDefault ??
    (async (o: { authorityHost?: string }) => new (await import("@azure/identity")).DefaultAzureCredential(o));
  const credential = await create(authorityHost !== undefined ? { authorityHost } : {});
  try {
    await credential.getToken(`${options.armEndpoint.origin}/.default`);
  } catch (e) {
    if (!(e instanceof Error) || !AUTH_ERRORS.has(e.name)) throw e;
    // The chain's own message ("ChainedTokenCredential authentication failed") says nothing useful;
    // a credential that was found but refused (e.g. a wrong secret) says why.
    const reason =
      e.name === "AggregateAuthenticationError"
        ? "no sign-in found in the environment, workload identity, managed identity or the Azure CLI"
        : (e.message.split("\n")[0] ?? e.message);
    throw new CredentialError(`no usable Azure credential: ${reason}.\n${loginAdvice(options.armEndpoint)}`);
  }
  return credential;
}
