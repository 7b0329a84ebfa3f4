/**
 * The incident, reproduced through the real program on the offline engine: after a failover recorded
 * by the runbook (phase.json says failover), a deployment of either stack with the repository's stale
 * `drPhase: normal` is refused before anything is declared; with the authority and the file agreeing
 * it proceeds; the break-glass override proceeds and is logged. The mock engine gets the authority
 * through the program's reader interface: nothing calls Azure.
 */
import * as assert from "assert";
import { storageAccountName } from "../model/naming";
import { AuthorityRecord, BREAK_GLASS_ENV } from "../model/phaseRule";
import { PLACEHOLDER_SUBSCRIPTION } from "../plan/engine";
import { RenderError, prepareJobs, renderStack } from "../plan/render";
import { pairFor } from "./renders";

const FAILOVER: AuthorityRecord = {
  phase: "failover",
  epoch: 1,
  changedAt: "2026-11-29T08:00:00.000Z",
  changedBy: "ops@contoso.example",
  operationId: "failover-1",
};

/** Asserts a refusal that registered nothing but the StackReference (a read of the state backend). */
function refusedBeforeDeclaring(pattern: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof RenderError, String(e));
    assert.ok(e.userError, e.message);
    assert.match(e.message, pattern);
    // The peer read (a StackReference, served by the state backend) may or may not have reached the
    // engine before the refusal; nothing else may.
    assert.deepStrictEqual(
      e.registeredTypes.filter((t) => t !== "pulumi:pulumi:StackReference"),
      [],
      "nothing but the peer read was registered",
    );
    return true;
  };
}

describe("phase authority in the program (the incident)", function () {
  this.timeout(300_000);
  // The repository's stack files say drPhase: normal (stale); the runbook's failover wrote phase.json.
  const jobs = prepareJobs({ authority: FAILOVER });
  const staleSecondary = jobs.secondary.guess;

  it("refuses the secondary's deployment of the stale normal, naming both phases, the file and the runbook command", async () => {
    assert.strictEqual(jobs.secondary.config["b2b-dr:drPhase"], "normal");
    await assert.rejects(
      renderStack(jobs.secondary),
      refusedBeforeDeclaring(
        /would deploy DR phase normal \(b2b-dr:drPhase in Pulumi\.secondary\.yaml\), but the phase authority says failover \(epoch 1, set by failover-1.*Nothing was deployed[\s\S]*set b2b-dr:drPhase: failover in Pulumi\.secondary\.yaml[\s\S]*npm run dr -- fallback/,
      ),
    );
  });

  it("refuses the primary's deployment while the secondary publishes the stale normal", async () => {
    assert.strictEqual(staleSecondary.outputs.drPhase, "normal");
    await assert.rejects(
      renderStack(jobs.primary, staleSecondary),
      refusedBeforeDeclaring(
        /stack primary \(primary\) would deploy DR phase normal \(the drPhase output of organization\/b2b-dr\/secondary/,
      ),
    );
  });

  it("proceeds when the authority and the declared phase agree, reading only the secondary's store", async () => {
    // The plan's failover pair: phase.json says failover (the plan's assumed record), both stacks agree.
    const pair = await pairFor("failover");
    const account = storageAccountName({ environment: "prod", region: "northeurope" }, PLACEHOLDER_SUBSCRIPTION);
    const store = {
      accountName: account,
      blobEndpoint: `https://${account}.blob.core.windows.net/`,
      container: "b2b-dr",
    };
    assert.deepStrictEqual(pair.secondary.authorityReads, [store]);
    assert.deepStrictEqual(
      pair.primary.authorityReads,
      [store],
      "the primary reads the secondary's store, never its own region's",
    );
    assert.deepStrictEqual(pair.secondary.outputs.drStateStore, store);
    assert.notStrictEqual(
      account,
      storageAccountName({ environment: "prod", region: "westeurope" }, PLACEHOLDER_SUBSCRIPTION),
    );
    assert.deepStrictEqual([pair.secondary.outputs.drPhase, pair.primary.outputs.drPhase], ["failover", "failover"]);
    assert.ok(pair.primary.resources.length > 10 && pair.secondary.resources.length > 10);
  });

  it("refuses a switch nobody recorded: declared failover with no phase.json", async () => {
    const unrecorded = prepareJobs({ phase: "failover", authority: "absent" });
    await assert.rejects(
      renderStack(unrecorded.secondary),
      refusedBeforeDeclaring(
        /DR phase failover .*authority says normal \(no phase\.json yet[\s\S]*npm run dr -- failover/,
      ),
    );
  });

  it("break-glass: the stale normal proceeds with BREAK_GLASS set, and the deployment logs a warning naming the reason", async () => {
    const before = process.env[BREAK_GLASS_ENV];
    process.env[BREAK_GLASS_ENV] = "INC-42: phase.json lost, restoring";
    try {
      const primary = (await pairFor("failover")).primary;
      const render = await renderStack(jobs.secondary, {
        name: "primary",
        outputs: primary.rawOutputs,
        secretOutputNames: primary.secretOutputNames,
      });
      assert.strictEqual(render.outputs.drPhase, "normal");
      assert.ok(
        render.warnings.some((w) =>
          /BREAK-GLASS: .*authority says failover.*"INC-42: phase\.json lost, restoring"/.test(w),
        ),
        render.warnings.join("\n"),
      );
    } finally {
      if (before === undefined) delete process.env[BREAK_GLASS_ENV];
      else process.env[BREAK_GLASS_ENV] = before;
    }
  });
});
