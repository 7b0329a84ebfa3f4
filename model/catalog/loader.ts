/**
 * Loads the catalog: reads its YAML files, runs the rules of each artifact kind and returns the
 * validated catalog, or throws `InputError` with every problem of every file at once. Nothing is
 * returned from an invalid catalog, so nothing can be registered from one.
 */
import * as fs from "fs";
import * as path from "path";
import { InputError, Problem } from "../problems";
import { CatalogDirectory } from "./directory";
import type { Catalog } from "./model";
import { placeholderProblems } from "./placeholders";
import { checkAgreements } from "./rules/agreements";
import { checkCertificates } from "./rules/certificates";
import { checkMaps } from "./rules/maps";
import { checkPartners } from "./rules/partners";
import type { Checked } from "./rules/result";
import { checkSchemas } from "./rules/schemas";
import { checkWorkflows } from "./rules/workflows";
import {
  AgreementsFile,
  ArtifactsFile,
  PartnersFile,
  WorkflowsFile,
  agreementsFileSchema,
  artifactsFileSchema,
  partnersFileSchema,
  workflowsFileSchema,
} from "./schema";
import { YamlSource } from "./yamlFile";
import { INBOUND_FILE, InboundFile, NO_INBOUND, checkInbound, inboundFileSchema } from "./inbound";

export const CATALOG_FILES = {
  partners: "partners.yaml",
  artifacts: "artifacts.yaml",
  agreements: "agreements.yaml",
  workflows: "workflows.yaml",
  inbound: INBOUND_FILE,
} as const;

export interface LoadOptions {
  /** Directory file names in messages are relative to. Default: the current directory. */
  readonly displayRoot?: string;
  /** The current time in ms since the epoch (certificate expiry warnings). Default: `Date.now()`. */
  readonly now?: number;
}

interface ReadFile<T> {
  readonly source: YamlSource | undefined;
  readonly data: T | undefined;
  readonly problems: readonly Problem[];
}

function readFile<T>(
  dir: CatalogDirectory,
  name: string,
  schema: Parameters<YamlSource["check"]>[0],
  optional: boolean,
): ReadFile<T> {
  const abs = path.join(dir.root, name);
  if (optional && !fs.existsSync(abs)) return { source: undefined, data: schema.parse({}) as T, problems: [] };
  const source = YamlSource.read(abs, dir.display(abs));
  if (Array.isArray(source)) return { source: undefined, data: undefined, problems: source };
  const checked = source.check(schema, source.value());
  return {
    source,
    data: checked.data as T | undefined,
    problems: [...source.nonFiniteProblems(), ...checked.problems],
  };
}

/** Reads, validates and returns the catalog in `dir`; throws `InputError` listing every problem. */
export function loadCatalog(dir: string, options: LoadOptions = {}): Catalog {
  const root = path.resolve(dir);
  const displayRoot = options.displayRoot ?? process.cwd();
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
    throw new InputError([
      {
        file: path.relative(displayRoot, root) || ".",
        path: "(directory)",
        message: "is not a catalog directory: it does not exist",
        fix: "set b2b-dr:catalogPath (or --catalog) to the directory holding partners.yaml and agreements.yaml",
      },
    ]);
  }
  const files = new CatalogDirectory(root, displayRoot);
  const partnersFile = readFile<PartnersFile>(files, CATALOG_FILES.partners, partnersFileSchema, false);
  const artifactsFile = readFile<ArtifactsFile>(files, CATALOG_FILES.artifacts, artifactsFileSchema, true);
  const agreementsFile = readFile<AgreementsFile>(files, CATALOG_FILES.agreements, agreementsFileSchema, false);
  const workflowsFile = readFile<WorkflowsFile>(files, CATALOG_FILES.workflows, workflowsFileSchema, true);
  const inboundFile = readFile<InboundFile>(files, CATALOG_FILES.inbound, inboundFileSchema, true);

  const artifacts = artifactsFile.data;
  const artifactsSource = artifactsFile.source;
  const results: Checked<unknown>[] = [];
  const run = <T>(result: Checked<T>): T => (results.push(result), result.value);
  const workflows = workflowsFile.data
    ? run(checkWorkflows(workflowsFile.data, workflowsFile.source, CATALOG_FILES.workflows, files))
    : undefined;
  const partners =
    partnersFile.data && partnersFile.source ? run(checkPartners(partnersFile.data, partnersFile.source)) : undefined;
  const schemas = artifacts
    ? run(checkSchemas(artifacts.schemas, artifactsSource, CATALOG_FILES.artifacts, files))
    : undefined;
  const maps = artifacts ? run(checkMaps(artifacts.maps, artifactsSource, CATALOG_FILES.artifacts, files)) : undefined;
  const certificates = artifacts
    ? run(
        checkCertificates(
          artifacts.certificates,
          artifactsSource,
          CATALOG_FILES.artifacts,
          files,
          options.now ?? Date.now(),
        ),
      )
    : undefined;
  const agreements =
    artifacts && partners && certificates && workflows && agreementsFile.data && agreementsFile.source
      ? run(
          checkAgreements(agreementsFile.data, agreementsFile.source, {
            partners,
            declaredSchemas: artifacts.schemas.map((s) => s.name),
            certificates,
            workflows,
          }),
        )
      : undefined;

  const inboundChecked =
    inboundFile.data && workflows ? checkInbound(inboundFile.data, inboundFile.source, workflows) : undefined;
  const inbound = inboundChecked?.value ?? NO_INBOUND;
  const problems = [
    ...partnersFile.problems,
    ...inboundFile.problems,
    ...(inboundChecked?.problems ?? []),
    ...artifactsFile.problems,
    ...agreementsFile.problems,
    ...workflowsFile.problems,
    ...results.flatMap((r) => r.problems),
  ];
  if (problems.length > 0 || !partners || !schemas || !maps || !certificates || !agreements || !workflows) {
    throw new InputError(problems);
  }
  const sources = [partnersFile, artifactsFile, agreementsFile, workflowsFile, inboundFile].flatMap(
    (f) => f.source ?? [],
  );
  return {
    dir: root,
    partners,
    schemas,
    maps,
    certificates,
    agreements,
    workflows,
    inbound,
    warnings: [...results, ...(inboundChecked ? [inboundChecked] : [])].flatMap((r) => r.warnings),
    placeholders: sources.flatMap(placeholderProblems),
  };
}
