/**
 * Checks that need both stacks of the DR pair: the two must be in different regions. A stack knows
 * its peer's region from the peer's stack file (`Pulumi.<peer>.yaml`, the last segment of
 * `b2b-dr:peerStack`) when that file is in the project directory, as it is for the offline plan and
 * for a deployment from this repository; when it is not, the check cannot be made here.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { PROJECT, StackConfig } from "./config";
import type { Problem } from "./problems";

/** The peer's `b2b-dr:region` as written in its stack file, or `undefined` when not known. */
export function peerRegion(peerStack: string, projectDir: string): { file: string; region: string } | undefined {
  const file = `Pulumi.${peerStack.split("/").pop() ?? ""}.yaml`;
  let config: unknown;
  try {
    const doc = YAML.parseDocument(fs.readFileSync(path.join(projectDir, file), "utf8"));
    // A broken peer file is reported when the peer itself is validated.
    if (doc.errors.length > 0) return undefined;
    config = (doc.toJS() as { config?: unknown } | null)?.config;
  } catch {
    return undefined;
  }
  if (config === null || typeof config !== "object") return undefined;
  const values = config as Record<string, unknown>;
  const region = values[`${PROJECT}:region`] ?? values.region;
  return typeof region === "string" ? { file, region } : undefined;
}

/**
 * The problem of a pair whose two stacks share a region. It is the same problem seen from either
 * stack (reported at the secondary's region), so a caller validating both reports it once.
 */
export function pairProblems(config: StackConfig, configFile: string, projectDir: string): Problem[] {
  const peer = peerRegion(config.peerStack, projectDir);
  if (peer === undefined || peer.region !== config.region) return [];
  const [primaryFile, secondaryFile] = config.role === "primary" ? [configFile, peer.file] : [peer.file, configFile];
  return [
    {
      file: secondaryFile,
      path: `${PROJECT}:region`,
      value: config.region,
      message: `is also the primary's region (${primaryFile}); the two stacks of a DR pair must be in different regions`,
      fix: "give the secondary another region, normally the primary region's Azure pair (e.g. northeurope for westeurope)",
    },
  ];
}
