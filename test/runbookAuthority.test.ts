/**
 * The runbook writes the phase authority (ETag-guarded, idempotent, audit-logged) and the program's
 * reader reads it, both against the real storage emulator (Azurite); `failover`/`fallback` announce
 * themselves when they start and when they complete or fail (local HTTP receiver).
 */
import * as assert from "assert";
import * as http from "http";
import type { AddressInfo } from "net";
import { AuthorityUnreadableError, StoreLocation } from "../model/phaseRule";
import { azureAuthorityReader } from "../tools/authorityReader";
import { AUTHORITY_BLOB } from "../model/phaseRule";
import { authorityStep, phaseAgreement, readAuthority, recordPhase } from "../runbook/authority";
import type { AuditEntry, OperationResult, RunbookContext } from "../runbook/context";
import { WEBHOOK_ENV, notifierFromEnv, withAnnouncements } from "../runbook/notify";
import { ConcurrentWriteError, JsonStore } from "../runbook/stateStore";
import { Run } from "../runbook/steps";
import { Azurite, azuriteJsonStore, startAzurite } from "./support/azurite";

describe("phase authority written by the runbook (Azurite)", function () {
  this.timeout(60_000);
  let azurite: Azurite;
  let store: JsonStore;
  let location: StoreLocation;
  const audit: AuditEntry[] = [];
  const now = () => new Date("2026-11-29T10:00:00Z");
  const ctx = () => ({
    store,
    command: "failover",
    now,
    audit: (e: AuditEntry) => void audit.push(e),
    changedBy: "ops",
  });

  before(async () => {
    azurite = await startAzurite();
    store = await azuriteJsonStore(azurite);
    location = { accountName: "devstoreaccount1", blobEndpoint: azurite.blobEndpoint, container: "b2b-dr" };
  });
  after(async () => azurite?.stop());

  it("reads an absent phase.json as normal, then records failover once (idempotent) with an audit entry", async () => {
    const reader = azureAuthorityReader({ credential: azurite.credential });
    assert.strictEqual(await reader.read(location), undefined);
    assert.strictEqual(await recordPhase(ctx(), { phase: "failover", epoch: 1, operationId: "failover-1" }), "written");
    const expected = {
      phase: "failover",
      epoch: 1,
      changedAt: "2026-11-29T10:00:00.000Z",
      changedBy: "ops",
      operationId: "failover-1",
    };
    assert.deepStrictEqual(await reader.read(location), expected);
    assert.deepStrictEqual((await readAuthority(store)).record, expected);
    assert.strictEqual(
      await recordPhase(ctx(), { phase: "failover", epoch: 1, operationId: "failover-1" }),
      "unchanged",
    );
    assert.strictEqual(audit.length, 1, "a rerun writes and logs nothing");
    assert.deepStrictEqual([audit[0]!.action, audit[0]!.before, audit[0]!.after], ["set phase", null, expected]);
  });

  it("moves only normal -> failover -> failback -> normal", async () => {
    await assert.rejects(
      recordPhase(ctx(), { phase: "normal", epoch: 1, operationId: "fallback-1" }),
      /says failover \(epoch 1, failover-1\); fallback-1 cannot move it to normal/,
    );
    assert.strictEqual(await recordPhase(ctx(), { phase: "failback", epoch: 1, operationId: "fallback-1" }), "written");
    await assert.rejects(
      recordPhase(ctx(), { phase: "failover", epoch: 2, operationId: "failover-2" }),
      /cannot move it to failover/,
    );
    assert.strictEqual(await recordPhase(ctx(), { phase: "normal", epoch: 1, operationId: "fallback-1" }), "written");
    assert.strictEqual((await readAuthority(store)).record?.phase, "normal");
  });

  it("two operators at once: exactly one write wins, the other gets ConcurrentWriteError and overwrites nothing", async () => {
    const results = await Promise.allSettled([
      recordPhase({ ...ctx(), changedBy: "alice" }, { phase: "failover", epoch: 2, operationId: "failover-2" }),
      recordPhase({ ...ctx(), changedBy: "bob" }, { phase: "failover", epoch: 2, operationId: "failover-2" }),
    ]);
    const won = results.filter((r) => r.status === "fulfilled" && r.value === "written");
    const lost = results.filter((r) => r.status === "rejected");
    // Either the second saw the first's record (unchanged) or it lost the ETag race.
    assert.strictEqual(won.length, 1, JSON.stringify(results));
    for (const r of lost) assert.ok((r as PromiseRejectedResult).reason instanceof ConcurrentWriteError);
    const winner = (await readAuthority(store)).record!;
    assert.ok(["alice", "bob"].includes(winner.changedBy));
  });

  it("the program's reader: a missing container is absent; garbage is unreadable, never normal", async () => {
    const reader = azureAuthorityReader({ credential: azurite.credential });
    assert.strictEqual(await reader.read({ ...location, container: "nothing-here" }), undefined);
    await azurite.containerClient("b2b-dr").getBlockBlobClient(AUTHORITY_BLOB).upload("{not json", 9);
    await assert.rejects(reader.read(location), AuthorityUnreadableError);
    await assert.rejects(readAuthority(store), /phase\.json is not JSON/);
    const body = JSON.stringify({ phase: "Failover", epoch: 1 });
    await azurite.containerClient("b2b-dr").getBlockBlobClient(AUTHORITY_BLOB).upload(body, body.length);
    await assert.rejects(readAuthority(store), AuthorityUnreadableError);
    await assert.rejects(reader.read(location), /phase\.json: phase: .*Fix: only the runbook writes this blob/);
  });

  it("an account whose host does not resolve is absent only for the secondary's own, not yet published store", async () => {
    const missing = { accountName: "nope", blobEndpoint: "https://nope.b2bdr-test.invalid/", container: "b2b-dr" };
    const strict = azureAuthorityReader({ credential: azurite.credential });
    await assert.rejects(strict.read(missing), /ENOTFOUND/);
    const firstDeployment = azureAuthorityReader({ credential: azurite.credential, missingAccountIsAbsent: true });
    assert.strictEqual(await firstDeployment.read(missing), undefined);
  });

  it("authorityStep records the phase and tells the operator to commit it; a refused move fails the run", async () => {
    await azurite.containerClient("b2b-dr").getBlockBlobClient(AUTHORITY_BLOB).deleteIfExists();
    const lines: string[] = [];
    const runCtx = {
      command: "failover",
      stores: { secondary: store },
      now,
      audit: () => undefined,
      out: { line: (t: string) => void lines.push(t), progress: () => undefined },
    } as unknown as RunbookContext;
    const run = new Run(runCtx, "normal");
    assert.strictEqual(await authorityStep(run, { phase: "failover", epoch: 3, operationId: "failover-3" }), undefined);
    assert.match(lines.join("\n"), /phase authority: failover \(epoch 3, failover-3\) recorded in .*phase\.json/);
    assert.match(lines.join("\n"), /commit b2b-dr:drPhase: failover in Pulumi\.secondary\.yaml/);
    const refused = await authorityStep(new Run(runCtx, "failover"), {
      phase: "normal",
      epoch: 3,
      operationId: "fallback-3",
    });
    assert.strictEqual(refused?.status, "failed");
    assert.match(refused!.errors[0]!, /cannot move it to normal/);
  });
});

