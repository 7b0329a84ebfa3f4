/**
 * The runbook's credential (tools/azureCredential.ts): the token in AZURE_ACCESS_TOKEN (bare or the JSON of
 * `az account get-access-token`), its expiry, the sovereign clouds' authority hosts, and the login
 * advice when there is no credential, down to the CLI exiting 2 with no call to Resource Manager.
 */
import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import type { TokenCredential } from "@azure/core-auth";
import {
  CredentialError,
  OPAQUE_TOKEN_LIFETIME_MS,
  authorityHostFor,
  jwtExpiry,
  loginAdvice,
  parseAccessToken,
  runbookCredential,
} from "../tools/azureCredential";
import { FakeAzure } from "./arm/fakeAzure";
import { PROJECT_DIR, tempDir } from "./helpers";
import { pairFor } from "./renders";

const NOW = Date.UTC(2026, 10, 29, 10, 0, 0);
/** An unsigned JWT with the given claims (the runbook never verifies signatures: ARM does). */
const jwt = (claims: Record<string, unknown>) =>
  [{ alg: "none", typ: "JWT" }, claims].map((p) => Buffer.from(JSON.stringify(p)).toString("base64url")).join(".") +
  ".sig";

describe("runbook credential: AZURE_ACCESS_TOKEN", () => {
  it("a bare JWT: its expiry is the token's own exp claim", () => {
    const exp = NOW / 1000 + 1800;
    const token = jwt({ aud: "https://management.azure.com", exp });
    assert.strictEqual(jwtExpiry(token), exp * 1000);
    assert.deepStrictEqual(parseAccessToken(`  ${token}\n`, NOW), { token, expiresOnTimestamp: exp * 1000 });
  });

  it("the JSON of `az account get-access-token`: expires_on (POSIX seconds) wins over the other two", () => {
    const token = jwt({ exp: NOW / 1000 + 60 });
    const json = {
      accessToken: token,
      expiresOn: "2026-11-29 11:00:00.000000",
      expires_on: NOW / 1000 + 3000,
      subscription: "00000000-0000-0000-0000-000000000000",
      tenant: "11111111-1111-1111-1111-111111111111",
      tokenType: "Bearer",
    };
    assert.deepStrictEqual(parseAccessToken(JSON.stringify(json, null, 2), NOW), {
      token,
      expiresOnTimestamp: NOW + 3_000_000,
    });
    // Older CLIs print expires_on as a string, or not at all.
    assert.strictEqual(
      parseAccessToken(JSON.stringify({ ...json, expires_on: String(NOW / 1000 + 3000) }), NOW).expiresOnTimestamp,
      NOW + 3_000_000,
    );
  });

  it("JSON with only expiresOn: read as the CLI's local date-time", () => {
    const local = new Date(NOW + 2 * 3_600_000);
    const pad = (n: number) => String(n).padStart(2, "0");
    const expiresOn =
      `${local.getFullYear()}-${pad(local.getMonth() + 1)}-${pad(local.getDate())} ` +
      `${pad(local.getHours())}:${pad(local.getMinutes())}:${pad(local.getSeconds())}.500000`;
    assert.strictEqual(
      parseAccessToken(JSON.stringify({ accessToken: "opaque", expiresOn }), NOW).expiresOnTimestamp,
      NOW + 2 * 3_600_000 + 500,
    );
  });

  it("JSON without an expiry: the JWT's exp; an opaque token without one lives Azure's default hour", () => {
    const exp = NOW / 1000 + 900;
    assert.strictEqual(
      parseAccessToken(JSON.stringify({ accessToken: jwt({ exp }) }), NOW).expiresOnTimestamp,
      exp * 1000,
    );
    assert.deepStrictEqual(parseAccessToken("not-a-jwt", NOW), {
      token: "not-a-jwt",
      expiresOnTimestamp: NOW + OPAQUE_TOKEN_LIFETIME_MS,
    });
  });

  it("refuses an expired token, broken JSON, JSON without accessToken, and an empty token, each with the fix", () => {
    const cases: [string, RegExp][] = [
      [
        jwt({ exp: NOW / 1000 - 1 }),
        /AZURE_ACCESS_TOKEN expired at 2026-11-29T09:59:59\.000Z.*az account get-access-token/,
      ],
      [JSON.stringify({ accessToken: "x", expires_on: NOW / 1000 }), /expired at 2026-11-29T10:00:00\.000Z/],
      [
        '{"accessToken": ',
        /looks like JSON but does not parse.*Fix: set it to the output of `az account get-access-token`/,
      ],
      [
        JSON.stringify({ token: "x", tokenType: "Bearer" }),
        /without an "accessToken" string \(keys: token, tokenType\)/,
      ],
      [JSON.stringify({ accessToken: "  " }), /without an "accessToken" string/],
      ["abc def", /whitespace inside the token.*Fix: export AZURE_ACCESS_TOKEN/],
    ];
    for (const [raw, message] of cases) {
      assert.throws(
        () => parseAccessToken(raw, NOW),
        (e: unknown) => e instanceof CredentialError && message.test(e.message),
        raw,
      );
    }
  });

  it("runbookCredential uses the token as given and asks nothing else", async () => {
    const token = jwt({ exp: NOW / 1000 + 600 });
    const cred = await runbookCredential({
      env: { AZURE_ACCESS_TOKEN: JSON.stringify({ accessToken: token }) },
      armEndpoint: new URL("https://management.azure.com"),
      now: NOW,
      createDefault: () => assert.fail("the fallback credential must not be built when a token is given"),
    });
    assert.deepStrictEqual(await cred.getToken("https://management.azure.com/.default"), {
      token,
      expiresOnTimestamp: (NOW / 1000 + 600) * 1000,
    });
  });
});

