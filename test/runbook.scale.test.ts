/**
 * Issue 11 (failover at production scale), each problem against the HTTPS ARM stand-in with
 * Azure-like throttling (429 + Retry-After), injected latency and paging, the real CLI as a child
 * process, and the DR state store in the real storage emulator (Azurite).
 */
import { standInEdgeArgs } from "./arm/fakeFrontDoor";
import { CliRun, runTsCli } from "./support/cli";
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { Role } from "../model/config";
import { FakeAzure, ServeOptions, standInEnv } from "./arm/fakeAzure";
import { AZURITE_ACCOUNT, Azurite, startAzurite } from "./support/azurite";
import { tempDir } from "./helpers";
import { Pair, pairFor } from "./renders";
import type { RunRecord } from "../runbook/record";

const X12 = "Contoso-Fabrikam-X12";
/** bumpMinimum of the sample stacks: the bump of agreements the catalog does not name. */
const MINIMUM = 100;
const BUMP_X12 = 880;

type Run = CliRun;

let azurite: Azurite;
let pair: Pair;
let n = 0;

class Site {
  readonly fake = new FakeAzure(pair);
  readonly id = ++n;
  readonly dir = tempDir();
  url = "";
  caFile = "";
  close: () => Promise<void> = async () => undefined;
  readonly names: string[] = [];

  constructor() {
    this.fake.wallClock = true;
  }

  /** `count` agreements shaped like the sample's X12 one (not in the catalog), generated sessions at 1000+i. */
  seed(count: number, received = 0): this {
    const template = this.fake.accounts.secondary.artifacts.agreements.get(X12.toLowerCase())!;
    for (let i = 0; i < count; i++) {
      const name = `Scale-${String(i).padStart(4, "0")}-X12`;
      this.names.push(name);
      for (const role of ["primary", "secondary"] as const) {
        this.fake.accounts[role].artifacts.agreements.set(name.toLowerCase(), {
          name,
          properties: structuredClone({ ...template.properties, agreementName: name }),
        });
        for (const kind of ["ICN", "GCN", "TSCN"]) this.fake.setSession(role, `${name}-${kind}`, 1000 + i);
      }
    }
    for (const s of ["ICN", "GCN", "TSCN"]) this.fake.setSession("primary", `${X12}-${s}`, 1000);
    for (const role of ["primary", "secondary"] as const) this.fake.seedReceived(role, this.names, received);
    this.fake.replicate();
    return this;
  }

  async start(options: ServeOptions): Promise<this> {
    const s = await this.fake.serve(options);
    Object.assign(this, { url: s.url, caFile: s.caFile, close: s.close });
    for (const role of ["primary", "secondary"] as const) await azurite.containerClient(this.container(role)).create();
    return this;
  }

  container(role: Role): string {
    return `scale${this.id}-${role}`;
  }

  outputs(): string[] {
    const file = (role: Role) => {
      const f = path.join(this.dir, `${role}.json`);
      const drStateStore = {
        accountName: AZURITE_ACCOUNT,
        blobEndpoint: azurite.blobEndpoint,
        container: this.container(role),
      };
      fs.writeFileSync(f, JSON.stringify({ ...pair[role].outputs, drStateStore }));
      return f;
    };
    return ["--primary-outputs", file("primary"), "--secondary-outputs", file("secondary")];
  }

  run(args: string[]): Promise<Run> {
    return runTsCli(
      "runbook/cli.ts",
      [
        ...args,
        ...this.outputs(),
        "--arm-endpoint",
        this.url,
        // The partner ingress stand-in's edge, never an outside host.
        ...standInEdgeArgs(this.url),
      ],
      {
        ...standInEnv(this.caFile),
      },
    );
  }

  value(role: Role, session: string): number | undefined {
    return this.fake.controlNumber(role, session);
  }