describe("dr status: the authority next to the deployed phases and the file in git (Azurite)", function () {
  this.timeout(60_000);
  let azurite: Azurite;
  let store: JsonStore;
  const names = { primary: "org/b2b-dr/primary", secondary: "org/b2b-dr/secondary" };
  before(async () => {
    azurite = await startAzurite();
    store = await azuriteJsonStore(azurite);
  });
  after(async () => azurite?.stop());

  it("disagrees (status exits 1) when the file in git or a deployed stack differs from the authority, naming each with its fix", async () => {
    const none = await phaseAgreement(store, { primary: "normal", secondary: "normal" }, "normal", names);
    assert.deepStrictEqual([none.agree, none.authorityPhase, none.authority], [true, "normal", undefined]);
    await recordPhase(
      {
        store,
        command: "failover",
        now: () => new Date("2026-11-29T10:00:00Z"),
        audit: () => undefined,
        changedBy: "ops",
      },
      { phase: "failover", epoch: 1, operationId: "failover-1" },
    );
    const stale = await phaseAgreement(store, { primary: "normal", secondary: "failover" }, "normal", names);
    assert.strictEqual(stale.agree, false);
    assert.deepStrictEqual(stale.differences.length, 2);
    assert.match(
      stale.differences[0]!,
      /Pulumi\.secondary\.yaml says b2b-dr:drPhase: normal; fix: commit drPhase: failover/,
    );
    assert.match(
      stale.differences[1]!,
      /stack org\/b2b-dr\/primary is deployed in normal; fix: pulumi up --stack org\/b2b-dr\/primary/,
    );
    const agreed = await phaseAgreement(store, { primary: "failover", secondary: "failover" }, "failover", names);
    assert.deepStrictEqual([agreed.agree, agreed.differences], [true, []]);
  });
});