describe("runbook credential: sovereign clouds and the fallback chain", () => {
  it("maps each cloud's Resource Manager endpoint to its Microsoft Entra authority host", () => {
    assert.strictEqual(authorityHostFor("https://management.azure.com/"), "https://login.microsoftonline.com");
    assert.strictEqual(authorityHostFor("https://management.chinacloudapi.cn"), "https://login.chinacloudapi.cn");
    assert.strictEqual(authorityHostFor("https://MANAGEMENT.usgovcloudapi.net"), "https://login.microsoftonline.us");
    assert.strictEqual(authorityHostFor("https://127.0.0.1:8443"), undefined, "unknown endpoint: identity's default");
  });

  it("builds the fallback for the endpoint's cloud and asks it for a token of that endpoint", async () => {
    const seen: unknown[] = [];
    const fake: TokenCredential = {
      getToken: async (scopes) => {
        seen.push(scopes);
        return { token: "t", expiresOnTimestamp: NOW + 60_000 };
      },
    };
    const cred = await runbookCredential({
      env: {},
      armEndpoint: new URL("https://management.chinacloudapi.cn"),
      createDefault: (options) => {
        seen.push(options);
        return fake;
      },
    });
    assert.strictEqual(cred, fake);
    assert.deepStrictEqual(seen, [
      { authorityHost: "https://login.chinacloudapi.cn" },
      "https://management.chinacloudapi.cn/.default",
    ]);
  });

  it("no sign-in anywhere: a CredentialError that says how to log in (the cloud's own az cloud set)", async () => {
    const unavailable = Object.assign(new Error("ChainedTokenCredential authentication failed."), {
      name: "AggregateAuthenticationError",
    });
    await assert.rejects(
      runbookCredential({
        env: {},
        armEndpoint: new URL("https://management.usgovcloudapi.net"),
        createDefault: () => ({ getToken: () => Promise.reject(unavailable) }),
      }),
      (e: unknown) =>
        e instanceof CredentialError &&
        e.message.includes("no sign-in found") &&
        e.message.includes("az cloud set --name AzureUSGovernment && az login") &&
        e.message.includes("--resource https://management.usgovcloudapi.net") &&
        /AZURE_TENANT_ID and AZURE_CLIENT_ID/.test(e.message),
    );
    // A bug is not dressed up as a login problem.
    await assert.rejects(
      runbookCredential({
        env: {},
        armEndpoint: new URL("https://management.azure.com"),
        createDefault: () => ({ getToken: () => Promise.reject(new TypeError("boom")) }),
      }),
      TypeError,
    );
    assert.doesNotMatch(loginAdvice("https://management.azure.com"), /az cloud set/);
  });
});

describe("runbook CLI without any credential", function () {
  this.timeout(120_000);

  it("exits 2 with the login advice and makes no call to Resource Manager", async () => {
    const pair = await pairFor("normal");
    const dir = tempDir();
    const files = { primary: path.join(dir, "primary.json"), secondary: path.join(dir, "secondary.json") };
    for (const role of ["primary", "secondary"] as const)
      fs.writeFileSync(files[role], JSON.stringify(pair[role].outputs));
    const fake = new FakeAzure(pair);
    const server = await fake.serve();
    try {
      // The real DefaultAzureCredential, in an environment with no AZURE_* variable and no az CLI.
      const env = Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !/^(AZURE_|ARM_|IDENTITY_|MSI_)/.test(k)),
      );
      const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [
            "-r",
            "ts-node/register/transpile-only",
            path.join(PROJECT_DIR, "runbook/cli.ts"),
            "status",
            "--primary-outputs",
            files.primary,
            "--secondary-outputs",
            files.secondary,
            "--arm-endpoint",
            server.url,
          ],
          {
            cwd: PROJECT_DIR,
            env: {
              ...env,
              NODE_EXTRA_CA_CERTS: server.caFile,
              TS_NODE_TRANSPILE_ONLY: "true",
              PATH: "/usr/bin:/bin",
              HOME: dir,
            },
            stdio: ["ignore", "pipe", "pipe"],
          },
        );
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
        child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
      });
      assert.strictEqual(run.code, 2, run.stderr);
      assert.match(run.stderr, /no usable Azure credential: no sign-in found/);
      assert.match(run.stderr, /az login/);
      assert.match(run.stderr, /AZURE_ACCESS_TOKEN/);
      assert.match(run.stderr, /AZURE_TENANT_ID and AZURE_CLIENT_ID/);
      assert.doesNotMatch(run.stderr, /at .*\.ts:\d+/, "no stack trace");
      assert.deepStrictEqual(fake.requests, [], "no call reached Resource Manager");
    } finally {
      await server.close();
    }
  });
});
