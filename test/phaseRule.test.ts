/** The phase safety rule as a pure function: unit cases and properties over every input. */
import * as assert from "assert";
import fc from "fast-check";
import { DR_PHASES, DrPhase } from "../model/config";
import {
  AuthorityRecord,
  BREAK_GLASS_ENV,
  authorityPhase,
  authorityRecordSchema,
  checkPhase,
  runbookCommandFor,
} from "../model/phaseRule";
import { AuthorityUnreadableError, parseAuthority } from "../model/phaseRule";

const record = (phase: DrPhase, epoch = 1): AuthorityRecord => ({
  phase,
  epoch,
  changedAt: "2026-11-29T09:00:00Z",
  changedBy: "ops@contoso.example",
  operationId: `failover-${epoch}`,
});
const secondaryFile = { file: "Pulumi.secondary.yaml", setting: "b2b-dr:drPhase" };

describe("phase safety rule", () => {
  it("proceeds when the declared phase is the authority's", () => {
    assert.deepStrictEqual(
      checkPhase({
        stack: "secondary",
        role: "secondary",
        declared: "failover",
        source: secondaryFile,
        authority: record("failover"),
      }),
      { verdict: "proceed", phase: "failover" },
    );
  });

  it("reads an absent authority as normal (first deployment, or never switched)", () => {
    assert.strictEqual(authorityPhase(undefined), "normal");
    assert.strictEqual(
      checkPhase({ stack: "s", role: "secondary", declared: "normal", source: secondaryFile, authority: undefined })
        .verdict,
      "proceed",
    );
    const refused = checkPhase({
      stack: "s",
      role: "secondary",
      declared: "failover",
      source: secondaryFile,
      authority: undefined,
    });
    assert.strictEqual(refused.verdict, "refuse");
    assert.match(refused.verdict === "refuse" ? refused.message : "", /no phase\.json yet/);
    assert.match(refused.verdict === "refuse" ? refused.message : "", /npm run dr -- failover/);
  });

  it("refuses the incident (stale normal after a failover) naming both values, the file, the setting and the command", () => {
    const v = checkPhase({
      stack: "organization/b2b-dr/secondary",
      role: "secondary",
      declared: "normal",
      source: secondaryFile,
      authority: record("failover", 3),
    });
    assert.strictEqual(v.verdict, "refuse");
    const message = v.verdict === "refuse" ? v.message : "";
    assert.match(message, /would deploy DR phase normal \(b2b-dr:drPhase in Pulumi\.secondary\.yaml\)/);
    assert.match(
      message,
      /authority says failover \(epoch 3, set by failover-3 at 2026-11-29T09:00:00Z by ops@contoso\.example\)/,
    );
    assert.match(message, /set b2b-dr:drPhase: failover in Pulumi\.secondary\.yaml/);
    assert.match(message, /`npm run dr -- fallback`/);
    assert.match(message, /Nothing was deployed/);
    assert.ok(message.includes(BREAK_GLASS_ENV));
  });

  it("overrides only with a non-blank break-glass reason, and says so", () => {
    const base = {
      stack: "primary",
      role: "primary" as const,
      declared: "normal" as const,
      source: secondaryFile,
      authority: record("failover"),
    };
    assert.strictEqual(checkPhase({ ...base, breakGlassReason: "   " }).verdict, "refuse");
    const v = checkPhase({ ...base, breakGlassReason: "INC-42 storage account lost" });
    assert.strictEqual(v.verdict, "override");
    if (v.verdict !== "override") return;
    assert.strictEqual(v.phase, "normal");
    assert.match(v.warning, /^BREAK-GLASS: .*authority says failover.*"INC-42 storage account lost"/);
  });

  it("names the runbook command that moves the phase on", () => {
    assert.strictEqual(runbookCommandFor("normal"), "npm run dr -- failover");
    assert.strictEqual(runbookCommandFor("failover"), "npm run dr -- fallback");
    assert.strictEqual(runbookCommandFor("failback"), "npm run dr -- fallback");
  });

  it("properties: proceeds exactly when the phases agree; otherwise refuses unless overridden, never silently", () => {
    const phase = fc.constantFrom(...DR_PHASES);
    fc.assert(
      fc.property(
        phase,
        fc.option(phase, { nil: undefined }),
        fc.option(fc.string(), { nil: undefined }),
        fc.constantFrom("primary" as const, "secondary" as const),
        (declared, authority, reason, role) => {
          const v = checkPhase({
            stack: role,
            role,
            declared,
            source: secondaryFile,
            authority: authority === undefined ? undefined : record(authority),
            breakGlassReason: reason,
          });
          const agree = declared === (authority ?? "normal");
          if (agree) return v.verdict === "proceed" && v.phase === declared;
          if (reason !== undefined && reason.trim() !== "")
            return v.verdict === "override" && v.phase === declared && v.warning.includes(`DR phase ${declared}`);
          return (
            v.verdict === "refuse" &&
            v.message.includes(`DR phase ${declared}`) &&
            v.message.includes(`authority says ${authority ?? "normal"}`) &&
            v.message.includes(runbookCommandFor(authority ?? "normal"))
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("phase authority record", () => {
  it("parses what the runbook writes and refuses anything else, naming the blob and the fix", () => {
    const r = record("failback", 2);
    assert.deepStrictEqual(parseAuthority(JSON.stringify(r), "phase.json"), r);
    assert.throws(() => parseAuthority("{", "https://x/b2b-dr/phase.json"), AuthorityUnreadableError);
    assert.throws(
      () => parseAuthority(JSON.stringify({ ...r, phase: "Failover" }), "https://x/b2b-dr/phase.json"),
      (e: Error) =>
        e instanceof AuthorityUnreadableError && /phase\.json: phase: .*Fix: only the runbook/.test(e.message),
    );
    assert.strictEqual(authorityRecordSchema.safeParse({ ...r, extra: 1 }).success, false);
  });
});