  sessionPuts(): string[] {
    return this.fake.requests
      .filter((r) => r.method === "PUT" && !r.throttled && /\/sessions\//i.test(r.path))
      .map((r) => r.path);
  }

  async record(opId: string): Promise<RunRecord> {
    const body = await azurite
      .containerClient(this.container("secondary"))
      .getBlockBlobClient(`runs/${opId}.json`)
      .downloadToBuffer();
    return JSON.parse(body.toString("utf8")) as RunRecord;
  }
}

describe("runbook at scale (HTTPS stand-in with throttling, Azurite)", function () {
  this.timeout(600_000);
  let site: Site | undefined;

  before(async function () {
    this.timeout(900_000);
    azurite = await startAzurite();
    pair = await pairFor("normal");
  });
  after(async () => azurite?.stop());
  afterEach(async () => site?.close());

  it("failover under throttling: sessions read by name (never listed), each bumped once, Retry-After honoured, record in the state store with writes per batch", async () => {
    site = await new Site().seed(30, 3000).start({
      throttle: { writesPerSecond: 5, writeBurst: 10, readsPerSecond: 20, readBurst: 20 },
      latencyMs: [5, 20],
      pageSize: 100,
    });
    const r = await site.run(["failover", "--yes", "--no-primary", "--batch-size", "40", "--json"]);
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    for (const [i, name] of site.names.entries())
      for (const kind of ["ICN", "GCN", "TSCN"])
        assert.strictEqual(site.value("secondary", `${name}-${kind}`), 1000 + i + MINIMUM, `${name}-${kind}`);
    const puts = site.sessionPuts();
    assert.strictEqual(new Set(puts).size, puts.length, "no session written twice");
    // (1) Never a list of all sessions on the failover path.
    assert.deepStrictEqual(
      site.fake.requests.filter((q) => q.method === "GET" && /\/sessions$/i.test(q.path)),
      [],
    );
    // (5) Nothing of the runbook's in the integration account.
    assert.ok(!site.fake.requests.some((q) => /b2bdr-runbook/i.test(q.path)));
    const record = await site.record("failover-1");
    assert.strictEqual(record.status, "bumped");
    // Batches of 40 of the 6 names read per X12/EDIFACT agreement (30 seeded + 2 of the sample): 2 writes each.
    assert.ok(record.batches.length <= Math.ceil(((30 + 2) * 6) / 40), `${record.batches.length} batches`);
    assert.strictEqual(record.batches.flatMap((b) => b.bumps).length, puts.length);
    // Throttled, and never retried before Retry-After.
    assert.ok(site.fake.throttled.length > 0, "the stand-in throttled");
    assert.deepStrictEqual(site.fake.earlyRetries, []);
    assert.match(r.stderr, /control-number sessions done \(batch \d+\/\d+\)/, "progress on stderr");
    // (8) Agreements not in the catalog are bumped too, by the minimum, and named.
    assert.match(
      r.stderr,
      /30 agreement\(s\) in .* are not in the catalog; their control numbers are bumped too, by the configured minimum bump \(100\): Scale-0000-X12/,
    );
  });

  it("two operators at once: one claims the run record, the other stops before writing; every session bumped once", async () => {
    site = await new Site().seed(10).start({ latencyMs: [40, 80] });
    const [a, b] = await Promise.all([
      site.run(["failover", "--yes", "--no-primary"]),
      site.run(["failover", "--yes", "--no-primary"]),
    ]);
    const puts = site.sessionPuts();
    assert.strictEqual(new Set(puts).size, puts.length, "no session written twice");
    for (const [i, name] of site.names.entries())
      assert.strictEqual(site.value("secondary", `${name}-ICN`), 1000 + i + MINIMUM);
    const codes = [a.code, b.code].sort();
    if (codes[1] !== 0) {
      assert.deepStrictEqual(codes, [0, 1]);
      const loser = a.code === 1 ? a : b;
      assert.match(loser.stdout, /another operator is probably running the same command\. Nothing was overwritten/);
    }
  });

  it("one unreadable session does not stop the others: the rest is bumped, the session reported with a fix, exit 1; a rerun finishes", async () => {
    site = await new Site().seed(5).start({});
    site.fake.brokenSessions.add(`${site.names[2]}-GCN`.toLowerCase());
    const r = await site.run(["failover", "--yes", "--no-primary"]);
    assert.strictEqual(r.code, 1, r.stdout);
    assert.match(
      r.stdout,
      /error: Scale-0002-X12-GCN: it could not be read \(HTTP 500[^)]*\)\. Fix: check the session .*run the command again/,
    );
    assert.strictEqual(site.value("secondary", "Scale-0002-X12-ICN"), 1002 + MINIMUM);
    assert.strictEqual(site.value("secondary", "Scale-0002-X12-GCN"), 1002);
    for (const wf of (pair.secondary.outputs.drManifest as { workflows: { replication: string[] } }).workflows
      .replication)
      assert.strictEqual(site.fake.accounts.secondary.workflows.get(wf.toLowerCase())?.state, "Disabled");
    site.fake.brokenSessions.clear();
    const rerun = await site.run(["failover", "--yes", "--no-primary"]);
    assert.strictEqual(rerun.code, 0, rerun.stdout);
    assert.strictEqual(site.value("secondary", "Scale-0002-X12-GCN"), 1002 + MINIMUM);
    assert.strictEqual(site.value("secondary", "Scale-0002-X12-ICN"), 1002 + MINIMUM, "not bumped twice");
  });

  it("computes each value from a read made after replication is disabled", async () => {
    site = await new Site().seed(0).start({});
    const forwardOn = () =>
      [...site!.fake.accounts.secondary.workflows.values()].some((w) => w.replication && w.state === "Enabled");
    // The primary keeps sending, and replication keeps copying, until replication is disabled.
    site.fake.onRequest = () => {
      if (!forwardOn()) return;
      site!.fake.send("primary", `${X12}-ICN`, 3);
      site!.fake.replicate();
    };
    const r = await site.run(["failover", "--yes", "--no-primary"]);
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    const last = site.value("primary", `${X12}-ICN`)!;
    assert.ok(last > 1000, "numbers moved during the run");
    assert.strictEqual(site.value("secondary", `${X12}-ICN`), last + BUMP_X12);
  });

  it("acknowledgement sessions take the receive agreement's acknowledgement range", async () => {
    site = await new Site().seed(0).start({});
    const content = site.fake.accounts.secondary.artifacts.agreements.get(X12.toLowerCase())!.properties.content as {
      x12: { receiveAgreement: { protocolSettings: { acknowledgementSettings: Record<string, unknown> } } };
    };
    const acks = content.x12.receiveAgreement.protocolSettings.acknowledgementSettings;
    acks.acknowledgementControlNumberUpperBound = 1000;
    acks.rolloverAcknowledgementControlNumber = false;
    site.fake.setSession("secondary", `${X12}-GCN-ACK`, 300);
    const r = await site.run(["failover", "--yes", "--no-primary"]);
    assert.strictEqual(r.code, 1, r.stdout);
    assert.match(
      r.stdout,
      /error: Contoso-Fabrikam-X12-GCN-ACK: 300 \+ 880 = 1180 passes the upper bound 1000 and rollover is off/,
    );
    assert.strictEqual(
      site.value("secondary", `${X12}-GCN`),
      1000 + BUMP_X12,
      "the envelope range still applies to GCN",
    );
  });

  it("status reads the run history by default (no session read); --deep compares every session and pages through received ones", async () => {
    site = await new Site().seed(4, 450).start({ pageSize: 100 });
    const before = site.fake.requests.length;
    const quick = await site.run(["status"]);
    assert.strictEqual(quick.code, 0, quick.stdout + quick.stderr);
    assert.match(
      quick.stdout,
      /\[ok\] replication runs logic-b2bdr-prod-northeurope-x12-replication: last successful run \d+s ago/,
    );
    assert.ok(!site.fake.requests.slice(before).some((q) => /\/sessions/i.test(q.path)), "no session read");
    const deep = await site.run(["status", "--deep"]);
    assert.strictEqual(deep.code, 0, deep.stdout + deep.stderr);
    assert.match(deep.stdout, /Received control numbers \(duplicate-check sessions\): primary 450, secondary 450/);
    assert.match(deep.stdout, /Scale-0003-X12-TSCN +1003 +1003 +0s/);
  });
});
