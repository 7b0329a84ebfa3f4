/**
 * The drift gate (delivery/drift.ts) over `pulumi preview --refresh --json`: it accepts exactly the
 * refresh artefact of a connection's write-only parameter values, and fails on everything else.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { PreviewStep, classifyPreview, isWriteOnlyRefreshArtefact, main, urnType } from "../delivery/drift";
import { tempDir } from "./helpers";

const CONNECTION =
  "urn:pulumi:secondary::b2b-dr::b2b-dr:replication:Replication$azure-native:web:Connection::b2b-conn-x12-source";
const WORKFLOW = "urn:pulumi:secondary::b2b-dr::b2b-dr:replication:Replication$azure-native:logic:Workflow::b2b-x12";

/** What a preview shows after a refresh copied a connection's GET into its inputs. */
const artefact: PreviewStep = {
  op: "update",
  urn: CONNECTION,
  diffReasons: ["properties"],
  detailedDiff: {
    "properties.parameterValues.integrationAccountId": { kind: "add", inputDiff: true },
    "properties.parameterValues.integrationAccountUrl": { kind: "add", inputDiff: true },
    "properties.nonSecretParameterValues": { kind: "delete", inputDiff: true },
    "properties.statuses": { kind: "delete", inputDiff: true },
    "properties.changedTime": { kind: "delete", inputDiff: true },
    "properties.api.name": { kind: "delete", inputDiff: true },
  },
};

describe("drift gate", () => {
  it("reads the resource type from a URN with parents", () => {
    assert.strictEqual(urnType(CONNECTION), "azure-native:web:Connection");
    assert.strictEqual(urnType("urn:pulumi:s::p::pulumi:pulumi:Stack::p-s"), "pulumi:pulumi:Stack");
  });

  it("accepts the write-only refresh artefact of a connection, and only that", () => {
    assert.ok(isWriteOnlyRefreshArtefact(artefact));
    const variants: [string, PreviewStep][] = [
      [
        "a changed SAS URL (update, e.g. after a key rotation)",
        { ...artefact, detailedDiff: { "properties.parameterValues.integrationAccountUrl": { kind: "update" } } },
      ],
      ["a renamed display name", { ...artefact, detailedDiff: { "properties.displayName": { kind: "update" } } }],
      ["the managed API changed", { ...artefact, detailedDiff: { "properties.api.id": { kind: "update" } } }],
      ["no detailed diff", { op: "update", urn: CONNECTION, diffReasons: ["properties"] }],
      ["the same diff on another type", { ...artefact, urn: WORKFLOW }],
      ["a replacement", { ...artefact, op: "replace" }],
    ];
    for (const [what, step] of variants) assert.ok(!isWriteOnlyRefreshArtefact(step), what);
  });

  it("classifies a whole preview: same/refresh are no change; everything else but the artefact is drift", () => {
    const report = classifyPreview({
      steps: [
        { op: "same", urn: WORKFLOW },
        { op: "refresh", urn: CONNECTION },
        artefact,
        { op: "update", urn: WORKFLOW, detailedDiff: { state: { kind: "update" } } },
        { op: "create", urn: "urn:pulumi:s::b2b-dr::azure-native:monitor:MetricAlert::x" },
      ],
    });
    assert.deepStrictEqual(report.writeOnly, [artefact]);
    assert.deepStrictEqual(
      report.drift.map((s) => s.op),
      ["update", "create"],
    );
  });

  it("the command: exit 0 on the artefact alone, 1 on drift (listed), 2 on a file that is not a preview", () => {
    const dir = tempDir();
    const write = (name: string, body: unknown) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, typeof body === "string" ? body : JSON.stringify(body));
      return file;
    };
    const lines: string[] = [];
    const out = (t: string) => lines.push(t);
    assert.strictEqual(main([write("ok.json", { steps: [{ op: "same", urn: WORKFLOW }, artefact] })], out, out), 0);
    assert.match(lines.join("\n"), /not drift \(write-only values after refresh\): update .*b2b-conn-x12-source/);
    assert.match(lines.join("\n"), /no drift$/);
    lines.length = 0;
    const drifted = { steps: [{ op: "update", urn: WORKFLOW, detailedDiff: { state: { kind: "update" } } }] };
    assert.strictEqual(main([write("drift.json", drifted)], out, out), 1);
    assert.match(lines.join("\n"), /DRIFT update .*logic:Workflow::b2b-x12: update state\n1 resource\(s\) drifted/);
    lines.length = 0;
    assert.strictEqual(main([write("bad.json", "{ not json")], out, out), 2);
    assert.match(lines.join("\n"), /bad\.json: .*Fix: write it with `pulumi preview --refresh --json/);
    assert.strictEqual(main([write("nosteps.json", { changeSummary: {} })], out, out), 2);
  });
});
