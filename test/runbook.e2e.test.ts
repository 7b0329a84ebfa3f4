/**
 * The runbook CLI end to end: the real command, the real Azure SDK client, against a local HTTPS
 * ARM stand-in on 127.0.0.1 whose self-signed certificate is trusted through NODE_EXTRA_CA_CERTS.
 * There is no Pulumi CLI here, so the runbook prints the pulumi commands and the test plays them
 * (switching to the outputs of the next phase, and deploying its workflow states).
 */
import { standInEdgeArgs } from "./arm/fakeFrontDoor";
import { runTsCli } from "./support/cli";
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { DrPhase, Role } from "../model/config";
import { StackRender } from "../plan/types";
import { FakeAzure, standInEnv } from "./arm/fakeAzure";
import { AZURITE_ACCOUNT, Azurite, startAzurite } from "./support/azurite";
import { tempDir } from "./helpers";
import { Pair, pairFor } from "./renders";

const X12 = "Contoso-Fabrikam-X12";
const EDI = "Contoso-Northwind-EDIFACT";
/** The sample's computed bumps: peak × (RPO 7 min + decision 15 min) × safety 2. */
const BUMP = { [X12]: 20 * 22 * 2, [EDI]: 5 * 22 * 2 };
const SESSIONS = [`${X12}-ICN`, `${X12}-GCN`, `${X12}-TSCN`, `${EDI}-ICN`];
const bumpOf = (session: string) => (session.startsWith(X12) ? BUMP[X12] : BUMP[EDI]);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

const pairs: Partial<Record<DrPhase, Pair>> = {};
let azurite: Azurite;
let harnesses = 0;

class Harness {
  fake: FakeAzure;
  url = "";
  caFile = "";
  close: () => Promise<void> = async () => undefined;
  auditLog = path.join(tempDir(), "audit.jsonl");

  /** Each harness has its own DR state stores (containers in the shared Azurite) and outputs files. */
  readonly id = ++harnesses;
  private readonly dir = tempDir();

  constructor(phase: DrPhase = "normal") {
    this.fake = new FakeAzure(pairs[phase]!);
    this.fake.wallClock = true;
  }

  async start(): Promise<this> {
    const s = await this.fake.serve();
    Object.assign(this, { url: s.url, caFile: s.caFile, close: s.close });
    for (const role of ["primary", "secondary"] as const) await azurite.containerClient(this.container(role)).create();
    return this;
  }

  container(role: Role): string {
    return `h${this.id}-${role}`;
  }

  /** `--primary-outputs`/`--secondary-outputs` of `phase`, with this harness's state stores. */
  outputs(phase: DrPhase): string[] {
    const file = (role: Role) => {
      const f = path.join(this.dir, `${phase}-${role}.json`);
      const outputs = {
        ...pairs[phase]![role].outputs,
        drStateStore: {
          accountName: AZURITE_ACCOUNT,
          blobEndpoint: azurite.blobEndpoint,
          container: this.container(role),
        },
      };
      fs.writeFileSync(f, JSON.stringify(outputs));
      return f;
    };
    return ["--primary-outputs", file("primary"), "--secondary-outputs", file("secondary")];
  }

  /** Seeds the primary's sessions and lets replication copy them. */
  seed(values: Record<string, number> = {}): void {
    for (const s of SESSIONS) this.fake.setSession("primary", s, values[s] ?? 1000);
    this.fake.setSession("primary", `${X12}-ICN-X12-000000042`, 42);
    this.fake.replicate();
  }

  run(args: string[], opts: { timeoutMs?: number } = {}): Promise<Run> {
    return runTsCli(
      "runbook/cli.ts",
      [
        ...args,
        "--arm-endpoint",
        this.url,
        "--audit-log",
        this.auditLog,
        // The partner ingress stand-in's edge, never an outside host.
        ...standInEdgeArgs(this.url),
      ],
      {
        ...standInEnv(this.caFile),
        PATH: "/usr/bin:/bin",
      },
      { timeoutMs: opts.timeoutMs ?? 60_000 },
    );
  }

