/**
 * `npm run drift -- <preview.json> [--json]`: the drift gate of `scheduled.yml`, reading the output of
 * `pulumi preview --refresh --json`.
 *
 * Why not plain `--expect-no-changes`: a refresh can make an API connection look changed when nothing
 * changed. azure-native's Read rebuilds a resource's inputs by applying the difference between the old
 * and the new outputs to the old inputs, one top-level property at a time
 * (https://github.com/pulumi/pulumi-azure-native/blob/master/provider/pkg/provider/provider.go, `Read`;
 * `applyDiff` in provider/pkg/provider/diff.go). All of a `web.Connection`'s inputs sit under the one
 * top-level `properties`, and Azure's GET of a connection returns no `parameterValues` at all (the
 * integration account id comes back under `nonSecretParameterValues`, the SAS URL never:
 * https://github.com/Azure/azure-rest-api-specs/blob/main/specification/web/resource-manager/Microsoft.Web/stable/2016-06-01/examples/connectionsGet.json).
 * So as soon as Azure changes anything it reports under `properties` (`statuses`, `changedTime`), the
 * refreshed inputs become what the GET shows: the write-only `parameterValues` vanish from state and
 * the server-side fields appear. The next preview then "adds" the parameter values back and "deletes"
 * the server-side fields, and `--expect-no-changes` fails on every run until the next `pulumi up`.
 *
 * The narrowest fix is here, in the gate, not in the program: `ignoreChanges` on
 * `properties.parameterValues` would send the refreshed (empty) values on the next update, or keep a
 * stale SAS URL after a key rotation (the null-secret failure of https://github.com/pulumi/pulumi/issues/6272).
 * This gate accepts exactly that refresh artefact on `azure-native:web:Connection` and nothing else:
 * an `add` under `properties.parameterValues` (the value was absent from the refreshed state) and a
 * `delete` of a server-populated field. A changed parameter value (`update`), any other property, any
 * other resource type, and any create, delete or replace are drift.
 */
import * as fs from "fs";
import { Command } from "commander";
import { parseArgs } from "../tools/cli";

/** One step of `pulumi preview --json` (pulumi/pulumi pkg/backend/display/json.go, `previewStep`). */
export interface PreviewStep {
  readonly op: string;
  readonly urn: string;
  readonly diffReasons?: readonly string[];
  readonly detailedDiff?: Readonly<Record<string, { readonly kind: string; readonly inputDiff?: boolean }>>;
}

/** The `pulumi preview --json` document (`previewDigest`), the fields the gate reads. */
export interface PreviewDigest {
  readonly steps?: readonly PreviewStep[];
}

export const CONNECTION_TYPE = "azure-native:web:Connection";

/** Fields of a connection's `properties` that Azure fills in and a refresh can copy into the inputs. */
export const SERVER_POPULATED = [
  "statuses",
  "changedTime",
  "createdTime",
  "testLinks",
  "nonSecretParameterValues",
  "customParameterValues",
  "api.name",
  "api.displayName",
  "api.description",
  "api.iconUri",
  "api.brandColor",
  "api.type",
  "api.swagger",
].map((f) => `properties.${f}`);

/** Operations that change nothing. */
const NO_CHANGE = new Set(["same", "read", "refresh"]);

/** The resource type of a URN (`urn:pulumi:<stack>::<project>::<parent$type>::<name>`). */
export function urnType(urn: string): string {
  return (urn.split("::")[2] ?? "").split("$").pop() ?? "";
}

const under = (key: string, prefix: string) =>
  key === prefix || key.startsWith(`${prefix}.`) || key.startsWith(`${prefix}[`);

/** Whether a step is only the refresh artefact of a connection's write-only parameter values. */
export function isWriteOnlyRefreshArtefact(step: PreviewStep): boolean {
  if (step.op !== "update" || urnType(step.urn) !== CONNECTION_TYPE) return false;
  const entries = Object.entries(step.detailedDiff ?? {});
  if (entries.length === 0) return false;
  return entries.every(
    ([key, d]) =>
      (d.kind === "add" && under(key, "properties.parameterValues")) ||
      (d.kind === "delete" && SERVER_POPULATED.some((f) => under(key, f))),
  );
}

export interface DriftReport {
  /** Steps that are drift: the gate fails on any. */
  readonly drift: readonly PreviewStep[];
  /** Connection updates accepted as the write-only refresh artefact (a `pulumi up` rewrites them). */
  readonly writeOnly: readonly PreviewStep[];
}

export function classifyPreview(digest: PreviewDigest): DriftReport {
  const changed = (digest.steps ?? []).filter((s) => !NO_CHANGE.has(s.op));
  return {
    drift: changed.filter((s) => !isWriteOnlyRefreshArtefact(s)),
    writeOnly: changed.filter(isWriteOnlyRefreshArtefact),
  };
}

function describe(step: PreviewStep): string {
  const keys = Object.entries(step.detailedDiff ?? {}).map(([k, d]) => `${d.kind} ${k}`);
  const detail = keys.length > 0 ? keys.join(", ") : (step.diffReasons ?? []).join(", ") || "no detail";
  return `${step.op} ${step.urn}: ${detail}`;
}

/** Runs the gate; returns the exit status: 0 no drift, 1 drift, 2 bad input. */
export function main(argv: readonly string[], out = console.log, err = console.error): number {
  const program = new Command()
    .name("npm run drift --")
    .description(
      "Drift gate over `pulumi preview --refresh --json`: fails on any change but a connection's write-only parameter values.",
    )
    .argument("<preview.json>", "the output of pulumi preview --refresh --json")
    .option("--json", "print the report as JSON")
    .addHelpText("after", "\nExit status: 0 no drift; 1 drift (listed); 2 bad input.")
    .exitOverride();
  const stop = parseArgs(program, argv);
  if (stop !== undefined) return stop;
  const file = program.args[0]!;
  let digest: PreviewDigest;
  try {
    digest = JSON.parse(fs.readFileSync(file, "utf8")) as PreviewDigest;
    if (typeof digest !== "object" || digest === null || !Array.isArray(digest.steps))
      throw new Error('no "steps" array');
  } catch (e) {
    err(
      `error: ${file}: ${(e as Error).message}. Fix: write it with \`pulumi preview --refresh --json --stack <stack> > ${file}\`.`,
    );
    return 2;
  }
  const report = classifyPreview(digest);
  if (program.opts<{ json?: boolean }>().json) {
    out(JSON.stringify({ drift: report.drift.map(describe), writeOnly: report.writeOnly.map(describe) }, null, 2));
  } else {
    for (const s of report.writeOnly) out(`not drift (write-only values after refresh): ${describe(s)}`);
    for (const s of report.drift) out(`DRIFT ${describe(s)}`);
    out(report.drift.length === 0 ? "no drift" : `${report.drift.length} resource(s) drifted`);
  }
  return report.drift.length === 0 ? 0 : 1;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