describe("failover / fallback announcements", () => {
  let server: http.Server;
  let url = "";
  const texts: string[] = [];
  before(async () => {
    server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        texts.push((JSON.parse(body) as { text: string }).text);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  after(() => server.close());
  beforeEach(() => void texts.splice(0));

  const ctx = (answer: boolean) => ({
    confirm: async (question: string) => (question.length > 0 ? answer : false),
    bumpSizes: new Map([
      ["A", 880],
      ["B", 220],
    ]),
    outputs: {
      primary: { drManifest: { region: "westeurope" } },
      secondary: { drManifest: { region: "northeurope" } },
    },
    out: { line: () => undefined },
  });
  const result = (status: OperationResult["status"], details: Record<string, unknown> = {}): OperationResult => ({
    command: "failover",
    status,
    phase: status === "done" ? "failover" : "normal",
    commands: [],
    warnings: [],
    errors: status === "failed" ? ["could not disable replication: HTTP 503"] : [],
    details: { epoch: 4, ...details },
  });

  it("announces the start once confirmed, then the completion with epoch, regions and bump summary", async () => {
    const notifier = notifierFromEnv({ [WEBHOOK_ENV]: url });
    const r = await withAnnouncements(
      "failover",
      ctx(true),
      notifier,
      async (c) =>
        (await c.confirm("Proceed?"))
          ? result("done", { bumped: 4, alreadyBumped: 0, created: [], skipped: [] })
          : result("declined"),
      async () => 4,
    );
    assert.strictEqual(r.status, "done");
    assert.strictEqual(texts.length, 2);
    assert.match(
      texts[0]!,
      /Failover 4 STARTED: westeurope -> northeurope \(phase authority: normal\)\.\nControl numbers: to bump: 2 X12\/EDIFACT agreements, bumps 220-880/,
    );
    assert.match(
      texts[1]!,
      /Failover 4 COMPLETED: westeurope -> northeurope \(phase authority: failover\)\.\nControl numbers: 4 sessions bumped \(0 created\)/,
    );
  });

  it("announces a failure after the start; says nothing on a dry run or when not confirmed", async () => {
    const notifier = notifierFromEnv({ [WEBHOOK_ENV]: url });
    await withAnnouncements(
      "failover",
      ctx(true),
      notifier,
      async (c) => (await c.confirm("Proceed?"), result("failed")),
      async () => 4,
    );
    assert.strictEqual(texts.length, 2);
    assert.match(
      texts[1]!,
      /Failover 4 FAILED[\s\S]*Errors: could not disable replication: HTTP 503[\s\S]*Rerun `npm run dr -- failover`/,
    );
    texts.splice(0);
    await withAnnouncements(
      "failover",
      ctx(false),
      notifier,
      async (c) => ((await c.confirm("Proceed?")) ? result("done") : result("declined")),
      async () => 4,
    );
    await withAnnouncements(
      "failover",
      ctx(true),
      notifier,
      async () => result("dry-run"),
      async () => 4,
    );
    assert.deepStrictEqual(texts, []);
  });

  it("a fallback announces the way back (secondary region -> primary region)", async () => {
    const notifier = notifierFromEnv({ [WEBHOOK_ENV]: url });
    await withAnnouncements(
      "fallback",
      ctx(true),
      notifier,
      async (c) => (await c.confirm("Proceed?"), result("done")),
      async () => 4,
    );
    assert.match(texts[0]!, /Fallback 4 STARTED: northeurope -> westeurope/);
  });
});