  audit(): Record<string, unknown>[] {
    return fs.existsSync(this.auditLog)
      ? fs
          .readFileSync(this.auditLog, "utf8")
          .trim()
          .split("\n")
          .map((l) => JSON.parse(l) as Record<string, unknown>)
      : [];
  }

  writes(role?: Role): string[] {
    return this.fake.requests
      .filter((r) => r.method !== "GET" && (role === undefined || r.role === role))
      .map((r) => `${r.method} ${r.path}`);
  }
}

const workflowState = (h: Harness, role: Role, name: string) =>
  h.fake.accounts[role].workflows.get(name.toLowerCase())?.state;
const manifestOf = (r: StackRender) =>
  r.outputs.drManifest as { workflows: { replication: string[]; business: string[] } };

describe("runbook CLI against a local HTTPS ARM", function () {
  this.timeout(240_000);
  let h: Harness;

  before(async function () {
    this.timeout(900_000);
    azurite = await startAzurite();
    for (const phase of ["normal", "failover", "failback"] as const) pairs[phase] = await pairFor(phase);
  });
  after(async () => azurite?.stop());
  afterEach(async () => h?.close());

  it("status: READY in normal once replicated; NOT READY (exit 1) when the primary answers 503", async () => {
    h = await new Harness().start();
    h.seed();
    const ok = await h.run(["status", "--deep", ...h.outputs("normal")]);
    assert.strictEqual(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /parity of agreements: 3 in both/);
    assert.match(ok.stdout, /Contoso-Fabrikam-X12-ICN +1000 +1000 +0s/);
    assert.match(ok.stdout, /Received control numbers \(duplicate-check sessions\): primary 1, secondary 1/);
    assert.match(
      ok.stdout,
      /\[ok\] replication runs logic-b2bdr-prod-northeurope-x12-replication: last successful run \d+s ago/,
    );
    assert.match(ok.stdout, /^READY$/m);
    assert.deepStrictEqual(h.writes(), [], "status changes nothing");

    h.fake.fault.primary = "503";
    const down = await h.run(["status", ...h.outputs("normal"), "--primary-timeout", "2", "--json"]);
    assert.strictEqual(down.code, 1);
    const result = JSON.parse(down.stdout) as { details: { ready: boolean }; errors: string[] };
    assert.strictEqual(result.details.ready, false);
    assert.ok(
      result.errors.some((e) => /primary account reachable: HTTP 503/.test(e)),
      result.errors.join("\n"),
    );
  });

  it("failover: disables the primary and replication, bumps by the computed size, prints the pulumi commands; a second run changes nothing", async () => {
    h = await new Harness().start();
    h.seed({ [`${X12}-ICN`]: 5000 });
    // Acknowledgements have a session of their own, bounded by the acknowledgement range.
    h.fake.setSession("primary", `${X12}-ICN-ACK`, 300);
    h.fake.replicate();
    const first = await h.run(["failover", "--yes", ...h.outputs("normal")]);
    assert.strictEqual(first.code, 0, first.stdout + first.stderr);
    for (const wf of manifestOf(pairs.normal!.primary).workflows.business)
      assert.strictEqual(workflowState(h, "primary", wf), "Disabled");
    for (const wf of manifestOf(pairs.normal!.secondary).workflows.replication)
      assert.strictEqual(workflowState(h, "secondary", wf), "Disabled");
    for (const s of SESSIONS) {
      const before = s === `${X12}-ICN` ? 5000 : 1000;
      assert.strictEqual(h.fake.controlNumber("secondary", s), before + bumpOf(s), s);
      assert.strictEqual(h.fake.controlNumber("primary", s), before, "the primary is not bumped");
    }
    assert.match(first.stdout, /bumped Contoso-Fabrikam-X12-ICN: 5000 -> 5880/);
    assert.match(
      first.stdout,
      /pulumi config set b2b-dr:drPhase failover --stack secondary\n\s+pulumi up --stack secondary/,
    );
    const bumps = h.audit().filter((e) => e.action === "bump");
    assert.strictEqual(bumps.length, SESSIONS.length + 1, "each existing session bumped once");
    assert.strictEqual(h.fake.controlNumber("secondary", `${X12}-ICN-ACK`), 300 + BUMP[X12]);
    assert.ok(bumps.every((b) => (b.before as { ControlNumber: string }).ControlNumber !== undefined));
    // Missing generated sessions (EDIFACT group/transaction-set counters never used) are created, with a warning.
    const created = h
      .audit()
      .filter((e) => e.action === "create")
      .map((e) => e.target);
    assert.ok(created.includes(`session ${EDI}-GCN`), created.join());
    assert.match(
      first.stdout,
      /Contoso-Northwind-EDIFACT-GCN did not exist in .*created at its lower bound \+ the bump/,
    );
    assert.strictEqual(h.fake.controlNumber("secondary", `${EDI}-GCN`), 1 + BUMP[EDI]);
    assert.ok(h.audit().some((e) => e.action === "disable" && e.account === "primary"));

    // The same command again (the operator has not run pulumi yet): no second bump.
    const snapshot = SESSIONS.map((s) => h.fake.controlNumber("secondary", s));
    const writesBeforeRerun = h.writes().length;
    const again = await h.run(["failover", "--yes", ...h.outputs("normal")]);
    assert.strictEqual(again.code, 0, again.stdout);
    assert.match(again.stdout, /the control numbers are already bumped; the phase is still normal/);
    assert.strictEqual(h.writes().length, writesBeforeRerun, "the rerun writes nothing to Azure");
    assert.deepStrictEqual(
      SESSIONS.map((s) => h.fake.controlNumber("secondary", s)),
      snapshot,
    );

    // After the pulumi commands: recorded complete; then nothing to do at all.
    h.fake.deploy(pairs.failover!);
    const done = await h.run(["failover", "--yes", ...h.outputs("failover")]);
    assert.match(done.stdout, /Recorded as complete/);
    const writesBefore = h.writes().length;
    const idle = await h.run(["failover", "--yes", ...h.outputs("failover")]);
    assert.strictEqual(idle.code, 0);
    assert.match(idle.stdout, /Failover 1 is complete.*Nothing to do/);
    assert.strictEqual(h.writes().length, writesBefore, "a finished failover run again writes nothing");
    assert.deepStrictEqual(
      SESSIONS.map((s) => h.fake.controlNumber("secondary", s)),
      snapshot,
    );
  });

  it("failover goes on when the primary answers 503 or never answers (time-boxed)", async () => {
    for (const mode of ["503", "hang"] as const) {
      h = await new Harness().start();
      h.seed();
      h.fake.fault.primary = mode;
      const r = await h.run(["failover", "--yes", "--primary-timeout", "1", ...h.outputs("normal")]);
      assert.strictEqual(r.code, 0, `${mode}: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout, mode === "hang" ? /warning: primary .*timed out/ : /warning: primary .*503/);
      for (const s of SESSIONS)
        assert.strictEqual(h.fake.controlNumber("secondary", s), 1000 + bumpOf(s), `${mode} ${s}`);
      assert.ok(r.ms < 30_000, `${mode}: took ${r.ms} ms`);
      await h.close();
    }
  });

  it("failover --no-primary makes no call at all to the primary region", async () => {
    h = await new Harness().start();
    h.seed();
    h.fake.requests.length = 0;
    const r = await h.run(["failover", "--yes", "--no-primary", ...h.outputs("normal")]);
    assert.strictEqual(r.code, 0, r.stdout + r.stderr);
    assert.deepStrictEqual(
      h.fake.requests.filter((x) => x.role === "primary"),
      [],
    );
    assert.ok(h.fake.requests.some((x) => x.role === "secondary"));
  });

  it("--dry-run changes nothing; without a terminal and without --yes it refuses before any call", async () => {
    h = await new Harness().start();
    h.seed();
    const dry = await h.run(["failover", "--dry-run", ...h.outputs("normal")]);
    assert.strictEqual(dry.code, 0);
    assert.match(dry.stdout, /Dry run: nothing was changed/);
    assert.deepStrictEqual(h.writes(), []);
    h.fake.requests.length = 0;
    const refused = await h.run(["failover", ...h.outputs("normal")]);
    assert.strictEqual(refused.code, 2);
    assert.match(refused.stderr, /no terminal to confirm on. Fix: pass --yes/);
    assert.deepStrictEqual(h.fake.requests, [], "no Azure call");
    const bad = await h.run(["bump", "--account", "tertiary", "--id", "x", ...h.outputs("normal")]);
    assert.strictEqual(bad.code, 2);
    assert.match(bad.stderr, /argument 'tertiary' is invalid/);
    assert.deepStrictEqual(h.fake.requests, [], "no Azure call");
  });

  it("respects bounds: refuses past the upper bound without rollover, wraps with a warning where rollover is allowed", async () => {
    h = await new Harness().start();
    h.seed({ [`${X12}-ICN`]: 999_999_500 });
    const agreement = h.fake.accounts.secondary.artifacts.agreements.get(X12.toLowerCase())!;
    const envelope = (
      agreement.properties.content as {
        x12: { sendAgreement: { protocolSettings: { envelopeSettings: Record<string, unknown> } } };
      }
    ).x12.sendAgreement.protocolSettings.envelopeSettings;
    envelope.rolloverInterchangeControlNumber = false;
    const refused = await h.run(["failover", "--yes", ...h.outputs("normal")]);
    assert.strictEqual(refused.code, 1);
    assert.match(
      refused.stdout,
      /error: Contoso-Fabrikam-X12-ICN: 999999500 \+ 880 = 1000000380 passes the upper bound 999999999 and rollover is off. Fix: raise the agreement's upper bound, or allow rollover/,
    );
    assert.strictEqual(
      h.fake.controlNumber("secondary", `${X12}-ICN`),
      999_999_500,
      "the refused session is unchanged",
    );
    // One session that cannot be bumped does not stop the others.
    assert.strictEqual(h.fake.controlNumber("secondary", `${X12}-GCN`), 1000 + BUMP[X12]);

    envelope.rolloverInterchangeControlNumber = true;
    const wrapped = await h.run(["failover", "--yes", ...h.outputs("normal")]);
    assert.strictEqual(wrapped.code, 0, wrapped.stdout);
    assert.match(
      wrapped.stdout,
      /warning: Contoso-Fabrikam-X12-ICN: 999999500 \+ 880 passes 999999999; it wraps to 381/,
    );
    // lower + (current + bump − lower) mod (upper − lower + 1) = 1 + 1000000379 mod 999999999
    assert.strictEqual(h.fake.controlNumber("secondary", `${X12}-ICN`), 381);
  });

  it("a failure midway, then a rerun: every session bumped exactly once", async () => {
    h = await new Harness().start();
    h.seed();
    h.fake.failSessionPutsAfter = 2;
    const broken = await h.run(["failover", "--yes", ...h.outputs("normal")]);
    assert.strictEqual(broken.code, 1);
    assert.match(broken.stdout, /writing it failed \(HTTP 500.*Fix: run the command again: it resumes/);
    const partial = SESSIONS.map((s) => h.fake.controlNumber("secondary", s));
    assert.ok(
      partial.some((v) => v === 1000),
      `some sessions not bumped: ${partial.join()}`,
    );
    h.fake.failSessionPutsAfter = undefined;
    const rerun = await h.run(["failover", "--yes", ...h.outputs("normal")]);
    assert.strictEqual(rerun.code, 0, rerun.stdout);
    for (const s of SESSIONS) assert.strictEqual(h.fake.controlNumber("secondary", s), 1000 + bumpOf(s), s);
  });

  it("fallback: reverse replication, stop accepting, catch up, bump the primary to max + bump, switch back, verify", async () => {
    h = await new Harness().start();
    h.seed();
    await h.run(["failover", "--yes", ...h.outputs("normal")]);
    h.fake.deploy(pairs.failover!);
    await h.run(["failover", "--yes", ...h.outputs("failover")]);
    // The secondary serves traffic for a while.
    h.fake.send("secondary", `${X12}-ICN`, 7);

    const step1 = await h.run(["fallback", "--yes", ...h.outputs("failover")]);
    assert.strictEqual(step1.code, 0, step1.stdout + step1.stderr);
    assert.match(
      step1.stdout,
      /pulumi config set b2b-dr:replicationStartSyncTime \d{4}-\d\d-\d\dT[\d:.]+Z --stack primary\n\s+pulumi config set b2b-dr:drPhase failback --stack secondary\n\s+pulumi up --stack secondary\n\s+pulumi up --stack primary/,
    );

    // The operator ran them: reverse replication exists and drains into the primary.
    h.fake.deploy(pairs.failback!);
    h.fake.autoReplicate = true;
    const step2 = await h.run([
      "fallback",
      "--yes",
      "--poll-interval",
      "0.2",
      "--wait-timeout",
      "10",
      ...h.outputs("failback"),
    ]);
    assert.strictEqual(step2.code, 0, step2.stdout + step2.stderr);
    assert.match(step2.stdout, /caught up: \d+ sessions and reverse workflows/);
    for (const wf of manifestOf(pairs.failback!.secondary).workflows.business)
      assert.strictEqual(workflowState(h, "secondary", wf), "Disabled");
    const secondaryIcn = 1000 + BUMP[X12] + 7;
    assert.strictEqual(
      h.fake.controlNumber("primary", `${X12}-ICN`),
      secondaryIcn + BUMP[X12],
      "max(primary, secondary) + bump",
    );
    assert.match(
      step2.stdout,
      /pulumi config rm b2b-dr:replicationStartSyncTime --stack primary\n\s+pulumi config set b2b-dr:drPhase normal --stack secondary/,
    );

    h.fake.autoReplicate = false;
    h.fake.deploy(pairs.normal!);
    const step3 = await h.run(["fallback", "--yes", ...h.outputs("normal")]);
    assert.strictEqual(step3.code, 0, step3.stdout + step3.stderr);
    assert.match(step3.stdout, /Fallback 1 complete: primary active, replication primary -> secondary enabled/);
    const idle = await h.run(["fallback", "--yes", ...h.outputs("normal")]);
    assert.match(idle.stdout, /Fallback 1 is complete.*Nothing to do/);

    // A new failover is epoch 2 and bumps again.
    const next = await h.run(["failover", "--yes", "--dry-run", ...h.outputs("normal")]);
    assert.match(next.stdout, /Failover 2: make northeurope the active region/);
  });

  it("fallback times out with a clear report when the primary does not catch up", async () => {
    h = await new Harness().start();
    h.seed();
    await h.run(["failover", "--yes", ...h.outputs("normal")]);
    // A partner's interchange received in the secondary during the failover: its duplicate-check session.
    h.fake.setSession("secondary", `${X12}-ICN-X12-000000777`, 777);
    h.fake.deploy(pairs.failback!);
    const r = await h.run([
      "fallback",
      "--yes",
      "--poll-interval",
      "0.2",
      "--wait-timeout",
      "1",
      ...h.outputs("failback"),
    ]);
    assert.strictEqual(r.code, 1);
    assert.match(r.stdout, /the primary has not caught up after 1 s; still behind:/);
    assert.match(r.stdout, /\n\s+Contoso-Fabrikam-X12-ICN \(secondary \d+ at \S+, primary 1000 at \S+\)/);
    assert.match(
      r.stdout,
      /\n\s+logic-b2bdr-prod-westeurope-as2-replication \(no successful run since the secondary stopped accepting/,
    );
    assert.match(r.stdout, /\n\s+Contoso-Fabrikam-X12-ICN-X12-000000777 \(missing in the primary\)/);
    assert.match(r.stdout, /Check the reverse replication runs/);
  });

  it("bump --id bumps one account once per id", async () => {
    h = await new Harness().start();
    h.seed();
    const bumpArgs = ["bump", "--account", "primary", "--id", "CHG-1", "--size", "50", "--yes", ...h.outputs("normal")];
    const first = await h.run(bumpArgs);
    assert.strictEqual(first.code, 0, first.stdout + first.stderr);
    for (const s of SESSIONS) assert.strictEqual(h.fake.controlNumber("primary", s), 1050);
    const again = await h.run(bumpArgs);
    assert.match(again.stdout, /Bump CHG-1 .* is complete. Nothing to do/);
    for (const s of SESSIONS) assert.strictEqual(h.fake.controlNumber("primary", s), 1050);
    assert.deepStrictEqual(
      SESSIONS.map((s) => h.fake.controlNumber("secondary", s)),
      SESSIONS.map(() => 1000),
    );
  });
});
